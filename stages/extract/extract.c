/*
 * skema-extract - read the fields of filled-in DOCX and ODT forms.
 *
 * Usage:
 *   skema-extract [--forms DIR] [--no-sandbox] [LIMITS] < records > records
 *   skema-extract --inspect [--json] [--forms DIR] [LIMITS] FILE...
 *
 * As a stage, reads JSON Lines records (docs/records.md), reads the file at
 * each record's "path", and writes the record with "format", "form",
 * "fields", "extra_fields" and "warnings" added, or with "error" set: a
 * stable code, an English message and Danish advice for staff.  A record
 * that already failed passes through untouched; one bad document never
 * stops the batch.  --inspect lists every field of any DOCX or ODT instead
 * (inspect.c).
 *
 * Exit: 0 when every record was written (documents refused included), 64
 * usage, 65 when input lines were not records (--inspect: a file was
 * refused), 70 internal failure, 78 no offer definitions.
 *
 * Security: documents are untrusted.  Each is parsed in its own child,
 * forked by a small helper started first thing in main (the zygote), with
 * resource limits and a seccomp filter (sandbox.c); XML without
 * network, entities or DTDs (xml.c); zip sizes counted from the bytes
 * actually inflated (zip.c).  --no-sandbox parses in this process, for
 * fuzzing and benchmarks only.  With --jobs N, up to N children read
 * documents at once; records still leave in the order they came.
 *
 * Modules: document.c (what a file is), zip.c, xml.c, docx.c, odt.c (the
 * readers), scan.c (what was found), sandbox.c (the child), mapping.c
 * (offer and fields), inspect.c (--inspect), text.c.  extract.h says how
 * they fit together.
 */
#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "extract.h"
#include "json_write.h"
#include "msg.h"
#include "offer.h"
#include "paths.h"
#include "record.h"

#ifndef SKEMA_VERSION
#define SKEMA_VERSION "0"
#endif

static void usage(FILE *out);
static int parse_size(const char *text, size_t *out);
#define MAX_JOBS 16

static int run_stage(const struct offer_set *offers, const struct extract_limits *limits,
		     int sandbox, int jobs);
static int run_inspect(char **files, int nfiles, const struct offer_set *offers,
		       const struct extract_limits *limits, int sandbox, int as_json);

enum {
	OPT_FORMS = 256,
	OPT_NO_SANDBOX,
	OPT_INSPECT,
	OPT_JSON,
	OPT_MAX_SIZE,
	OPT_MAX_ENTRIES,
	OPT_MAX_PART,
	OPT_MAX_TOTAL,
	OPT_MAX_RATIO,
	OPT_MAX_DEPTH,
	OPT_MAX_FIELDS,
	OPT_MAX_FIELD_LEN,
	OPT_MAX_RECORD,
	OPT_MAX_ATTRIBUTES,
	OPT_MAX_MEMORY,
	OPT_MAX_CPU,
	OPT_TIMEOUT,
	OPT_VERSION,
	OPT_JOBS,
};

