#!/usr/bin/env python3
"""make-drops.py SRC_FORM OUTDIR N - N distinct files to drop into an inbox.

Most are copies of a real blank form, each made unique by a ZIP archive
comment (so every one has its own sha256 and is a new submission); every
fifth is a small text file (not a document: quarantined) and every
eleventh is empty.  Prints "SHA256 NAME" per file, the manifest a fault test
checks the workspace against.
"""
import hashlib
import os
import sys
import zipfile


def main():
    src, outdir, count = sys.argv[1], sys.argv[2], int(sys.argv[3])
    os.makedirs(outdir, exist_ok=True)
    with zipfile.ZipFile(src) as zin:
        entries = [(info, zin.read(info.filename)) for info in zin.infolist()]
    ext = os.path.splitext(src)[1]
    for i in range(count):
        if i % 11 == 10:
            name, data = "tom-%04d%s" % (i, ext), b""
        elif i % 5 == 4:
            name = "ikke-et-dokument-%04d%s" % (i, ext)
            data = ("dette er ikke et skema nr. %d\n" % i).encode()
        else:
            name = "ansøgning %04d%s" % (i, ext)
            path = os.path.join(outdir, name)
            with zipfile.ZipFile(path, "w") as zout:
                for info, body in entries:
                    zout.writestr(info, body)
                zout.comment = ("skema fault test %d" % i).encode()
            with open(path, "rb") as f:
                data = f.read()
        path = os.path.join(outdir, name)
        with open(path, "wb") as f:
            f.write(data)
        print(hashlib.sha256(data).hexdigest(), name)


if __name__ == "__main__":
    main()
