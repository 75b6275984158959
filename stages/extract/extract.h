/*
 * extract.h - the modules of skema-extract, and what they pass each other.
 *
 * The stage reads untrusted DOCX and ODT files.  The work is split so that
 * everything which touches document bytes (zip.c, xml.c, docx.c, odt.c,
 * document.c) produces one JSON "scan": the fields found, the table rows
 * and "Label: value" paragraphs for the fallback, the document properties
 * and warnings, or an error.  The scan is made in a sandboxed child
 * (sandbox.c) and sent to the parent as one JSON text; the parent alone
 * knows the offers and turns the scan into the record (mapping.c) or into
 * the --inspect listing (inspect.c).
 *
 * A scan:
 *   {"format": "docx", "properties": {"skema.form": "...", ...},
 *    "title": "...",
 *    "fields": [{"name", "kind", "raw", "value"?, "source", "part",
 *                "label"?, "options"?: [...]}, ...],
 *    "rows": [["cell", "cell"], ...], "paragraphs": ["text", ...],
 *    "row_parts": [[0, "word/document.xml"], [40, "word/header1.xml"]],
 *    "paragraph_parts": [...], "warnings": ["..."]}
 * (row_parts: where the rows of each part begin, so the fallback can say
 * where it found a label without naming the part on every row; the same
 * for paragraph_parts)
 * or {"error": {"code", "message", "message_da", "permanent"}}.
 */
#ifndef SKEMA_EXTRACT_H
#define SKEMA_EXTRACT_H

#include <stddef.h>

#include <jansson.h>

#include "strbuf.h"

/* Limits on one document; every one is an option of skema-extract. */
struct extract_limits {
	size_t max_size;      /* bytes of the file itself */
	size_t max_entries;   /* zip entries */
	size_t max_part;      /* inflated bytes of one part */
	size_t max_total;     /* inflated bytes of all parts read */
	size_t max_ratio;     /* inflated : compressed, checked past 1 MiB */
	int max_depth;	      /* XML nesting */
	size_t max_attributes; /* attributes of one element */
	size_t max_fields;    /* fields in one document */
	size_t max_field_len; /* bytes of one field's text */
	size_t max_rows;      /* table rows and paragraphs kept for the fallback */
	size_t max_record;    /* bytes of the record written (parent only) */
	/* Sandbox only. */
	size_t max_memory; /* RLIMIT_AS of the child */
	int max_cpu;	   /* RLIMIT_CPU seconds */
	int timeout_ms;	   /* wall clock */
};

void extract_limits_default(struct extract_limits *limits);

/* Error codes of docs/records.md, with their Danish advice for staff. */
const char *extract_error_da(const char *code);

/*
 * The scan being built, and the first error.  Once err_code is set, every
 * later step is skipped: a document over a limit is refused, not half-read.
 */
/*
 * Paragraphs a field keeps after a content control LibreOffice split
 * (docx.c, "following") at most; past it, none are kept.
 */
#define EXTRACT_MAX_FOLLOWING 200

struct extract_scan {
	const struct extract_limits *limits;
	const char *display; /* the file as named in messages; borrowed */
	const char *part;    /* the part being read, for messages; borrowed */
	json_t *fields;	     /* array */
	json_t *rows;	     /* array of arrays of strings */
	json_t *paragraphs;  /* array of strings */
	json_t *row_parts;   /* [[index of the part's first row, part], ...] */
	json_t *paragraph_parts;
	json_t *properties;  /* object */
	json_t *warnings;    /* array of strings */
	char *title;
	const char *format;
	size_t total_inflated;
	/*
	 * While deferring is set, fields, rows and paragraphs go to the later_
	 * arrays, which extract_scan_undefer() appends after everything else:
	 * an ODT's annotations and headers, met inside or before the body,
	 * count only for what the body does not have.  The limits count both.
	 */
	int deferring;
	json_t *later_fields, *later_rows, *later_paragraphs;
	json_t *later_row_parts, *later_paragraph_parts;
	char err_code[32];
	struct strbuf err_msg;
};

void extract_scan_init(struct extract_scan *scan, const struct extract_limits *limits,
		       const char *display);