int main(int argc, char **argv)
{
	static const struct option options[] = {
	    {"forms", required_argument, NULL, OPT_FORMS},
	    {"no-sandbox", no_argument, NULL, OPT_NO_SANDBOX},
	    {"inspect", no_argument, NULL, OPT_INSPECT},
	    {"json", no_argument, NULL, OPT_JSON},
	    {"max-size", required_argument, NULL, OPT_MAX_SIZE},
	    {"max-entries", required_argument, NULL, OPT_MAX_ENTRIES},
	    {"max-part", required_argument, NULL, OPT_MAX_PART},
	    {"max-total", required_argument, NULL, OPT_MAX_TOTAL},
	    {"max-ratio", required_argument, NULL, OPT_MAX_RATIO},
	    {"max-depth", required_argument, NULL, OPT_MAX_DEPTH},
	    {"max-fields", required_argument, NULL, OPT_MAX_FIELDS},
	    {"max-field-length", required_argument, NULL, OPT_MAX_FIELD_LEN},
	    {"max-record", required_argument, NULL, OPT_MAX_RECORD},
	    {"max-attributes", required_argument, NULL, OPT_MAX_ATTRIBUTES},
	    {"max-memory", required_argument, NULL, OPT_MAX_MEMORY},
	    {"max-cpu", required_argument, NULL, OPT_MAX_CPU},
	    {"timeout", required_argument, NULL, OPT_TIMEOUT},
	    {"jobs", required_argument, NULL, OPT_JOBS},
	    {"quiet", no_argument, NULL, 'q'},
	    {"verbose", no_argument, NULL, 'v'},
	    {"help", no_argument, NULL, 'h'},
	    {"version", no_argument, NULL, OPT_VERSION},
	    {NULL, 0, NULL, 0},
	};
	struct extract_limits limits;
	const char *forms_dir = NULL;
	int sandbox = 1, inspect = 0, as_json = 0, c;
	long cpus = sysconf(_SC_NPROCESSORS_ONLN);
	int jobs = cpus < 1 ? 1 : cpus > 4 ? 4 : (int)cpus;
	size_t n;

	msg_set_program("skema-extract");
	extract_limits_default(&limits);
	while ((c = getopt_long(argc, argv, "qvh", options, NULL)) != -1) {
		int bad = 0;
		switch (c) {
		case OPT_FORMS:
			forms_dir = optarg;
			break;
		case OPT_NO_SANDBOX:
			sandbox = 0;
			break;
		case OPT_INSPECT:
			inspect = 1;
			break;
		case OPT_JSON:
			as_json = 1;
			break;
		case OPT_MAX_SIZE:
			bad = parse_size(optarg, &limits.max_size);
			break;
		case OPT_MAX_ENTRIES:
			bad = parse_size(optarg, &limits.max_entries);
			break;
		case OPT_MAX_PART:
			bad = parse_size(optarg, &limits.max_part);
			break;
		case OPT_MAX_TOTAL:
			bad = parse_size(optarg, &limits.max_total);
			break;
		case OPT_MAX_RATIO:
			bad = parse_size(optarg, &limits.max_ratio);
			break;
		case OPT_MAX_DEPTH:
			bad = parse_size(optarg, &n) || n < 2 || n > 256;
			limits.max_depth = (int)n;
			break;
		case OPT_MAX_FIELDS:
			bad = parse_size(optarg, &limits.max_fields);
			break;
		case OPT_MAX_FIELD_LEN:
			bad = parse_size(optarg, &limits.max_field_len);
			break;
		case OPT_MAX_ATTRIBUTES:
			bad = parse_size(optarg, &limits.max_attributes) || limits.max_attributes < 1000;
			break;
		case OPT_MAX_RECORD:
			bad = parse_size(optarg, &limits.max_record) || limits.max_record > RECORD_MAX_LINE;
			break;
		case OPT_MAX_MEMORY:
			bad = parse_size(optarg, &limits.max_memory);
			break;
		case OPT_MAX_CPU:
			bad = parse_size(optarg, &n) || n > 3600;
			limits.max_cpu = (int)n;
			break;
		case OPT_JOBS:
			bad = parse_size(optarg, &n) || n < 1 || n > MAX_JOBS;
			jobs = (int)n;
			break;
		case OPT_TIMEOUT:
			bad = parse_size(optarg, &n) || n < 1 || n > 3600000;
			limits.timeout_ms = (int)n;
			break;
		case 'q':
			msg_set_verbosity(-1);
			break;
		case 'v':
			msg_set_verbosity(1);
			break;
		case 'h':
			usage(stdout);
			return EXIT_DONE;
		case OPT_VERSION:
			printf("skema-extract (skema) %s\n", SKEMA_VERSION);
			return EXIT_DONE;
		default:
			usage(stderr);
			return EXIT_USAGE;
		}
		if (bad) {
			msg_error("bad value for an option: %s", optarg);
			usage(stderr);
			return EXIT_USAGE;
		}
	}
	if (inspect && optind >= argc) {
		msg_error("--inspect needs at least one file");
		usage(stderr);
		return EXIT_USAGE;
	}
	if (!inspect && optind < argc) {
		msg_error("unexpected argument: %s", argv[optind]);
		usage(stderr);
		return EXIT_USAGE;
	}

	/*
	 * Before anything grows: the zygote forks every document's child, and
	 * a fork copies what the forking process holds.  A failure here shows
	 * on each document as a temporary error.
	 */
	if (sandbox)
		extract_zygote_start(&limits);
	extract_xml_setup();
	struct offer_set offers;
	struct strbuf err;
	offer_set_init(&offers);
	strbuf_init(&err, 64 * 1024);
	if (!forms_dir)
		forms_dir = paths_forms_dir();
	int loaded = offer_set_load(&offers, forms_dir, &err);
	int status;
	if (inspect) {
		/* Inspecting works on any document; offers only add the "# form" line. */
		status =
		    run_inspect(argv + optind, argc - optind, &offers, &limits, sandbox, as_json);
	} else if (offers.count == 0) {
		msg_error("%s: no offer definitions%s%s", forms_dir, err.len ? ": " : "",
			  strbuf_str(&err));
		status = EXIT_CONFIG;
	} else {
		if (loaded < 0)
			msg_warn("%s", strbuf_str(&err));
		status = run_stage(&offers, &limits, sandbox, sandbox ? jobs : 1);
	}
	extract_zygote_stop();
	offer_set_release(&offers);
	strbuf_release(&err);
	return status;
}

