/*
 * document.c - deciding what a file is by its bytes, then reading it.
 *
 * The name a file arrives with says nothing: a .docx may be a PDF, a .doc
 * renamed, or an encrypted OOXML file (an OLE compound file, not a zip).
 * The first bytes decide, and every refusal gets its own code so staff are
 * told what to do (scan.c has the Danish advice).
 */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "extract.h"

static int starts(const unsigned char *data, size_t size, const void *magic, size_t n)
{
	return size >= n && memcmp(data, magic, n) == 0;
}

/* An OLE file holding "EncryptedPackage" (UTF-16) is encrypted OOXML; else a .doc, .xls ... */
static int ole_is_encrypted(const unsigned char *data, size_t size)
{
	static const char name[] = "E\0n\0c\0r\0y\0p\0t\0e\0d\0P\0a\0c\0k\0a\0g\0e\0";
	return memmem(data, size, name, sizeof name - 1) != NULL;
}

/* Skips a UTF-8 BOM and white space; returns the offset of the first '<' or size. */
static size_t xml_start(const unsigned char *data, size_t size)
{
	size_t i = 0;
	if (starts(data, size, "\xef\xbb\xbf", 3))
		i = 3;
	while (i < size &&
	       (data[i] == ' ' || data[i] == '\t' || data[i] == '\r' || data[i] == '\n'))
		i++;
	return i;
}

static int read_zip_document(const unsigned char *data, size_t size, struct extract_scan *scan)
{
	struct extract_zip *zip = NULL;
	struct strbuf mimetype;
	int rc = -1;

	strbuf_init(&mimetype, 200);
	if (extract_zip_open(data, size, scan, &zip) < 0)
		goto out;
	/* ODF: the mimetype entry names the kind of document. */
	if (extract_zip_has(zip, "mimetype")) {
		struct strbuf mt;
		/* 46 bytes in every ODF file; more room so that a padded one is
		 * judged by what it says, not refused for its length. */
		strbuf_init(&mt, 4096);
		scan->part = "mimetype";
		int r = extract_zip_read(zip, "mimetype", &mt, scan);
		if (r < 0) {
			strbuf_release(&mt);
			goto out;
		}
		strbuf_trim(&mt);
		const char *m = strbuf_str(&mt);
		if (strcmp(m, "application/vnd.oasis.opendocument.text") == 0 ||
		    strcmp(m, "application/vnd.oasis.opendocument.text-template") == 0) {
			strbuf_release(&mt);
			scan->format = "odt";
			rc = extract_odt(zip, scan);
			goto out;
		}
		if (strncmp(m, "application/vnd.oasis.opendocument.", 35) == 0) {
			extract_fail(scan, "not_a_document",
				     "an OpenDocument file of type %.100s, not text", m);
			strbuf_release(&mt);
			goto out;
		}
		strbuf_release(&mt);
	}
	if (extract_zip_has(zip, "_rels/.rels")) {
		scan->format = "docx";
		rc = extract_docx(zip, scan);
		goto out;
	}
	if (extract_zip_has(zip, "content.xml")) {
		scan->format = "odt";
		rc = extract_odt(zip, scan);
		goto out;
	}
	extract_fail(scan, "no_document_part", "a zip file without a document part");
out:
	strbuf_release(&mimetype);
	extract_zip_free(zip);
	return rc;
}