void extract_scan_release(struct extract_scan *scan);
/* Records the first error; returns -1 so callers can "return extract_fail(...)". */
int extract_fail(struct extract_scan *scan, const char *code, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
int extract_failed(const struct extract_scan *scan);
/* Adds a warning once (the same text twice is kept once). */
void extract_warn(struct extract_scan *scan, const char *text);
/*
 * Appends a field.  name, raw may be any bytes: invalid UTF-8 is escaped
 * as \xNN so the JSON stays valid (Formular_Anzeige has garbage names).
 * Returns the new field object (borrowed) or NULL after an error (too many
 * fields).
 */
json_t *extract_add_field(struct extract_scan *scan, const char *name, const char *kind,
			  const char *raw, const char *source);
/* Sets key of field to a string made safe as above. */
void extract_field_set(json_t *field, const char *key, const char *value);
/* A copy of text as valid UTF-8 (invalid bytes as \xNN); caller json_decref()s. */
/*
 * Keeps a table row (a JSON array of cell texts) or a "Label: value"
 * paragraph for the label fallback, within limits->max_rows of the two
 * together.  The row is referenced, not copied.
 */
void extract_scan_keep_row(struct extract_scan *scan, json_t *row);
void extract_scan_keep_paragraph(struct extract_scan *scan, const char *text);
/* Appends what was found while deferring to the end of the scan's arrays. */
void extract_scan_undefer(struct extract_scan *scan);
json_t *extract_json_string(const char *text);
/* The scan as a JSON object (new reference). */
json_t *extract_scan_json(const struct extract_scan *scan);

/*
 * Reads the document at path (display names it in messages) and fills
 * scan.  Returns 0, or -1 with the scan's error set.  Never exits.
 */
int extract_document(const char *path, struct extract_scan *scan);
/* Reads the whole file (capped by max_size); caller frees *data.  0 or -1. */
int extract_read_file(const char *path, struct extract_scan *scan, unsigned char **data,
		      size_t *size);
/*
 * The same in two steps, so that one process opens the file and another,
 * confined, reads it: open returns a descriptor (close-on-exec, never
 * blocking on a FIFO) or -1 with the scan's error set; read_fd leaves fd
 * open.
 */
int extract_open_file(const char *path, struct extract_scan *scan);
int extract_read_fd(int fd, struct extract_scan *scan, unsigned char **data, size_t *size);
/* The same on bytes already in memory (fuzzing). */
int extract_document_mem(const unsigned char *data, size_t size, struct extract_scan *scan);

/* zip.c: a zip package held in memory. */
struct extract_zip;
int extract_zip_open(const unsigned char *data, size_t size, struct extract_scan *scan,
		     struct extract_zip **out);
void extract_zip_free(struct extract_zip *zip);
/* 1 when the package has an entry named exactly name. */
int extract_zip_has(struct extract_zip *zip, const char *name);
/* Name of entry i (borrowed), i < count; for listing customXml parts. */
size_t extract_zip_count(const struct extract_zip *zip);
const char *extract_zip_name(const struct extract_zip *zip, size_t i);
/*
 * Inflates entry name into out (capped by the limits, counted from the
 * bytes actually inflated).  Returns 0, 1 when there is no such entry, or
 * -1 with the scan's error set.
 */
int extract_zip_read(struct extract_zip *zip, const char *name, struct strbuf *out,
		     struct extract_scan *scan);

/*
 * The same as a stream, for parts read by the XML reader as they inflate
 * (memory stays flat as documents grow).  open returns 0, 1 when there is
 * no such entry, or -1 with the error set; read returns bytes, 0 at the end
 * (the size then checked against the declared one), or -1 with the error
 * set.
 */
struct extract_zip_stream;
int extract_zip_stream_open(struct extract_zip *zip, const char *name, struct extract_scan *scan,
			    struct extract_zip_stream **out);
long extract_zip_stream_read(struct extract_zip_stream *zs, char *buf, size_t size);
void extract_zip_stream_close(struct extract_zip_stream *zs);

/* xml.c: libxml2's reader, configured for untrusted input. */
struct _xmlTextReader;
void extract_xml_setup(void);
/* Returns a reader on buf (which must outlive it), or NULL with the error set. */
struct _xmlTextReader *extract_xml_reader(const char *buf, size_t len, struct extract_scan *scan);
/*
 * A reader on part name of zip, inflated as it is read; the same checks as
 * extract_xml_reader, DOCTYPE included, made on the bytes as they pass.
 * Returns the reader, or NULL with *missing set to 1 when there is no such
 * part, else with the error set.
 */
struct _xmlTextReader *extract_xml_reader_zip(struct extract_zip *zip, const char *name,
					      struct extract_scan *scan, int *missing);
/*
 * Advances like xmlTextReaderRead, refusing DOCTYPEs and nesting deeper
 * than the limit.  Returns 1, 0 at the end, -1 with the error set.
 */
int extract_xml_next(struct _xmlTextReader *reader, struct extract_scan *scan);
void extract_xml_reader_free(struct _xmlTextReader *reader);
/* Attribute by namespace and local name; caller frees with free(). */
char *extract_xml_attr(struct _xmlTextReader *reader, const char *ns, const char *local);

/* docx.c, odt.c: the word processors' markup. */
int extract_docx(struct extract_zip *zip, struct extract_scan *scan);
int extract_flat_opc(const char *buf, size_t len, struct extract_scan *scan);
int extract_odt(struct extract_zip *zip, struct extract_scan *scan);
int extract_fodt(const char *buf, size_t len, struct extract_scan *scan);

/*
 * sandbox.c: scans path in a child process with resource limits and a
 * seccomp filter, or in this process when sandbox is 0.  Returns the scan
 * as JSON (new reference), an error scan when the child crashed, timed out
 * or ran out of memory; never NULL.
 */
json_t *extract_scan_path(const char *path, const char *display,
			  const struct extract_limits *limits, int sandbox);

/*
 * The same, split so that several children can read documents at once
 * while the results are still taken in order: start one child per
 * document, then finish them in the order started.  wait reads from all
 * of children[0..n) until children[0] is done (so no child blocks on a
 * full pipe while the first is awaited) and enforces every time limit.
 * finish waits for one child and returns its scan (new reference) and
 * frees it.  start returns NULL only when out of memory.
 */
struct extract_child;
/*
 * Starts the zygote that forks the children: call it first thing in main,
 * while the process is small (sandbox.c says why).  Returns 0, or -1 with
 * errno set; the children's documents then get temporary errors.
 * extract_child_start starts it too when it was not started.  stop ends
 * it at the end of the run.
 */
int extract_zygote_start(const struct extract_limits *limits);
void extract_zygote_stop(void);
struct extract_child *extract_child_start(const char *path, const char *display,
					  const struct extract_limits *limits, int sandbox);
void extract_children_wait(struct extract_child **children, size_t n);
json_t *extract_child_finish(struct extract_child *child);

/* mapping.c: from a scan to the record's form, fields and extra_fields. */
struct offer_set;
void extract_apply(json_t *rec, json_t *scan, const struct offer_set *offers);
/* The offer a scan belongs to, or NULL; *source is "property", "title" or "labels". */
const struct offer *extract_identify(json_t *scan, const struct offer_set *offers,
				     const char **source);
/*
 * The fields of offer that no control holds but a label/value table or a
 * "Label: value" paragraph does, as scan fields (name, kind, raw, source,
 * part, label): what extract_apply() would take from the fallback.
 */
struct offer;
json_t *extract_found_by_label(json_t *scan, const struct offer *offer);

/* inspect.c: prints one file's fields; returns 1 when the file was refused. */
#include <stdio.h>
int extract_inspect_print(FILE *out, const char *path, json_t *scan, const struct offer_set *offers,
			  int as_json);

/* text.c: collecting text for fields and the fallback. */
/* 1 when text is one of Word's or LibreOffice's placeholder texts. */
int extract_is_placeholder(const char *text);
/* Trims, and cuts runs of blank lines; used for every raw value. */
void extract_tidy(struct strbuf *sb);

#endif