static void usage(FILE *out)
{
	fputs("usage: skema-extract [--forms DIR] [--no-sandbox] [LIMITS] < records > records\n"
	      "       skema-extract --inspect [--json] [--forms DIR] [LIMITS] FILE...\n"
	      "\n"
	      "Reads the fields of filled-in DOCX and ODT forms (docs/records.md).\n"
	      "\n"
	      "  --forms DIR           offer definitions (default: the data directory's forms/)\n"
	      "  --no-sandbox          parse in this process (fuzzing, benchmarks)\n"
	      "  --jobs N              documents read at once, each by its own child\n"
	      "                        (1..16; default: the number of CPUs, at most 4)\n"
	      "  --inspect             list every field of each FILE instead\n"
	      "  --json                with --inspect: one JSON object per file\n"
	      "  -q, --quiet           errors only\n"
	      "  -v, --verbose         more messages\n"
	      "  -h, --help            this text\n"
	      "      --version         the version\n"
	      "\n"
	      "Limits (sizes take K, M, G):\n"
	      "  --max-size N          bytes of the file (20M)\n"
	      "  --max-entries N       zip entries (1000)\n"
	      "  --max-part N          inflated bytes of one part (20M)\n"
	      "  --max-total N         inflated bytes of all parts read (64M)\n"
	      "  --max-ratio N         inflated:compressed ratio past 1 MiB (100)\n"
	      "  --max-depth N         XML nesting, 2..256 (256)\n"
	      "  --max-attributes N    attributes of one XML element, at least 1000 (1000)\n"
	      "  --max-fields N        fields in one document (2000)\n"
	      "  --max-field-length N  bytes of one field (100000)\n"
	      "  --max-record N        bytes of the record written, up to 32M (4M)\n"
	      "  --max-memory N        memory the parsing child may add to its own (512M)\n"
	      "  --max-cpu N           CPU seconds of the parsing child (10)\n"
	      "  --timeout MS          wall-clock milliseconds per document (10000)\n",
	      out);
}

static int parse_size(const char *text, size_t *out)
{
	char *end;
	errno = 0;
	if (!text || *text < '0' || *text > '9')
		return 1;
	unsigned long long v = strtoull(text, &end, 10);
	unsigned long long mult = 1;
	if (*end == 'K' || *end == 'k')
		mult = 1024ull, end++;
	else if (*end == 'M' || *end == 'm')
		mult = 1024ull * 1024, end++;
	else if (*end == 'G' || *end == 'g')
		mult = 1024ull * 1024 * 1024, end++;
	if (errno || *end || v > (unsigned long long)SIZE_MAX / mult)
		return 1;
	*out = (size_t)(v * mult);
	return 0;
}

/*
 * The document as staff dropped it (the record's original_name, set by
 * ingest), else its path: the claimed copy's internal path
 * (work/1614675600.P13063R8640da482bc7/document.docx) means nothing to them.
 * Escaped, since both came from outside.
 */
static void stage_display(const json_t *rec, char *buf, size_t size)
{
	const char *name = record_str(rec, "original_name");
	if (!name || !*name)
		name = record_str(rec, "path");
	msg_escape(buf, size, name ? name : "(no path)");
}

/*
 * One line on stderr for a document this stage refused.  The message
 * starts with display (already escaped); the rest may quote the document,
 * so it is escaped here.
 */
static void stage_say(const json_t *rec, const char *display)
{
	const json_t *error = json_object_get(rec, "error");
	const char *stage = json_string_value(json_object_get(error, "stage"));
	const char *message = json_string_value(json_object_get(error, "message"));
	char line[1200];
	size_t n = strlen(display);
	if (!stage || strcmp(stage, "extract") != 0 || !message)
		return;
	if (strncmp(message, display, n) == 0 && strncmp(message + n, ": ", 2) == 0)
		msg_warn("%s: %s", display, msg_escape(line, sizeof line, message + n + 2));
	else
		msg_warn("%s: %s", display, msg_escape(line, sizeof line, message));
}

/*
 * Up to jobs documents are read at once, each by its own child; records
 * are written in the order they came, so the stage is still a filter.
 * With jobs 1 the next document is read only after the last is written.
 */
