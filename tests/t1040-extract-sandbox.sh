#!/bin/bash
test_description='skema-extract parses each document in a confined child and survives it'
. "$(dirname "$0")/lib.sh"

D=$FIXTURES/extract/docs
R=$FIXTURES/extract/refuse
test_have cc || test_skip_all "no C compiler for the fault shims"

# The shims are preloaded into skema-extract; a sanitizer build wants its
# runtime first, which a preload would upset.
export ASAN_OPTIONS="$ASAN_OPTIONS:verify_asan_link_order=0"

rec() {
	printf '{"id":"%s","path":"%s"}\n' "$1" "$2"
}

test_expect_success 'build the fault shims' '
	cat >crash.c <<-\EOF &&
	#include <signal.h>
	#include <stddef.h>
	void *xmlReaderForMemory(const char *b, int n, const char *u, const char *e, int o);
	void *xmlReaderForMemory(const char *b, int n, const char *u, const char *e, int o)
	{
		(void)b; (void)n; (void)u; (void)e; (void)o;
		raise(SIGSEGV);
		return NULL;
	}
	EOF
	cc -shared -fPIC -o crash.so crash.c &&
	cat >escape.c <<-\EOF &&
	#define _GNU_SOURCE
	#include <dlfcn.h>
	#include <fcntl.h>
	#include <signal.h>
	#include <unistd.h>
	/* Tries what a compromised parser would: open a file, then carries on. */
	void *xmlReaderForMemory(const char *b, int n, const char *u, const char *e, int o);
	void *xmlReaderForMemory(const char *b, int n, const char *u, const char *e, int o)
	{
		/* A forged record on stdout, where the stage writes its records. */
		(void)!write(1, "{\"forged\":true}\n", 16);
		int fd = open("/etc/passwd", O_RDONLY);
		if (fd >= 0)
			raise(SIGSEGV); /* the filter let it through */
		void *(*real)(const char *, int, const char *, const char *, int) =
			(void *(*)(const char *, int, const char *, const char *, int))dlsym(RTLD_NEXT, "xmlReaderForMemory");
		return real(b, n, u, e, o);
	}
	EOF
	cc -shared -fPIC -o escape.so escape.c -ldl &&
	cat >spin.c <<-\EOF &&
	#define _GNU_SOURCE
	#include <dlfcn.h>
	#include <string.h>
	/* A parser that never returns on one text (fixtures/extract/sandbox/spin.docx). */
	const char *xmlTextReaderConstValue(void *reader);
	const char *xmlTextReaderConstValue(void *reader)
	{
		static volatile int forever = 1;
		const char *(*real)(void *) = (const char *(*)(void *))dlsym(RTLD_NEXT, "xmlTextReaderConstValue");
		const char *v = real(reader);
		if (v && strstr(v, "spin-forever"))
			while (forever)
				;
		return v;
	}
	EOF
	cc -shared -fPIC -o spin.so spin.c -ldl
'
test_expect_success 'a parser crash becomes a crash error; the batch goes on' '
	{ rec 1 "$D/strict.docx" && rec 2 "$D/sdt-kinds.docx"; } >in &&
	LD_PRELOAD=$TRASH/crash.so skema-extract <in >out &&
	jq -r "[.id, .error.code, .error.permanent] | join(\" \")" out >got &&
	printf "1 crash true\n2 crash true\n" >want &&
	test_cmp want got &&
	jq -r .error.message_da out >da &&
	test_grep "Kontakt en administrator" da
'
test_expect_success 'the child cannot open files (seccomp)' '
	LD_PRELOAD=$TRASH/escape.so skema-extract --inspect "$D/strict.docx" >out &&
	test_grep "^tema	text	Strikt OOXML" out
'
test_expect_success 'the child cannot write to the record stream' '
	{ rec 1 "$D/sdt-kinds.docx" && rec 2 "$D/strict.docx"; } >in &&
	LD_PRELOAD=$TRASH/escape.so skema-extract --jobs 2 <in >out &&
	test_line_count = 2 out &&
	! grep forged out &&
	test "$(jq -r .fields.tema.value out | head -n 1)" = "Seksuelle overgreb"
'
test_expect_success '... and without the sandbox it could (the shim is real)' '
	{ LD_PRELOAD=$TRASH/escape.so skema-extract --no-sandbox --inspect "$D/strict.docx" >out 2>err; code=$?; } ;
	test $code -ge 126
'
test_expect_success 'a parser that never returns: timeout, and the next document is read' '
	{ rec 1 "$FIXTURES/extract/sandbox/spin.docx" && rec 2 "$D/sdt-kinds.docx"; } >in &&
	LD_PRELOAD=$TRASH/spin.so skema-extract --jobs 1 --timeout 500 <in >out &&
	jq -r "[.id, (.error.code // .form.id)] | join(\" \")" out >got &&
	printf "1 timeout\n2 temaforloeb\n" >want &&
	test_cmp want got
