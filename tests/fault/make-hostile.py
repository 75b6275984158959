#!/usr/bin/env python3
"""make-hostile.py SRC_DOCX OUTDIR - hostile documents built from a real form.

Written at test time rather than committed: they are tiny to describe and
some are large on disk.  Each keeps every part of SRC_DOCX except the one it
attacks:

  laughs.docx     billion laughs: nested entities in word/document.xml
  quadratic.docx  quadratic blowup: one 64 KB entity referenced 20,000 times
  xxe-passwd.docx an external entity pointing at file:///etc/passwd
  overlap.docx    Fifield-style overlapping entries: 200 central-directory
                  entries whose data all point at one deflated 10 MB kernel
  ratio.docx      word/document.xml of 200 MB of spaces (a 200 KB file)
"""
import os
import struct
import sys
import zipfile
import zlib


def rebuild(src, dst, replace):
    with zipfile.ZipFile(src) as zin, zipfile.ZipFile(dst, "w", zipfile.ZIP_DEFLATED) as zout:
        for info in zin.infolist():
            body = replace.get(info.filename, zin.read(info.filename))
            zout.writestr(info.filename, body)


def overlap(src, path, kernel_size=10 * 1024 * 1024, copies=200):
    """The parts of src, but word/document.xml is a 10 MB kernel of zeros
    that 199 more central-directory entries also point at."""
    out, central = bytearray(), bytearray()

    def add(name, data, crc, size, offset):
        central.extend(struct.pack("<IHHHHHHIIIHHHHHII", 0x02014B50, 20, 20, 0, 8, 0, 0, crc,
                                   len(data), size, len(name), 0, 0, 0, 0, 0, offset) + name)

    def entry(name, body):
        comp = zlib.compressobj(9, zlib.DEFLATED, -15)
        data = comp.compress(body) + comp.flush()
        crc = zlib.crc32(body)
        offset = len(out)
        out.extend(struct.pack("<IHHHHHIIIHH", 0x04034B50, 20, 0, 8, 0, 0, crc, len(data),
                               len(body), len(name), 0) + name + data)
        add(name, data, crc, len(body), offset)
        return data, crc, offset

    with zipfile.ZipFile(src) as zin:
        for info in zin.infolist():
            if info.filename != "word/document.xml":
                entry(info.filename.encode(), zin.read(info.filename))
    data, crc, offset = entry(b"word/document.xml", b"\0" * kernel_size)
    for i in range(1, copies):
        add(("word/part%03d.xml" % i).encode(), data, crc, kernel_size, offset)
    count = len(zipfile.ZipFile(src).infolist()) + copies - 1
    cd_offset = len(out)
    out.extend(central)
    out.extend(struct.pack("<IHHHHIIH", 0x06054B50, 0, 0, count, count, len(central),
                           cd_offset, 0))
    with open(path, "wb") as f:
        f.write(out)


def main():
    src, outdir = sys.argv[1], sys.argv[2]
    os.makedirs(outdir, exist_ok=True)
    doc = "word/document.xml"
    laughs = ['<?xml version="1.0"?>\n<!DOCTYPE lolz [\n<!ENTITY lol "lol">\n']
    for i in range(1, 10):
        prev = "&lol%d;" % (i - 1) if i > 1 else "&lol;"
        laughs.append('<!ENTITY lol%d "%s">\n' % (i, prev * 10))
    laughs.append(']>\n<w:document xmlns:w="http://schemas.openxmlformats.org/'
                  'wordprocessingml/2006/main"><w:body><w:p><w:r><w:t>&lol9;</w:t></w:r>'
                  '</w:p></w:body></w:document>\n')
    rebuild(src, os.path.join(outdir, "laughs.docx"), {doc: "".join(laughs).encode()})
    quad = ('<?xml version="1.0"?>\n<!DOCTYPE q [<!ENTITY a "%s">]>\n'
            '<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main">'
            '<w:body><w:p><w:r><w:t>%s</w:t></w:r></w:p></w:body></w:document>\n'
            % ("a" * 65536, "&a;" * 20000))
    rebuild(src, os.path.join(outdir, "quadratic.docx"), {doc: quad.encode()})
    xxe = ('<?xml version="1.0"?>\n<!DOCTYPE d [<!ENTITY x SYSTEM "file:///etc/passwd">]>\n'
           '<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main">'
           '<w:body><w:p><w:r><w:t>&x;</w:t></w:r></w:p></w:body></w:document>\n')
    rebuild(src, os.path.join(outdir, "xxe-passwd.docx"), {doc: xxe.encode()})
    overlap(src, os.path.join(outdir, "overlap.docx"))
    ratio = (b'<?xml version="1.0"?>\n<w:document xmlns:w="http://schemas.openxmlformats.org/'
             b'wordprocessingml/2006/main"><w:body><w:p><w:r><w:t>' + b" " * (200 << 20) +
             b"</w:t></w:r></w:p></w:body></w:document>\n")
    rebuild(src, os.path.join(outdir, "ratio.docx"), {doc: ratio})


if __name__ == "__main__":
    main()
