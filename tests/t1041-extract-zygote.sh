#!/bin/bash
test_description='skema-extract forks its readers from a zygote, and survives losing it'
. "$(dirname "$0")/lib.sh"

D=$FIXTURES/extract/docs
S=$FIXTURES/extract/sandbox
test_have cc || test_skip_all "no C compiler for the fault shim"
test_have ps || test_skip_all "no ps to find the zygote"
export ASAN_OPTIONS="$ASAN_OPTIONS:verify_asan_link_order=0"

rec() {
	printf '{"id":"%s","path":"%s"}\n' "$1" "$2"
}

# The children of process $1, one pid a line.
kids() {
	ps -o pid= --ppid "$1" | tr -d " "
}

# Waits (10 s at most) until process $1 has a child; prints its pid.
wait_kid() {
	for i in $(seq 100); do
		k=$(kids "$1" | head -n 1)
		test -n "$k" && { echo "$k"; return 0; }
		sleep 0.1
	done
	return 1
}

# The stage's zygote, and the document's child under it: waits for both.
wait_reader() {
	zygote=$(wait_kid "$1") && reader=$(wait_kid "$zygote")
}

# Waits (10 s at most) for process $1 to end.
wait_gone() {
	for i in $(seq 100); do
		kill -0 "$1" 2>/dev/null || return 0
		sleep 0.1
	done
	return 1
}

test_expect_success 'build the shim of a parser that never returns' '
	cat >spin.c <<-\EOF &&
	#define _GNU_SOURCE
	#include <dlfcn.h>
	#include <string.h>
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

test_expect_success 'a reader may not open, connect, fork, signal or exec' '
	cat >escape.c <<-\EOF &&
	#define _GNU_SOURCE
	#include <dlfcn.h>
	#include <fcntl.h>
	#include <signal.h>
	#include <sys/socket.h>
	#include <sys/syscall.h>
	#include <unistd.h>
	void *xmlReaderForMemory(const char *b, int n, const char *u, const char *e, int o);
	void *xmlReaderForMemory(const char *b, int n, const char *u, const char *e, int o)
	{
		char *argv[] = {"/bin/true", NULL};
		if (open("/etc/passwd", O_RDONLY) >= 0 || socket(AF_UNIX, SOCK_STREAM, 0) >= 0 ||
		    syscall(SYS_fork) >= 0 || syscall(SYS_clone, SIGCHLD, 0, 0, 0, 0) >= 0 ||
		    kill(getppid(), 0) == 0 || syscall(SYS_getppid) >= 0 ||
		    execve(argv[0], argv, NULL) == 0)
			raise(SIGSEGV); /* the filter let one through */
		void *(*real)(const char *, int, const char *, const char *, int) =
			(void *(*)(const char *, int, const char *, const char *, int))dlsym(RTLD_NEXT, "xmlReaderForMemory");
		return real(b, n, u, e, o);
	}
	EOF
	cc -shared -fPIC -o escape.so escape.c -ldl &&
	{ rec 1 "$D/sdt-kinds.docx" && rec 2 "$D/strict.docx"; } >in &&
	LD_PRELOAD=$TRASH/escape.so skema-extract <in >out &&
	jq -r "[.id, (.error.code // .form.id)] | join(\" \")" out >got &&
	printf "1 temaforloeb\n2 unknown_form\n" >want &&
	test_cmp want got &&
	{ LD_PRELOAD=$TRASH/escape.so skema-extract --no-sandbox <in >out 2>err; code=$?; } ;
	test $code -ge 126 # unconfined, the shim does get through (it is real)
'

test_expect_success 'the zygote is named, the stage its parent, each reader its child' '
	cp "$S/spin.docx" doc.docx &&
	{ rec 1 "$TRASH/doc.docx" && rec 2 "$D/sdt-kinds.docx"; } >in &&
	{ LD_PRELOAD=$TRASH/spin.so skema-extract --jobs 1 --timeout 2000 <in >out & } &&
	stage=$! &&
	wait_reader $stage &&
	test "$(ps -o comm= -p $zygote)" = skema-zygote &&
	test "$(ps -o ppid= -p $reader | tr -d " ")" = "$zygote" &&
	wait $stage &&
	jq -r "[.id, (.error.code // .form.id)] | join(\" \")" out >got &&
	printf "1 timeout\n2 temaforloeb\n" >want &&
	test_cmp want got
'

test_expect_success 'zygote killed mid-document: a new one reads the document again' '
	cp "$S/spin.docx" doc.docx &&
	{ rec 1 "$TRASH/doc.docx" && rec 2 "$D/sdt-kinds.docx" && rec 3 "$D/all-kinds.odt"; } >in &&
	{ LD_PRELOAD=$TRASH/spin.so skema-extract --jobs 2 --timeout 8000 <in >out 2>err & } &&
	stage=$! &&
	wait_reader $stage &&
	cp "$D/sdt-kinds.docx" doc.docx &&
	kill -KILL $zygote &&
	wait_gone $reader &&
	wait $stage &&
	jq -r "[.id, (.error.code // .form.id)] | join(\" \")" out >got &&
	printf "1 temaforloeb\n2 temaforloeb\n3 temaforloeb\n" >want &&
	test_cmp want got
