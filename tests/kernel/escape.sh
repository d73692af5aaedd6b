#!/usr/bin/env bash
# Strings from outside are escaped in every format (issue 9): a table
# whose helper names hold bytes >= 0x80 and ESC [2J gives JSON that
# python3's json.loads accepts and text and CSV without a raw control
# byte; the names come out as \xHH. Needs no kernel table: the table is
# conntrack -L text on standard input.
here=$(dirname "$0")
. "$here/../lib.sh"

printf 'tcp      6 431999 ESTABLISHED src=10.0.0.1 dst=10.0.0.2 sport=1000 dport=21 src=10.0.0.2 dst=10.0.0.1 sport=21 dport=1000 [ASSURED] mark=0 helper=f\xff\xfe use=1\n' >"$TMPD/t.txt"
printf 'tcp      6 431999 ESTABLISHED src=10.0.0.3 dst=10.0.0.2 sport=1001 dport=21 src=10.0.0.2 dst=10.0.0.3 sport=21 dport=1001 [ASSURED] mark=0 helper=x\x1b[2J use=1\n' >>"$TMPD/t.txt"

"$CTOP" - -o json <"$TMPD/t.txt" >"$TMPD/out.json" 2>"$TMPD/err" || fail "json: $(cat "$TMPD/err")"
helpers=$(python3 -c 'import json,sys; d=json.loads(open(sys.argv[1],"rb").read()); print(" ".join(sorted(f.get("helper","-") for f in d["flows"])))' "$TMPD/out.json") ||
	fail "json.loads refused the output: $(head -c 300 "$TMPD/out.json")"
assert_eq "helper names in JSON" 'f\xff\xfe x\x1b[2J' "$helpers"

for fmt in text csv; do
	"$CTOP" - -o $fmt -c +helper <"$TMPD/t.txt" >"$TMPD/out.$fmt" 2>"$TMPD/err" ||
		fail "$fmt: $(cat "$TMPD/err")"
	if LC_ALL=C grep -q "$(printf '[\001-\010\016-\037\177\200-\377]')" "$TMPD/out.$fmt"; then
		fail "$fmt output holds a raw control or high byte: $(od -c "$TMPD/out.$fmt" | head)"
	fi
	grep -qF 'x\x1b[2J' "$TMPD/out.$fmt" || fail "$fmt lacks the escaped name: $(cat "$TMPD/out.$fmt")"
	ok "$fmt: no raw control byte, names as \\xHH"
done
