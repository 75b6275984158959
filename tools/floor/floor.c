/*
 * floor.c - the benchmark's floor: the least work any extractor must do.
 *
 * Usage: floor [-q] [--fork-each] [-l LIST] FILE...
 *
 * For each DOCX or ODT file, opens the zip with libzip exactly as the extract
 * stage must (magic checked, ZIP_RDONLY | ZIP_CHECKCONS), inflates the parts
 * a form's fields and identity live in (DOCX: _rels/.rels,
 * docProps/custom.xml, word/document.xml; ODT: meta.xml, content.xml) into
 * capped buffers, and passes each through libxml2's xmlTextReader with the
 * safe options (no network, no entities, no DTD), reading every node and
 * doing nothing with it.  No field logic at all: skema-extract can be at
 * best as fast as this, and issue 3 asks it to stay within 2x of it.
 *
 * With --fork-each every file is read in a child forked for it alone,
 * which exits when done: the least any extractor pays that reads each
 * document in a process of its own, as skema-extract does (issue 3's
 * floor says nothing about isolation; this shows what isolation costs
 * on the machine at hand, beside it).
 *
 * With -l LIST the file names are read from LIST (one a line, "-" for
 * stdin) besides those on the command line, so a batch of 10,000 forms
 * needs no long argument list.
 *
 * Prints one summary line on stdout: files, files read, parts, bytes
 * inflated, XML nodes.  A file that is not a readable zip is counted and
 * skipped (the extract stage would refuse it too).
 *
 * Exit codes: 0 done (also when some files were unreadable), 64 usage,
 * 66 a list file cannot be opened, 70 out of memory.
 */
#include <errno.h>
#include <getopt.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include <libxml/parser.h>
#include <libxml/xmlreader.h>
#include <zip.h>

#include "msg.h"

/* The same kind of cap the extract stage enforces on a part's size. */
#define FLOOR_MAX_PART (64u << 20)

struct floor_totals {
	unsigned long files;
	unsigned long read;
	unsigned long parts;
	unsigned long long bytes;
	unsigned long long nodes;
};

static const char *const docx_parts[] = {
	"_rels/.rels", "docProps/custom.xml", "word/document.xml", NULL,
};
static const char *const odt_parts[] = { "meta.xml", "content.xml", NULL };

static int floor_file(const char *path, struct floor_totals *totals);
static int floor_file_forked(const char *path, struct floor_totals *totals);
static int floor_part(zip_t *zip, zip_int64_t index, struct floor_totals *totals);
static int floor_list(const char *list, struct floor_totals *totals);
static xmlParserInputPtr no_entity_loader(const char *url, const char *id,
					  xmlParserCtxtPtr ctxt);
static void usage(FILE *out);

/* --fork-each: every file in a child of its own. */
static int fork_each;

static int floor_one(const char *path, struct floor_totals *totals)
{
	return fork_each ? floor_file_forked(path, totals) : floor_file(path, totals);
}

int main(int argc, char **argv)
{
	static const struct option options[] = {
		{ "list", required_argument, NULL, 'l' },
		{ "quiet", no_argument, NULL, 'q' },
		{ "fork-each", no_argument, NULL, 'f' },
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'V' },
		{ NULL, 0, NULL, 0 },
	};
	struct floor_totals totals = { 0 };
	const char *list = NULL;
	int quiet = 0, c, status = EXIT_DONE;

	msg_set_program("floor");
	while ((c = getopt_long(argc, argv, "l:qfhV", options, NULL)) != -1) {
		switch (c) {
		case 'f':
			fork_each = 1;
			break;
		case 'l':
			list = optarg;
			break;
		case 'q':
			quiet = 1;
			break;
		case 'h':
			usage(stdout);
			return EXIT_DONE;
		case 'V':
			printf("floor (skema) %s\n", SKEMA_VERSION);
			return EXIT_DONE;
		default:
			usage(stderr);
			return EXIT_USAGE;
		}
	}
	if (optind == argc && !list) {
		usage(stderr);
		return EXIT_USAGE;
	}

	LIBXML_TEST_VERSION
	/* Once, before any child is forked, as skema-extract's zygote does. */
	xmlInitParser();
	/* No part may make libxml2 fetch anything: the loader always fails. */
	xmlSetExternalEntityLoader(no_entity_loader);

	for (int i = optind; i < argc && status == EXIT_DONE; i++)
		status = floor_one(argv[i], &totals);
	if (list && status == EXIT_DONE)
		status = floor_list(list, &totals);

	if (!quiet)
		printf("files %lu read %lu parts %lu bytes %llu nodes %llu\n", totals.files,
		       totals.read, totals.parts, totals.bytes, totals.nodes);
	xmlCleanupParser();
	return status;
}

/*
 * Reads the file names in LIST, one a line, and floors each.  Returns an
 * exit status.
 */
static int floor_list(const char *list, struct floor_totals *totals)
{
	FILE *in = strcmp(list, "-") == 0 ? stdin : fopen(list, "r");
	char *line = NULL;
	size_t size = 0;
	ssize_t len;
	int status = EXIT_DONE;

	if (!in) {
		msg_syserror("%s: cannot open", list);
		return 66;
	}
	while (status == EXIT_DONE && (len = getline(&line, &size, in)) != -1) {
		if (len > 0 && line[len - 1] == '\n')
			line[--len] = '\0';
		if (len > 0)
			status = floor_one(line, totals);
	}
	free(line);
	if (in != stdin)
		fclose(in);
	return status;
}

