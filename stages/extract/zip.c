/*
 * zip.c - reading the parts of a DOCX/ODT package from memory, with every
 * size counted by us.
 *
 * libzip 1.7.3 believes what an archive declares: an entry that says 100
 * bytes and inflates to 10 MB is read to the end, and 200 central
 * directory entries may all point at one deflated kernel (Fifield's
 * overlapping bomb).  So: ZIP_CHECKCONS at open, a cap on the number of
 * entries, names checked (no "..", absolute or backslash names; no two
 * names equal ignoring case, CVE-2025-31672 and OPC M1.12), and when a part
 * is read the inflated bytes are counted against the declared size, a
 * per-part cap, a total budget and an inflate ratio.  Nothing here ever
 * makes a path from an entry name.
 */
#include <ctype.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <zip.h>

#include "extract.h"

struct extract_zip {
	zip_t *za;
	zip_source_t *src;
	size_t count;
	char **names; /* index -> name, as stored */
};

static int name_is_unsafe(const char *name)
{
	if (name[0] == '/' || strchr(name, '\\'))
		return 1;
	for (const char *p = name; *p; p++)
		if (p[0] == '.' && p[1] == '.' && (p == name || p[-1] == '/') &&
		    (p[2] == '/' || p[2] == '\0'))
			return 1;
	return 0;
}

static int compare_names_nocase(const void *a, const void *b)
{
	return strcasecmp(*(char *const *)a, *(char *const *)b);
}

/*
 * Where libzip looks for the end-of-central-directory record: the last
 * 22 bytes, or further back by at most the longest archive comment.
 */
#define EOCD_SIZE 22
#define EOCD_SEARCH (EOCD_SIZE + 65535)

static int is_eocd(const unsigned char *p)
{
	return p[0] == 'P' && p[1] == 'K' && p[2] == 5 && p[3] == 6;
}

/*
 * Why libzip found no end of the archive: 0 when there is one where it
 * looks (the archive is damaged otherwise), else the number of bytes that
 * follow the last complete record further back (the archive is whole but
 * something was appended to it), or SIZE_MAX when there is none at all
 * (the file was cut short).  The whole file is searched only on this error
 * path.
 */
static size_t bytes_after_archive(const unsigned char *data, size_t size)
{
	if (size < EOCD_SIZE)
		return SIZE_MAX;
	size_t from = size > EOCD_SEARCH ? size - EOCD_SEARCH : 0;
	for (size_t i = size - EOCD_SIZE + 1; i-- > 0;) {
		if (!is_eocd(data + i))
			continue;
		if (i >= from)
			return 0;
		size_t end = i + EOCD_SIZE + (data[i + 20] | (size_t)data[i + 21] << 8);
		if (end <= size)
			return size - end;
	}
	return SIZE_MAX;
}

int extract_zip_open(const unsigned char *data, size_t size, struct extract_scan *scan,
		     struct extract_zip **out)
{
	zip_error_t error;
	struct extract_zip *zip = calloc(1, sizeof *zip);
	char **sorted = NULL;
	int rc = -1;

