/*
 * test_lib.c - the shared library's tricky functions: SHA-256, strict
 * UTF-8, capped buffers, trimming, message escaping, the clock, config,
 * the event log in Danish.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <string.h>
#include <unistd.h>
#include <sys/wait.h>

#include <cmocka.h>

#include "clock.h"
#include "config.h"
#include "event_da.h"
#include "fdio.h"
#include "msg.h"
#include "record.h"
#include "sha256.h"
#include "strbuf.h"
#include "utf8.h"

#define CHECK_STR(got, want, what)                                                            \
	do {                                                                                  \
		if (strcmp((got), (want)) != 0)                                               \
			fail_msg("%s: got \"%s\", want \"%s\"", (what), (got), (want));        \
	} while (0)

static void test_sha256_vectors(void **state)
{
	(void)state;
	/* FIPS 180-4 examples and the NIST one-million-'a' vector. */
	static const struct {
		const char *input;
		size_t repeat;
		const char *want;
	} cases[] = {
		{"", 1, "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"},
		{"abc", 1, "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"},
		{"abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq", 1,
		 "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1"},
		{"a", 1000000, "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0"},
	};
	/* Both implementations: the CPU's SHA instructions (where present) and the portable C. */
	for (int portable = 0; portable <= 1; portable++) {
		sha256_use_portable(portable);
		for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
			struct sha256 ctx;
			unsigned char digest[32];
			char hex[65];
			sha256_init(&ctx);
			for (size_t r = 0; r < cases[i].repeat; r++)
				sha256_update(&ctx, cases[i].input, strlen(cases[i].input));
			sha256_final(&ctx, digest);
			sha256_hex(digest, hex);
			CHECK_STR(hex, cases[i].want, cases[i].input);
		}
	}
	sha256_use_portable(0);
}

/* The two implementations agree at every length around the block edges, fed whole or in pieces. */
static void test_sha256_both_agree(void **state)
{
	(void)state;
	unsigned char data[300];
	for (size_t i = 0; i < sizeof data; i++)
		data[i] = (unsigned char)(i * 31 + 7);
	for (size_t len = 0; len <= sizeof data; len++) {
		char hex[2][65];
		for (int portable = 0; portable <= 1; portable++) {
			struct sha256 ctx;
			unsigned char digest[32];
			sha256_use_portable(portable);
			sha256_init(&ctx);
			size_t split = len / 3;
			sha256_update(&ctx, data, split);
			sha256_update(&ctx, data + split, len - split);
			sha256_final(&ctx, digest);
			sha256_hex(digest, hex[portable]);
		}
		assert_string_equal(hex[0], hex[1]);
	}
	sha256_use_portable(0);
}

static void test_sha256_fd(void **state)
{
	(void)state;
	char path[] = "/tmp/skema-test-sha-XXXXXX";
	int fd = mkstemp(path);
	assert_true(fd >= 0);
	assert_int_equal(write(fd, "abc", 3), 3);
	lseek(fd, 0, SEEK_SET);
	char hex[65];
	uint64_t size = 0;
	assert_int_equal(sha256_fd(fd, hex, &size), 0);
	close(fd);
	unlink(path);
	assert_int_equal(size, 3);
	CHECK_STR(hex, "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad", "abc");
}

static void test_utf8_strict(void **state)
{
	(void)state;
	static const struct {
		const char *text;
		int valid;
	} cases[] = {
		{"", 1},
		{"Søren Ærø – «ok» 100 €", 1},
		{"\xc0\xaf", 0},         /* overlong '/' */
		{"\xed\xa0\x80", 0},     /* lone surrogate */
		{"\xf4\x90\x80\x80", 0}, /* past U+10FFFF */
		{"\xe2\x82", 0},         /* truncated */
		{"\xf0\x9f\x98\x80", 1}, /* emoji: valid UTF-8 */
		{"a\xffz", 0},
	};
	for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
		int got = utf8_is_valid(cases[i].text);
		if (got != cases[i].valid)
			fail_msg("case %zu: got %d, want %d", i, got, cases[i].valid);
	}
	assert_int_equal(utf8_length("æøå"), 3);
	char out[4];
	assert_int_equal(utf8_encode(0xe6, out), 2);
	assert_int_equal(utf8_encode(0xd800, out), 0);
}

static void test_strbuf_cap(void **state)
{
	(void)state;
	struct strbuf sb;
	strbuf_init(&sb, 8);
	assert_int_equal(strbuf_puts(&sb, "12345678"), 0);
	assert_int_equal(strbuf_putc(&sb, '9'), -1);
	assert_true(sb.overflow);
	CHECK_STR(strbuf_str(&sb), "12345678", "capped buffer");
	strbuf_release(&sb);

	strbuf_init(&sb, 0);
	assert_int_equal(strbuf_printf(&sb, "%d-%s", 42, "æ"), 0);
	CHECK_STR(strbuf_str(&sb), "42-æ", "printf");
	strbuf_release(&sb);
}