/*
 * Floors one file.  An unreadable file is counted, not an error; returns
 * EXIT_SOFTWARE only when memory runs out.
 */
static int floor_file(const char *path, struct floor_totals *totals)
{
	unsigned char magic[4] = { 0 };
	const char *const *names;
	zip_t *zip = NULL;
	FILE *f;
	int err = 0, status = EXIT_DONE;
	size_t got;

	totals->files++;
	/* The magic first, as the extract stage does: libzip would also try. */
	if (!(f = fopen(path, "rb")))
		return EXIT_DONE;
	got = fread(magic, 1, sizeof magic, f);
	fclose(f);
	if (got != sizeof magic || memcmp(magic, "PK\3\4", 4) != 0)
		return EXIT_DONE;
	if (!(zip = zip_open(path, ZIP_RDONLY | ZIP_CHECKCONS, &err)))
		return EXIT_DONE;

	names = zip_name_locate(zip, "content.xml", 0) >= 0 ? odt_parts : docx_parts;
	for (; *names && status == EXIT_DONE; names++) {
		zip_int64_t index = zip_name_locate(zip, *names, 0);

		if (index >= 0)
			status = floor_part(zip, index, totals);
	}
	totals->read++;
	zip_discard(zip);
	return status;
}

/*
 * Floors one file in a child forked for it, which sends its counts back
 * through a pipe and exits.  Returns an exit status.
 */
static int floor_file_forked(const char *path, struct floor_totals *totals)
{
	struct floor_totals got = { 0 };
	int fds[2], status;

	if (pipe(fds) < 0) {
		msg_syserror("pipe");
		return EXIT_SOFTWARE;
	}
	pid_t pid = fork();
	if (pid < 0) {
		msg_syserror("fork");
		close(fds[0]);
		close(fds[1]);
		return EXIT_SOFTWARE;
	}
	if (pid == 0) {
		close(fds[0]);
		int rc = floor_file(path, &got);
		_exit(write(fds[1], &got, sizeof got) == (ssize_t)sizeof got ? rc : EXIT_SOFTWARE);
	}
	close(fds[1]);
	ssize_t n = read(fds[0], &got, sizeof got);
	close(fds[0]);
	while (waitpid(pid, &status, 0) < 0)
		;
	if (n != (ssize_t)sizeof got || !WIFEXITED(status))
		return EXIT_SOFTWARE;
	totals->files += got.files;
	totals->read += got.read;
	totals->parts += got.parts;
	totals->bytes += got.bytes;
	totals->nodes += got.nodes;
	return WEXITSTATUS(status);
}

/*
 * Inflates one part into a buffer capped at FLOOR_MAX_PART, counting the
 * bytes actually inflated (never the size the archive declares), and reads
 * it node by node.  Returns EXIT_DONE, or EXIT_SOFTWARE when out of memory.
 */
static int floor_part(zip_t *zip, zip_int64_t index, struct floor_totals *totals)
{
	zip_file_t *part = NULL;
	xmlTextReaderPtr reader = NULL;
	unsigned char *buf = NULL;
	size_t len = 0, cap = 0;
	zip_int64_t n;
	int status = EXIT_DONE;

	if (!(part = zip_fopen_index(zip, (zip_uint64_t)index, 0)))
		goto out;
	for (;;) {
		if (cap - len < 65536) {
			size_t want = cap ? cap * 2 : 65536;
			unsigned char *grown;

			if (want > FLOOR_MAX_PART)
				goto out;
			if (!(grown = realloc(buf, want))) {
				status = EXIT_SOFTWARE;
				goto out;
			}
			buf = grown;
			cap = want;
		}
		n = zip_fread(part, buf + len, cap - len);
		if (n < 0)
			goto out;
		if (n == 0)
			break;
		len += (size_t)n;
	}
	totals->parts++;
	totals->bytes += len;

	reader = xmlReaderForMemory((const char *)buf, (int)len, NULL, NULL,
				    XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING);
	if (!reader)
		goto out;
	while (xmlTextReaderRead(reader) == 1)
		totals->nodes++;
out:
	xmlFreeTextReader(reader);
	if (part)
		zip_fclose(part);
	free(buf);
	return status;
}

static xmlParserInputPtr no_entity_loader(const char *url, const char *id,
					  xmlParserCtxtPtr ctxt)
{
	(void)url;
	(void)id;
	(void)ctxt;
	return NULL;
}

static void usage(FILE *out)
{
	fprintf(out,
		"usage: floor [-q] [--fork-each] [-l LIST] FILE...\n"
		"Inflates the form parts of each DOCX/ODT and reads them with libxml2's\n"
		"xmlTextReader, doing nothing else: the benchmark's floor for extraction.\n"
		"  -l, --list LIST  also read file names from LIST, one a line (- = stdin)\n"
		"  -q, --quiet      print no summary\n"
		"  -f, --fork-each  read each file in a child process of its own\n"
		"  -h, --help       show this help\n"
		"  -V, --version    show the version\n");
}
