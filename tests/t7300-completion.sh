#!/bin/bash
test_description='bash completion offers the subcommands, their options and the offer ids'
. "$(dirname "$0")/lib.sh"

# complete WORDS...: what completing the last word gives, sorted, one a line.
# Runs in a fresh bash so the completion file is loaded as a user's shell
# would load it.
complete_words() {
	bash --norc --noprofile -c '
		if test -n "$WITH_BASH_COMPLETION"; then
			. /usr/share/bash-completion/bash_completion
		fi
		. "$SRC/completion/skema.bash"
		COMP_WORDS=("$@")
		COMP_CWORD=$(($# - 1))
		COMP_LINE="$*"
		COMP_POINT=${#COMP_LINE}
		_skema skema "${COMP_WORDS[COMP_CWORD]}" "${COMP_WORDS[COMP_CWORD - 1]}"
		printf "%s\n" "${COMPREPLY[@]}"
	' complete "$@" | sed -e "/^\$/d" | sort
}

# The offer ids: the folders of forms/ that hold an offer definition.
(cd "$SRC/forms" && ls -d */offer.xml | sed -e "s|/offer.xml||" | sort) >"$TRASH/offer-ids"

for mode in plain bash-completion; do
	if test $mode = bash-completion; then
		test -f /usr/share/bash-completion/bash_completion || continue
		export WITH_BASH_COMPLETION=1
	fi

	test_expect_success "($mode) the subcommands of skema --help" '
		skema --help | sed -n "/^commands:/,/^\$/s/^  \([a-z][a-z-]*\) .*/\1/p" | sort >want &&
		test_line_count -ge 13 want &&
		complete_words skema "" >got &&
		test_cmp want got
	'

	test_expect_success "($mode) a prefix narrows the subcommands" '
		printf "%s\n" rejudge report retry review >want &&
		complete_words skema re >got &&
		test_cmp want got
	'

	test_expect_success "($mode) global options before the subcommand" '
		complete_words skema --ver >got &&
		printf "%s\n" --verbose --version >want &&
		test_cmp want got
	'

	test_expect_success "($mode) -C takes a directory, then the subcommand follows" '
		mkdir -p wsdir &&
		complete_words skema -C wsd >got &&
		echo wsdir >want &&
		test_cmp want got &&
		complete_words skema -C wsdir sta >got &&
		echo status >want &&
		test_cmp want got
	'

	test_expect_success "($mode) the options of a subcommand come from its --help" '
		skema export --help | grep -o -e "--[a-z][a-z0-9-]*" | sort -u >want &&
		test_line_count -ge 3 want &&
		complete_words skema export -- >got &&
		test_cmp want got
	'

	test_expect_success "($mode) --offer completes the offer ids" '
		test_line_count -ge 1 "$TRASH/offer-ids" &&
		complete_words skema export --offer "" >got &&
		test_cmp "$TRASH/offer-ids" got &&
		grep "^tema" "$TRASH/offer-ids" >want &&
		complete_words skema -C wsdir export --offer tema >got &&
		test_cmp want got
	'

	test_expect_success "($mode) a local offer under the configuration directory is offered too" '
		mkdir -p conf/forms/lokalt-kursus &&
		sed -e "s/id=\"temaforloeb\"/id=\"lokalt-kursus\"/" \
			"$SRC/forms/temaforloeb/offer.xml" >conf/forms/lokalt-kursus/offer.xml &&
		SKEMA_CONFDIR=$PWD/conf complete_words skema export --offer lok >got &&
		echo lokalt-kursus >want &&
		test_cmp want got
	'

	test_expect_success "($mode) skema decide CASE completes the outcomes" '
		complete_words skema decide 2026-000001 "" >got &&
		printf "%s\n" afslag bekræftelse bevilget mangler venteliste | sort >want &&
		test_cmp want got
	'
done

test_expect_success 'the completion file is valid bash and registers skema' '
	bash -n "$SRC/completion/skema.bash" &&
	bash --norc -c ". \"$SRC/completion/skema.bash\" && complete -p skema" >out &&
	test_grep "_skema skema" out
'

test_done
