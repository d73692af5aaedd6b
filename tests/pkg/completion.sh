#!/usr/bin/env bash
# Bash completion: "make install" puts it where bash-completion looks, it
# registers for ctop, completes options, columns (lists too), group keys,
# formats, namespace names and filter words, and its lists are those of
# the binary itself (--help and the error messages name them).
here=$(dirname "$0")
. "$here/../lib.sh"

build=$(cd "$(dirname "$CTOP")" && pwd)
top=$(cd "$here/../.." && pwd)
make -s -C "$top" O="$build" DESTDIR="$TMPD/root" PREFIX=/usr install >"$TMPD/install.log" 2>&1 ||
	fail "make install: $(tail -n 3 "$TMPD/install.log")"
comp=$TMPD/root/usr/share/bash-completion/completions/ctop
[ -f "$comp" ] || fail "make install did not install $comp"
ok "installed $comp"

ns_new NS

# complete WORD... : what the completion offers for the last word, sorted.
complete_words() {
	bash --norc --noprofile -c '
		. "$1"; shift
		COMP_WORDS=("$@"); COMP_CWORD=$(($# - 1))
		_ctop
		printf "%s\n" "${COMPREPLY[@]}" | sort | tr "\n" " "' _ "$comp" "$CTOP" "$@"
}

assert_eq "complete -p ctop" "complete -F _ctop ctop" \
	"$(bash --norc --noprofile -c '. "$1"; complete -p ctop' _ "$comp")"
assert_eq "--gr" "--group " "$(complete_words --gr)"
assert_eq "-g s" "sport src state " "$(complete_words -g s)"
assert_eq "-s pa" "packets " "$(complete_words -s pa)"
assert_eq "-s ra" "rate " "$(complete_words -s ra)"
assert_eq "-c +by" "+bytes " "$(complete_words -c +by)"
assert_eq "-c src,d" "src,daddr src,dport src,dst " "$(complete_words -c src,d)"
assert_eq "-o o" "openmetrics " "$(complete_words -o o)"
assert_eq "-o p" "prometheus " "$(complete_words -o p)"
assert_eq "--netns" "$NS " "$(complete_words --netns "${NS%-*}")"
assert_eq "filter word" "sctp seen_reply snat sport src state " "$(complete_words tcp and s)"
assert_eq "state name" "ESTABLISHED " "$(complete_words tcp state est)"
echo 'x' >"$TMPD/dump.nl"
assert_eq "--replay file" "$TMPD/dump.nl " "$(complete_words --replay "$TMPD/du")"

# The lists are the binary's own.
words() { tr ' ,' '\n\n' | grep -v '^$' | sort -u | tr '\n' ' '; }
listed() { bash --norc --noprofile -c '. "$1"; echo "${!2}"' _ "$comp" "$1" | words; }
# Options come from "$CTOP --help" at the first completion: every option
# line's names, nothing of the descriptions.
offered=$(complete_words - | words)
assert_eq "options = --help" \
	"$("$CTOP" --help | sed -nE 's/^ {2,6}(-.*)/\1/p' | sed -E 's/  .*//' | grep -oE -- '--?[a-zA-Z0-9][a-zA-Z0-9-]*' | words)" \
	"$offered"
for o in --write --to -R; do
	case " $offered " in *" $o "*) ;; *) fail "no $o in: $offered" ;; esac
done
[ "$(echo "$offered" | wc -w)" -ge 30 ] || fail "only $(echo "$offered" | wc -w) options"
# Columns, group keys and formats are the binary's own, and without a
# binary to ask the built-in lists serve.
assert_eq "columns = ctop's" \
	"$("$CTOP" -1 -s bogus --replay /dev/null 2>&1 | sed -n 's/.*(columns: \(.*\))/\1/p' | words)" \
	"$(complete_words -s '' | words)"
assert_eq "group keys = ctop's" \
	"$("$CTOP" -1 -g bogus --replay /dev/null 2>&1 | sed -n "s/.*unknown group 'bogus' (\(.*\))/\1/p" | words)" \
	"$(complete_words -g '' | words)"
assert_eq "formats = ctop's" \
	"$("$CTOP" -1 -o bogus 2>&1 | sed -n "s/.*unknown format 'bogus' (\(.*\))/\1/p" | words)" \
	"$(complete_words -o '' | words)"
nobin() {
	bash --norc --noprofile -c '. "$1"; shift
		COMP_WORDS=("$@"); COMP_CWORD=$(($# - 1)); _ctop
		printf "%s\n" "${COMPREPLY[@]}" | sort | tr "\n" " "' _ "$comp" /nonexistent/ctop "$@"
}
assert_eq "no binary: -s by" "bytes " "$(nobin -s by)"
assert_eq "no binary: -g pa" "pair " "$(nobin -g pa)"
exit 0