static void test_strbuf_trim(void **state)
{
	(void)state;
	static const struct {
		const char *in, *want;
	} cases[] = {
		{"  x  ", "x"},
		{"\xe2\x80\x82\xe2\x80\x82\xe2\x80\x82\xe2\x80\x82\xe2\x80\x82", ""}, /* empty FORMTEXT */
		{"\xc2\xa0Åbenrå\xc2\xa0", "Åbenrå"},
		{"a b", "a b"},
		{"", ""},
	};
	for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
		struct strbuf sb;
		strbuf_init(&sb, 0);
		strbuf_puts(&sb, cases[i].in);
		strbuf_trim(&sb);
		CHECK_STR(strbuf_str(&sb), cases[i].want, cases[i].in);
		strbuf_release(&sb);
	}
}

static void test_msg_escape(void **state)
{
	(void)state;
	char buf[128];
	CHECK_STR(msg_escape(buf, sizeof buf, "ansøgning.docx"), "ansøgning.docx", "danish");
	CHECK_STR(msg_escape(buf, sizeof buf, "a\nb\x1b[31m"), "a\\x0ab\\x1b[31m", "controls");
	CHECK_STR(msg_escape(buf, sizeof buf, "back\\slash"), "back\\\\slash", "backslash");
	CHECK_STR(msg_escape(buf, sizeof buf, "bad\xff"), "bad\\xff", "invalid utf-8");
	char small[8];
	msg_escape(small, sizeof small, "abcdefghijkl");
	assert_true(strlen(small) < sizeof small);
	assert_non_null(strstr(small, "..."));
}

static void test_clock_parse(void **state)
{
	(void)state;
	setenv("SKEMA_TZ", "Europe/Copenhagen", 1);
	clock_init();
	static const struct {
		const char *in, *want;
	} cases[] = {
		{"2021-09-13T12:00", "2021-09-13T12:00:00+02:00"},
		{"2021-09-13 12:00:00", "2021-09-13T12:00:00+02:00"},
		{"2021-09-13T10:00:00Z", "2021-09-13T12:00:00+02:00"},
		{"2021-09-13T12:00:00+02:00", "2021-09-13T12:00:00+02:00"},
		{"2021-12-24", "2021-12-24T00:00:00+01:00"},
		{"2021-03-28T03:30", "2021-03-28T03:30:00+02:00"},
	};
	for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
		time_t t;
		char out[CLOCK_ISO_SIZE];
		if (clock_parse(cases[i].in, &t) != 0)
			fail_msg("%s: not parsed", cases[i].in);
		CHECK_STR(clock_format(t, out), cases[i].want, cases[i].in);
	}
	static const char *const bad[] = {"2021-02-30", "13-09-2021", "2021-09-13T25:00", "x", ""};
	for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
		time_t t;
		if (clock_parse(bad[i], &t) == 0)
			fail_msg("\"%s\": parsed, want refused", bad[i]);
	}
	time_t t;
	char out[CLOCK_ISO_SIZE];
	clock_parse("2021-09-13T12:00", &t);
	CHECK_STR(clock_format_danish(t, out), "13. september 2021", "danish date");
	/* To the second only within the other time's minute. */
	time_t late;
	clock_parse("2021-09-13T12:00:30", &late);
	CHECK_STR(clock_format_danish_time_apart(late, t, out), "13. september 2021 kl. 12.00.30",
		  "same minute");
	clock_parse("2021-09-13T12:05:30", &late);
	CHECK_STR(clock_format_danish_time_apart(late, t, out), "13. september 2021 kl. 12.05",
		  "another minute");
	setenv("SKEMA_NOW", "2019-06-01T23:59:59", 1);
	assert_int_equal(clock_now(&t), 0);
	CHECK_STR(clock_format(t, out), "2019-06-01T23:59:59+02:00", "SKEMA_NOW");
	unsetenv("SKEMA_NOW");
}

static void test_config(void **state)
{
	(void)state;
	char path[] = "/tmp/skema-test-conf-XXXXXX";
	int fd = mkstemp(path);
	assert_true(fd >= 0);
	const char *text = "# comment\n"
			   "authority.name = Socialstyrelsen\n"
			   "  inbox.settle_seconds=5  \n"
			   "bad line\n"
			   "authority.name = SISO\n";
	assert_int_equal(write(fd, text, strlen(text)), (ssize_t)strlen(text));
	close(fd);
	struct config cfg;
	struct strbuf err;
	config_init(&cfg);
	strbuf_init(&err, 0);
	assert_int_equal(config_load(&cfg, path, &err), -1);
	assert_non_null(strstr(strbuf_str(&err), ":4: expected"));
	CHECK_STR(config_get(&cfg, "authority.name", "?"), "SISO", "last wins");
	assert_int_equal(config_get_long(&cfg, "inbox.settle_seconds", -1), 5);
	CHECK_STR(config_get(&cfg, "missing", "fallback"), "fallback", "fallback");
	config_release(&cfg);
	strbuf_release(&err);
	unlink(path);
}