/*
 * The record as its line.  One past max_record would pass this stage only
 * to be refused by the next, whose limit is RECORD_MAX_LINE, and the store
 * and the letters would pay for it in memory: the document is refused
 * here, what was read of it dropped, with its own reason for staff.
 */
static char *record_text(json_t *rec, size_t max_record, const char *display)
{
	char *text = json_compact(rec);
	if (!text || strlen(text) <= max_record)
		return text;
	free(text);
	char line[1200];
	snprintf(line, sizeof line,
		 "%s: the record would be longer than %zu bytes: far more text than an application",
		 display, max_record);
	json_object_del(rec, "fields");
	json_object_del(rec, "extra_fields");
	record_fail(rec, "extract", "too_much_text", 1, line, extract_error_da("too_much_text"));
	stage_say(rec, display);
	return json_compact(rec);
}

static int run_stage(const struct offer_set *offers, const struct extract_limits *limits,
		     int sandbox, int jobs)
{
	json_t *recs[MAX_JOBS];
	struct extract_child *kids[MAX_JOBS];
	char names[MAX_JOBS][1024]; /* each document as named in messages */
	size_t head = 0, count = 0;
	int r = 1, status = EXIT_DONE;

	for (;;) {
		/* Fill the window. */
		while (r != 0 && count < (size_t)jobs) {
			json_t *rec;
			r = record_read(stdin, &rec);
			if (r < 0) {
				status = EXIT_DATAERR;
				r = 1;
				continue;
			}
			if (r == 0)
				break;
			const char *path = record_str(rec, "path");
			struct extract_child *kid = NULL;
			size_t slot = (head + count) % MAX_JOBS;
			char *display = names[slot];
			stage_display(rec, display, sizeof names[slot]);
			if (!record_failed(rec) && !path) {
				char line[1200];
				snprintf(line, sizeof line, "%s: record without a path", display);
				record_fail(rec, "extract", "io", 1, line,
					    "Posten mangler en fil. Kontakt en administrator.");
				stage_say(rec, display);
			} else if (!record_failed(rec) &&
				   !(kid = extract_child_start(path, display, limits, sandbox))) {
				char line[1200];
				snprintf(line, sizeof line, "%s: out of memory", display);
				record_fail(rec, "extract", "out_of_memory", 0, line,
					    extract_error_da("out_of_memory"));
				stage_say(rec, display);
			}
			recs[slot] = rec;
			kids[slot] = kid;
			count++;
		}
		if (count == 0)
			break;
		/* Finish the oldest, reading from all so none blocks. */
		struct extract_child *running[MAX_JOBS];
		size_t n = 0;
		for (size_t i = 0; i < count; i++)
			if (kids[(head + i) % MAX_JOBS] || i == 0)
				running[n++] = kids[(head + i) % MAX_JOBS];
		if (running[0])
			extract_children_wait(running, n);
		json_t *rec = recs[head];
		const char *display = names[head];
		if (kids[head]) {
			json_t *scan = extract_child_finish(kids[head]);
			extract_apply(rec, scan, offers);
			json_decref(scan);
			stage_say(rec, names[head]);
		}
		head = (head + 1) % MAX_JOBS;
		count--;
		char *text = record_text(rec, limits->max_record, display);
		int werr = !text || fputs(text, stdout) == EOF || putc('\n', stdout) == EOF ||
			   fflush(stdout) == EOF;
		free(text);
		json_decref(rec);
		if (werr) {
			msg_syserror("stdout");
			while (count > 0) {
				if (kids[head])
					json_decref(extract_child_finish(kids[head]));
				json_decref(recs[head]);
				head = (head + 1) % MAX_JOBS;
				count--;
			}
			return EXIT_SOFTWARE;
		}
	}
	if (ferror(stdin)) {
		msg_syserror("stdin");
		return EXIT_SOFTWARE;
	}
	return status;
}

static int run_inspect(char **files, int nfiles, const struct offer_set *offers,
		       const struct extract_limits *limits, int sandbox, int as_json)
{
	int refused = 0;
	for (int i = 0; i < nfiles; i++) {
		json_t *scan = extract_scan_path(files[i], files[i], limits, sandbox);
		refused |= extract_inspect_print(stdout, files[i], scan,
						 offers->count ? offers : NULL, as_json);
		json_decref(scan);
	}
	if (fflush(stdout) == EOF) {
		msg_syserror("stdout");
		return EXIT_SOFTWARE;
	}
	return refused ? EXIT_DATAERR : EXIT_DONE;
}