'

test_expect_success 'the same document loses its zygote twice: a temporary error, the batch goes on' '
	cp "$S/spin.docx" doc.docx &&
	{ rec 1 "$TRASH/doc.docx" && rec 2 "$D/sdt-kinds.docx"; } >in &&
	{ LD_PRELOAD=$TRASH/spin.so skema-extract --jobs 1 --timeout 8000 <in >out 2>err & } &&
	stage=$! &&
	wait_reader $stage &&
	kill -KILL $zygote &&
	wait_gone $zygote &&
	wait_reader $stage &&
	kill -KILL $zygote &&
	wait $stage &&
	jq -r "[.id, .error.code, .error.permanent, .form.id] | join(\" \")" out >got &&
	printf "1 io false \n2   temaforloeb\n" >want &&
	test_cmp want got &&
	jq -r "select(.id == \"1\") | .error.message_da" out >da &&
	test_grep "næste kørsel" da &&
	test_grep "doc.docx: the sandbox stopped while reading" err
'

test_expect_success 'more zygotes lost than restarts allowed: temporary errors, never a verdict' '
	{ for i in 1 2 3 4; do rec $i "$S/spin.docx"; done; } >in &&
	{ LD_PRELOAD=$TRASH/spin.so skema-extract --jobs 1 --timeout 8000 <in >out 2>err & } &&
	stage=$! &&
	for i in 1 2 3; do
		wait_reader $stage && kill -KILL $zygote && wait_gone $zygote || return 1
	done &&
	wait $stage &&
	jq -r "[.id, .error.code, .error.permanent] | join(\" \")" out >got &&
	printf "1 io false\n2 io false\n3 io false\n4 io false\n" >want &&
	test_cmp want got &&
	test_grep "cannot start the sandbox" err
'

test_expect_success 'a reader that closes its pipe and carries on: timeout, the zygote kept' '
	cat >hide.c <<-\EOF &&
	#define _GNU_SOURCE
	#include <dlfcn.h>
	#include <string.h>
	#include <unistd.h>
	/* A subverted parser: EOF for the stage, but it goes on running. */
	const char *xmlTextReaderConstValue(void *reader);
	const char *xmlTextReaderConstValue(void *reader)
	{
		static volatile int forever = 1;
		const char *(*real)(void *) = (const char *(*)(void *))dlsym(RTLD_NEXT, "xmlTextReaderConstValue");
		const char *v = real(reader);
		if (v && strstr(v, "spin-forever")) {
			close(3);
			while (forever)
				;
		}
		return v;
	}
	EOF
	cc -shared -fPIC -o hide.so hide.c -ldl &&
	{ rec 1 "$S/spin.docx" && rec 2 "$D/sdt-kinds.docx"; } >in &&
	LD_PRELOAD=$TRASH/hide.so skema-extract --jobs 1 --timeout 1000 <in >out 2>err &&
	jq -r "[.id, (.error.code // .form.id)] | join(\" \")" out >got &&
	printf "1 timeout\n2 temaforloeb\n" >want &&
	test_cmp want got &&
	! grep -e "the sandbox" -e "cannot start" err
'

test_expect_success 'a reader killed by a signal: a crash error naming the file' '
	cp "$S/spin.docx" "doc 2.docx" &&
	{ rec 1 "$TRASH/doc 2.docx" && rec 2 "$D/sdt-kinds.docx"; } >in &&
	{ LD_PRELOAD=$TRASH/spin.so skema-extract --jobs 1 --timeout 8000 <in >out 2>err & } &&
	stage=$! &&
	wait_reader $stage &&
	kill -TERM $reader &&
	wait $stage &&
	jq -r "[.id, (.error.code // .form.id), (.error.permanent // \"-\")] | join(\" \")" out >got &&
	printf "1 crash true\n2 temaforloeb -\n" >want &&
	test_cmp want got &&
	test "$(jq -r "select(.id == \"1\") | .error.message" out)" = \
		"$TRASH/doc 2.docx: the reader crashed (signal 15)" &&
	test_grep "doc 2.docx: the reader crashed" err
'

test_expect_success 'the stage killed: its zygote and readers go with it' '
	{ rec 1 "$S/spin.docx"; } >in &&
	{ LD_PRELOAD=$TRASH/spin.so skema-extract --jobs 1 --timeout 20000 <in >out 2>err & } &&
	stage=$! &&
	wait_reader $stage &&
	kill -KILL $stage &&
	wait_gone $zygote &&
	wait_gone $reader
'

test_expect_success 'the zygote ends with the stage: no process is left behind' '
	{ rec 1 "$D/sdt-kinds.docx" && rec 2 "$D/strict.docx"; } >in &&
	skema-extract <in >out &&
	test_line_count = 2 out &&
	skema-extract --inspect "$D/strict.docx" >list &&
	test_grep "^tema	" list &&
	ps -o comm= --ppid $$ >procs &&
	! grep skema procs
'
test_done