	*out = NULL;
	if (!zip)
		return extract_fail(scan, "out_of_memory", "out of memory");
	zip_error_init(&error);
	zip->src = zip_source_buffer_create(data, size, 0, &error);
	if (!zip->src) {
		extract_fail(scan, "out_of_memory", "zip: %s", zip_error_strerror(&error));
		goto out;
	}
	zip->za = zip_open_from_source(zip->src, ZIP_RDONLY | ZIP_CHECKCONS, &error);
	if (!zip->za && zip_error_code_zip(&error) == ZIP_ER_INCONS) {
		/*
		 * Word and docx4j write archives whose local headers differ from
		 * the central directory in small ways (docx4j invoice2013.docx,
		 * pandoc alternate_document_path.docx), which CHECKCONS refuses.
		 * Overlapping entries (the real danger) are still stopped by the
		 * total budget and the ratio in extract_zip_read().
		 */
		zip_error_fini(&error);
		zip_error_init(&error);
		zip->za = zip_open_from_source(zip->src, ZIP_RDONLY, &error);
	}
	if (!zip->za) {
		int code = zip_error_code_zip(&error);
		if (code == ZIP_ER_EXISTS)
			extract_fail(scan, "duplicate_entry",
				     "zip: two entries with the same name");
		else {
			size_t after = bytes_after_archive(data, size);
			if (after == SIZE_MAX)
				extract_fail(scan, "truncated",
					     "zip: no central directory (truncated file)");
			else if (after)
				extract_fail(scan, "corrupt_zip",
					     "zip: %zu bytes of other data after the end of the archive",
					     after);
			else
				extract_fail(scan, "corrupt_zip", "zip: %s",
					     zip_error_strerror(&error));
		}
		goto out;
	}
	zip_int64_t n = zip_get_num_entries(zip->za, 0);
	if (n < 0 || (zip_uint64_t)n > scan->limits->max_entries) {
		extract_fail(scan, "too_many_entries", "zip: %lld entries, more than %zu",
			     (long long)n, scan->limits->max_entries);
		goto out;
	}
	zip->count = (size_t)n;
	zip->names = calloc(zip->count + 1, sizeof *zip->names);
	sorted = calloc(zip->count + 1, sizeof *sorted);
	if (!zip->names || !sorted) {
		extract_fail(scan, "out_of_memory", "out of memory");
		goto out;
	}
	for (size_t i = 0; i < zip->count; i++) {
		const char *name = zip_get_name(zip->za, i, ZIP_FL_ENC_RAW);
		if (!name || !(zip->names[i] = strdup(name))) {
			extract_fail(scan, "corrupt_zip", "zip: entry %zu has no name", i);
			goto out;
		}
		if (name_is_unsafe(name)) {
			extract_fail(scan, "corrupt_zip", "zip: unsafe entry name \"%.200s\"",
				     name);
			goto out;
		}
		sorted[i] = zip->names[i];
	}
	qsort(sorted, zip->count, sizeof *sorted, compare_names_nocase);
	for (size_t i = 1; i < zip->count; i++) {
		if (strcasecmp(sorted[i - 1], sorted[i]) == 0) {
			extract_fail(scan, "duplicate_entry",
				     "zip: entries \"%.200s\" and \"%.200s\" differ only in case",
				     sorted[i - 1], sorted[i]);
			goto out;
		}
	}
	*out = zip;
	zip = NULL;
	rc = 0;
out:
	free(sorted);
	extract_zip_free(zip);
	zip_error_fini(&error);
	return rc;
}

void extract_zip_free(struct extract_zip *zip)
{
	if (!zip)
		return;
	/* A failed zip_open_from_source leaves the source to us; a good one owns it. */
	if (zip->za)
		zip_discard(zip->za);
	else if (zip->src)
		zip_source_free(zip->src);
	for (size_t i = 0; zip->names && i < zip->count; i++)
		free(zip->names[i]);
	free(zip->names);
	free(zip);
}

size_t extract_zip_count(const struct extract_zip *zip)
{
	return zip->count;
}

const char *extract_zip_name(const struct extract_zip *zip, size_t i)
{
	return i < zip->count ? zip->names[i] : NULL;
}

static long find_entry(const struct extract_zip *zip, const char *name)
{
	for (size_t i = 0; i < zip->count; i++)
		if (strcmp(zip->names[i], name) == 0)
			return (long)i;
	return -1;
}

int extract_zip_has(struct extract_zip *zip, const char *name)
{
	return find_entry(zip, name) >= 0;
}

/*
 * One part being inflated, its bytes counted as they come: against the
 * size the archive declares (attacker data), the per-part cap, the total
 * budget of the document and the inflate ratio.
 */
struct extract_zip_stream {
	zip_file_t *file;
	struct extract_scan *scan;
	char *name;
	size_t declared, compressed, got;
	int done;
};

int extract_zip_stream_open(struct extract_zip *zip, const char *name, struct extract_scan *scan,
			    struct extract_zip_stream **out)
{
	const struct extract_limits *lim = scan->limits;
	zip_stat_t st;