/* A write larger than a pipe holds goes through whole; a reader gone is an error. */
static void test_fdio_write_all(void **state)
{
	(void)state;
	int fds[2];
	size_t size = 256 * 1024;
	char *data = malloc(size), *back = malloc(size);
	assert_non_null(data);
	assert_non_null(back);
	for (size_t i = 0; i < size; i++)
		data[i] = (char)(i * 7);
	assert_int_equal(pipe(fds), 0);
	pid_t pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		close(fds[0]);
		int rc = fdio_write_all(fds[1], data, size) == 0 ? 0 : 1;
		free(data);
		free(back);
		_exit(rc);
	}
	close(fds[1]);
	size_t got = 0;
	ssize_t n;
	while (got < size && (n = read(fds[0], back + got, size - got)) > 0)
		got += (size_t)n;
	close(fds[0]);
	int status;
	assert_int_equal(waitpid(pid, &status, 0), pid);
	assert_int_equal(status, 0);
	assert_int_equal(got, size);
	assert_memory_equal(data, back, size);

	signal(SIGPIPE, SIG_IGN);
	assert_int_equal(pipe(fds), 0);
	close(fds[0]);
	assert_int_equal(fdio_write_all(fds[1], "x", 1), -1);
	assert_int_equal(errno, EPIPE);
	close(fds[1]);
	signal(SIGPIPE, SIG_DFL);
	free(data);
	free(back);
}

/*
 * record_read: lines split across its 4096-byte chunks, blank lines, a last
 * line without its newline, and a line over RECORD_MAX_LINE skipped whole
 * (an error for it, then the next record as usual).
 */
static void test_record_read_lines(void **state)
{
	(void)state;
	size_t big = RECORD_MAX_LINE + 10;
	size_t len = 3 * 8192 + big + 200;
	char *text = malloc(len), *p = text;
	assert_non_null(text);
	for (int n = 4090; n <= 4100; n += 5) { /* around the chunk size */
		p += sprintf(p, "{\"k\":\"");
		memset(p, 'x', (size_t)n);
		p += n;
		p += sprintf(p, "\"}\n\n");
	}
	p += sprintf(p, "{\"k\":\"");
	memset(p, 'y', big);
	p += big;
	p += sprintf(p, "\"}\n{\"k\":\"after\"}\n{\"k\":\"last\"}");
	FILE *in = fmemopen(text, (size_t)(p - text), "r");
	assert_non_null(in);
	json_t *rec;
	for (int n = 4090; n <= 4100; n += 5) {
		assert_int_equal(record_read(in, &rec), 1);
		assert_int_equal(json_string_length(json_object_get(rec, "k")), (size_t)n);
		json_decref(rec);
	}
	assert_int_equal(record_read(in, &rec), -1); /* too long: skipped, said */
	assert_null(rec);
	assert_int_equal(record_read(in, &rec), 1);
	assert_string_equal(json_string_value(json_object_get(rec, "k")), "after");
	json_decref(rec);
	assert_int_equal(record_read(in, &rec), 1);
	assert_string_equal(json_string_value(json_object_get(rec, "k")), "last");
	json_decref(rec);
	assert_int_equal(record_read(in, &rec), 0);
	fclose(in);
	free(text);
}

static void test_event_da(void **state)
{
	(void)state;
	char buf[128];
	CHECK_STR(event_name_da("rejudged"), "vurderet igen", "rejudged");
	CHECK_STR(event_name_da("some_new_event"), "some_new_event", "unknown kept");
	CHECK_STR(event_detail_da("rejudged", "not_eligible -> eligible (timer)", buf, sizeof buf),
		  "opfylder ikke kravene -> opfylder kravene (timer)", "rejudged detail");
	/* Only whole codes: a criterion or offer id that holds one stays as it is. */
	CHECK_STR(event_detail_da("stored", "eligible-2026: incomplete", buf, sizeof buf),
		  "eligible-2026: mangler oplysninger", "stored detail");
	CHECK_STR(event_detail_da("rejudged", "eligible -> eligible (x_eligible, not_eligible_y)", buf,
				  sizeof buf),
		  "opfylder kravene -> opfylder kravene (x_eligible, not_eligible_y)", "ids kept");
	/* Other events' details are shown as they are; a long one is cut, never overrun. */
	CHECK_STR(event_detail_da("proposed", "not_eligible", buf, sizeof buf), "not_eligible", "proposed");
	char small[12];
	CHECK_STR(event_detail_da("rejudged", "not_eligible -> eligible", small, sizeof small), "opfylder ik",
		  "cut");
	CHECK_STR(event_detail_da("review_sheet", "review (udkast): letters/x.pdf", buf, sizeof buf),
		  "gennemgangsark (udkast): letters/x.pdf", "sheet");
	CHECK_STR(event_detail_da("rejudged", NULL, buf, sizeof buf), "", "no detail");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_sha256_vectors), cmocka_unit_test(test_sha256_fd),
		cmocka_unit_test(test_sha256_both_agree),
		cmocka_unit_test(test_utf8_strict),    cmocka_unit_test(test_strbuf_cap),
		cmocka_unit_test(test_strbuf_trim),    cmocka_unit_test(test_msg_escape),
		cmocka_unit_test(test_clock_parse),    cmocka_unit_test(test_config),
		cmocka_unit_test(test_fdio_write_all), cmocka_unit_test(test_record_read_lines),
		cmocka_unit_test(test_event_da),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
