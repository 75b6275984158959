# bash completion for skema(1)                              -*- shell-script -*-
#
# Completes the global options, the subcommands, each subcommand's options
# and the offer ids.  Subcommands and options are read from the program's
# own --help, so the completion stays true when they change; offer ids are
# the id attributes of forms/*/offer.xml in the data directory and the
# configuration directory (an administrator's local offer counts too).
# Installed as $(PREFIX)/share/bash-completion/completions/skema.

# Prints the offer ids, one a line.
_skema_offer_ids()
{
	local skema dir prefix
	local -a dirs=()
	skema=$(type -P "${1:-skema}" 2>/dev/null)
	[[ -n $SKEMA_FORMS ]] && dirs+=("$SKEMA_FORMS")
	[[ -n $SKEMA_DATADIR ]] && dirs+=("$SKEMA_DATADIR/forms")
	if [[ -n $skema ]]; then
		prefix=${skema%/*}/..
		dirs+=("$prefix/share/skema/forms")
		# The configuration directory: /etc/skema under /usr, else PREFIX/etc/skema.
		dirs+=("$prefix/etc/skema/forms")
	fi
	dirs+=("${SKEMA_CONFDIR:-/etc/skema}/forms")
	for dir in "${dirs[@]}"; do
		[[ -d $dir ]] || continue
		# The id attribute of the root element <offer ... id="...">.
		sed -n 's/.*<offer[[:space:]][^>]*[[:space:]]id="\([a-z0-9_-]*\)".*/\1/p' \
			"$dir"/*/offer.xml 2>/dev/null
	done | sort -u
}

# Prints the long options a --help text lists.
_skema_help_options()
{
	"$@" --help 2>/dev/null | grep -o -e '--[a-z][a-z0-9-]*' | sort -u
}

_skema()
{
	local cur prev words cword
	if declare -F _init_completion >/dev/null; then
		_init_completion || return
	else
		cur=${COMP_WORDS[COMP_CWORD]}
		prev=${COMP_WORDS[COMP_CWORD - 1]}
		words=("${COMP_WORDS[@]}")
		cword=$COMP_CWORD
	fi
	local prog=${words[0]}

	# Find the subcommand: the first word that is neither an option nor
	# the argument of -C / --workspace.
	local i cmd= cmd_at=0
	for ((i = 1; i < cword; i++)); do
		case ${words[i]} in
		-C | --workspace) ((i++)) ;;
		-*) ;;
		*)
			cmd=${words[i]}
			cmd_at=$i
			break
			;;
		esac
	done

	case $prev in
	-C | --workspace)
		COMPREPLY=($(compgen -d -- "$cur"))
		return
		;;
	--offer)
		COMPREPLY=($(compgen -W "$(_skema_offer_ids "$prog")" -- "$cur"))
		return
		;;
	--forms | -o | --output | --out | -d | --db | --config)
		COMPREPLY=($(compgen -f -- "$cur"))
		return
		;;
	--date)
		# skema complete --date: the day a forløb ended, most often today.
		COMPREPLY=($(compgen -W "$(date +%Y-%m-%d)" -- "$cur"))
		return
		;;
	--note | --reason)
		# Free text: nothing to offer, and no file names either.
		COMPREPLY=()
		return
		;;
	esac

	if [[ -z $cmd ]]; then
		if [[ $cur == -* ]]; then
			# The global options (skema(1)); --help shows only some.
			COMPREPLY=($(compgen -W "--workspace --quiet --verbose --json --help --version
				$(_skema_help_options "$prog")" -- "$cur"))
		else
			# "  name   summary" lines under "commands:" in skema --help.
			local commands
			commands=$("$prog" --help 2>/dev/null |
				sed -n '/^commands:/,/^$/s/^  \([a-z][a-z-]*\) .*/\1/p')
			COMPREPLY=($(compgen -W "$commands" -- "$cur"))
		fi
		return
	fi

	if [[ $cur == -* ]]; then
		COMPREPLY=($(compgen -W "$(_skema_help_options "$prog" "$cmd")" -- "$cur"))
		return
	fi
	case $cmd in
	decide)
		# skema decide ID OUTCOME: the outcome is the second argument.
		local nargs=0
		for ((i = cmd_at + 1; i < cword; i++)); do
			[[ ${words[i]} == -* ]] || ((nargs++))
		done
		if ((nargs == 1)); then
			COMPREPLY=($(compgen -W "bevilget venteliste afslag mangler bekræftelse" -- "$cur"))
		fi
		;;
	inspect | init)
		COMPREPLY=($(compgen -f -- "$cur"))
		;;
	esac
}
complete -F _skema skema