	*out = NULL;
	if (extract_failed(scan))
		return -1;
	long index = find_entry(zip, name);
	if (index < 0)
		return 1;
	zip_stat_init(&st);
	if (zip_stat_index(zip->za, (zip_uint64_t)index, 0, &st) < 0)
		return extract_fail(scan, "corrupt_zip", "%s: %s", name, zip_strerror(zip->za));
	if ((st.valid & ZIP_STAT_ENCRYPTION_METHOD) && st.encryption_method != ZIP_EM_NONE)
		return extract_fail(scan, "encrypted", "%s: encrypted zip entry", name);
	if ((st.valid & ZIP_STAT_COMP_METHOD) && st.comp_method != ZIP_CM_STORE &&
	    st.comp_method != ZIP_CM_DEFLATE)
		return extract_fail(scan, "corrupt_zip", "%s: unsupported compression method %d",
				    name, (int)st.comp_method);
	size_t declared = (st.valid & ZIP_STAT_SIZE) ? (size_t)st.size : (size_t)-1;
	if (declared != (size_t)-1 && declared > lim->max_part)
		return extract_fail(scan, "too_large", "%s: %zu bytes inflated, more than %zu",
				    name, declared, lim->max_part);
	struct extract_zip_stream *zs = calloc(1, sizeof *zs);
	if (!zs || !(zs->name = strdup(name))) {
		free(zs);
		return extract_fail(scan, "out_of_memory", "%s: out of memory", name);
	}
	zs->file = zip_fopen_index(zip->za, (zip_uint64_t)index, 0);
	if (!zs->file) {
		extract_fail(scan, "corrupt_zip", "%s: %s", name, zip_strerror(zip->za));
		extract_zip_stream_close(zs);
		return -1;
	}
	zs->scan = scan;
	zs->declared = declared;
	zs->compressed = (st.valid & ZIP_STAT_COMP_SIZE) ? (size_t)st.comp_size : 0;
	*out = zs;
	return 0;
}

long extract_zip_stream_read(struct extract_zip_stream *zs, char *buf, size_t size)
{
	struct extract_scan *scan = zs->scan;
	const struct extract_limits *lim = scan->limits;
	if (zs->done)
		return 0;
	if (extract_failed(scan))
		return -1;
	zip_int64_t n = zip_fread(zs->file, buf, size);
	if (n < 0) {
		zip_error_t *e = zip_file_get_error(zs->file);
		return extract_fail(scan, "corrupt_zip", "%s: %s", zs->name, zip_error_strerror(e));
	}
	if (n == 0) {
		zs->done = 1;
		if (zs->declared != (size_t)-1 && zs->got != zs->declared)
			return extract_fail(scan, "corrupt_zip",
					    "%s: %zu bytes inflated, %zu declared", zs->name,
					    zs->got, zs->declared);
		return 0;
	}
	zs->got += (size_t)n;
	scan->total_inflated += (size_t)n;
	/* The declared size is attacker data: hold the archive to it. */
	if (zs->got > zs->declared)
		return extract_fail(scan, "zip_bomb", "%s: inflates past its declared %zu bytes",
				    zs->name, zs->declared);
	if (zs->got > lim->max_part)
		return extract_fail(scan, "too_large", "%s: more than %zu bytes inflated", zs->name,
				    lim->max_part);
	if (scan->total_inflated > lim->max_total)
		return extract_fail(scan, "zip_bomb", "%s: more than %zu bytes inflated in all",
				    zs->name, lim->max_total);
	if (zs->got > (1u << 20) &&
	    zs->got / (zs->compressed ? zs->compressed : 1) > lim->max_ratio)
		return extract_fail(scan, "zip_bomb", "%s: inflates more than %zu times", zs->name,
				    lim->max_ratio);
	return (long)n;
}

void extract_zip_stream_close(struct extract_zip_stream *zs)
{
	if (!zs)
		return;
	if (zs->file)
		zip_fclose(zs->file);
	free(zs->name);
	free(zs);
}

int extract_zip_read(struct extract_zip *zip, const char *name, struct strbuf *out,
		     struct extract_scan *scan)
{
	struct extract_zip_stream *zs;
	char chunk[65536];
	int rc;

	strbuf_reset(out);
	if ((rc = extract_zip_stream_open(zip, name, scan, &zs)) != 0)
		return rc;
	long n;
	while ((n = extract_zip_stream_read(zs, chunk, sizeof chunk)) > 0) {
		if (strbuf_append(out, chunk, (size_t)n) < 0) {
			/* Past the caller's cap is the part's fault, not the memory's. */
			n = out->overflow ? extract_fail(scan, "too_large", "%s: longer than %zu bytes",
							 name, out->max)
					  : extract_fail(scan, "out_of_memory", "%s: out of memory", name);
			break;
		}
	}
	extract_zip_stream_close(zs);
	return n < 0 ? -1 : 0;
}