'
# AddressSanitizer maps its heap up front, so RLIMIT_AS cannot bite there.
if grep -q __asan_init "$(command -v skema-extract)"; then
	say "# skipping the memory limit test under AddressSanitizer"
else
test_expect_success 'a document needing more memory than the child may have: out_of_memory' '
	rec 1 "$R/bomb.docx" >in &&
	skema-extract --max-memory 5M --max-part 64M --max-total 64M --max-ratio 100000 <in >out &&
	test "$(jq -r .error.code out)" = out_of_memory
'
fi
test_expect_success 'the same limits leave small forms alone' '
	rec 1 "$D/sdt-kinds.docx" >in &&
	skema-extract --max-memory 5M --timeout 2000 <in >out &&
	test "$(jq -r .fields.tema.value out)" = "Seksuelle overgreb"
'
test_expect_success 'several children at once: order kept, only the slow one times out' '
	{
		rec 1 "$D/sdt-kinds.docx" && rec 2 "$FIXTURES/extract/sandbox/spin.docx" &&
		rec 3 "$D/sdt-kinds.docx" && rec 4 "$D/all-kinds.odt" && rec 5 "$R/legacy.doc" &&
		rec 6 "$D/all-kinds.fodt"
	} >in &&
	LD_PRELOAD=$TRASH/spin.so skema-extract --jobs 3 --timeout 1500 <in >out &&
	jq -r "[.id, (.error.code // .form.id)] | join(\" \")" out >got &&
	printf "1 temaforloeb\n2 timeout\n3 temaforloeb\n4 temaforloeb\n5 legacy_doc\n6 temaforloeb\n" >want &&
	test_cmp want got
'
test_expect_success '--jobs 1 and --jobs 4 write the same records' '
	for f in "$D"/*.docx "$D"/*.odt "$D"/*.fodt "$R"/*; do rec x "$f"; done >in &&
	skema-extract --jobs 1 <in >a &&
	skema-extract --jobs 4 <in >b &&
	test_cmp a b &&
	test_line_count = $(wc -l <in) b
'
test_expect_success 'sandboxed and in-process results are the same' '
	for f in "$D"/*.docx "$D"/*.odt "$D"/*.fodt; do rec x "$f"; done >in &&
	skema-extract <in >a &&
	skema-extract --no-sandbox <in >b &&
	test_cmp a b
'
test_expect_success 'build the shims that break the sandbox itself' '
	cat >nofork.c <<-\EOF &&
	#include <errno.h>
	#include <sys/types.h>
	pid_t fork(void);
	pid_t fork(void)
	{
		errno = EAGAIN;
		return -1;
	}
	EOF
	cc -shared -fPIC -o nofork.so nofork.c &&
	cat >nopipe.c <<-\EOF &&
	#include <errno.h>
	int pipe2(int fds[2], int flags);
	int pipe2(int fds[2], int flags)
	{
		(void)fds; (void)flags;
		errno = EMFILE;
		return -1;
	}
	EOF
	cc -shared -fPIC -o nopipe.so nopipe.c &&
	cat >noseccomp.c <<-\EOF &&
	#define _GNU_SOURCE
	#include <dlfcn.h>
	#include <errno.h>
	#include <stdarg.h>
	#include <linux/prctl.h>
	/* A kernel without seccomp: the child cannot confine itself. */
	int prctl(int option, ...);
	int prctl(int option, ...)
	{
		va_list ap;
		unsigned long a[4];
		va_start(ap, option);
		for (int i = 0; i < 4; i++)
			a[i] = va_arg(ap, unsigned long);
		va_end(ap);
		if (option == PR_SET_SECCOMP) {
			errno = EINVAL;
			return -1;
		}
		int (*real)(int, ...) = (int (*)(int, ...))dlsym(RTLD_NEXT, "prctl");
		return real(option, a[0], a[1], a[2], a[3]);
	}
	EOF
	cc -shared -fPIC -o noseccomp.so noseccomp.c -ldl
'
for shim in nofork nopipe noseccomp; do
test_expect_success "the sandbox itself fails ($shim): a temporary error, not a verdict" '
	{ rec 1 "$D/sdt-kinds.docx" && rec 2 "$D/strict.docx"; } >in &&
	LD_PRELOAD=$TRASH/$shim.so skema-extract --jobs 2 <in >out 2>err &&
	jq -r "[.id, .error.code, .error.permanent] | join(\" \")" out >got &&
	printf "1 io false\n2 io false\n" >want &&
	test_cmp want got &&
	jq -r .error.message_da out >da &&
	test_grep "næste kørsel" da
'
done
test_done