int extract_document_mem(const unsigned char *data, size_t size, struct extract_scan *scan)
{
	if (size == 0)
		return extract_fail(scan, "empty", "empty file");
	if (size > scan->limits->max_size)
		return extract_fail(scan, "too_large", "%zu bytes, more than %zu", size,
				    scan->limits->max_size);
	if (starts(data, size, "\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", 8)) {
		if (ole_is_encrypted(data, size))
			return extract_fail(scan, "encrypted",
					    "an encrypted Office document (OLE EncryptedPackage)");
		return extract_fail(scan, "legacy_doc",
				    "a legacy Word document (.doc, OLE compound file)");
	}
	if (starts(data, size, "%PDF", 4))
		return extract_fail(scan, "pdf", "a PDF file, not a form");
	if (starts(data, size, "\x89PNG", 4) || starts(data, size, "\xff\xd8\xff", 3) ||
	    starts(data, size, "GIF8", 4) || starts(data, size, "II*\0", 4) ||
	    starts(data, size, "MM\0*", 4) || starts(data, size, "BM", 2) ||
	    (size >= 12 && memcmp(data, "RIFF", 4) == 0 && memcmp(data + 8, "WEBP", 4) == 0))
		return extract_fail(scan, "image", "an image, not a form");
	if (starts(data, size, "PK\x03\x04", 4) || starts(data, size, "PK\x05\x06", 4))
		return read_zip_document(data, size, scan);
	if (starts(data, size, "PK", 2))
		return extract_fail(scan, "corrupt_zip", "a damaged zip file");
	size_t at = xml_start(data, size);
	if (at < size && data[at] == '<') {
		const char *text = (const char *)data + at;
		size_t len = size - at;
		size_t head = len < 4096 ? len : 4096;
		if (memmem(text, head, "opendocument", 12) ||
		    memmem(text, head, "office:document", 15)) {
			scan->format = "fodt";
			return extract_fodt(text, len, scan);
		}
		if (memmem(text, head, "pkg:package", 11) || memmem(text, head, "xmlPackage", 10)) {
			scan->format = "flatopc";
			return extract_flat_opc(text, len, scan);
		}
		return extract_fail(scan, "not_a_document",
				    "an XML file that is neither flat ODT nor flat OPC");
	}
	if (starts(data, size, "{\\rtf", 5))
		return extract_fail(scan, "not_a_document", "an RTF file, not DOCX or ODT");
	return extract_fail(scan, "not_a_document", "not a DOCX or ODT file (neither a zip package nor flat XML)");
}

int extract_open_file(const char *path, struct extract_scan *scan)
{
	/*
	 * O_NONBLOCK: a FIFO dropped as a form must not hang whoever opens it;
	 * it is refused as not a regular file once read.
	 */
	int fd = open(path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC | O_NONBLOCK);
	if (fd < 0)
		return extract_fail(scan, "io", "%s", strerror(errno));
	return fd;
}

int extract_read_fd(int fd, struct extract_scan *scan, unsigned char **out, size_t *out_size)
{
	unsigned char *data = NULL;
	size_t size = 0;
	int rc = -1;

	*out = NULL;
	*out_size = 0;
	struct stat st;
	if (fstat(fd, &st) < 0) {
		extract_fail(scan, "io", "%s", strerror(errno));
		goto out;
	}
	if (!S_ISREG(st.st_mode)) {
		extract_fail(scan, "not_a_document", "not a regular file");
		goto out;
	}
	if ((size_t)st.st_size > scan->limits->max_size) {
		extract_fail(scan, "too_large", "%lld bytes, more than %zu", (long long)st.st_size,
			     scan->limits->max_size);
		goto out;
	}
	data = malloc((size_t)st.st_size + 1);
	if (!data) {
		extract_fail(scan, "out_of_memory", "out of memory");
		goto out;
	}
	while (size < (size_t)st.st_size + 1) {
		ssize_t n = read(fd, data + size, (size_t)st.st_size + 1 - size);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			extract_fail(scan, "io", "%s", strerror(errno));
			goto out;
		}
		if (n == 0)
			break;
		size += (size_t)n;
	}
	if (size > (size_t)st.st_size) {
		/* It grew while we read: still being copied. */
		extract_fail(scan, "io", "the file changed while it was read");
		goto out;
	}
	*out = data;
	*out_size = size;
	data = NULL;
	rc = 0;
out:
	free(data);
	return rc;
}

int extract_read_file(const char *path, struct extract_scan *scan, unsigned char **out,
		      size_t *out_size)
{
	*out = NULL;
	*out_size = 0;
	int fd = extract_open_file(path, scan);
	if (fd < 0)
		return -1;
	int rc = extract_read_fd(fd, scan, out, out_size);
	close(fd);
	return rc;
}

int extract_document(const char *path, struct extract_scan *scan)
{
	unsigned char *data;
	size_t size;
	if (extract_read_file(path, scan, &data, &size) < 0)
		return -1;
	int rc = extract_document_mem(data, size, scan);
	free(data);
	return rc;
}
