#!/usr/bin/env bash
# The shape of the screen's code in numbers: files, the largest functions
# and the fields of each state struct under src/tui (or the directory
# given). Needs universal-ctags (Debian: universal-ctags).
#   tools/tui-numbers.sh [DIR]
set -eu
dir=${1:-src/tui}
cd "$(dirname "$0")/.."
command -v ctags >/dev/null || { echo "tools/tui-numbers.sh: needs ctags" >&2; exit 2; }
files=$(ls "$dir"/*.[ch] | wc -l)
lines=$(cat "$dir"/*.[ch] | wc -l)
echo "files: $files ($(ls "$dir"/*.c | wc -l) .c, $(ls "$dir"/*.h | wc -l) .h), $lines lines"
echo "largest functions (lines):"
ctags --c-kinds=f --fields=+ne -o - "$dir"/*.c |
	awk -F'\t' '{ l = e = 0; for (i = 4; i <= NF; i++) {
		if ($i ~ /^line:/) l = substr($i, 6); if ($i ~ /^end:/) e = substr($i, 5) }
		printf "%5d  %s %s\n", e - l + 1, $2, $1 }' | sort -rn | head -8
n=$(ctags --c-kinds=f --fields=+ne -o - "$dir"/*.c | awk -F'\t' '{ l = e = 0; for (i = 4; i <= NF; i++) {
		if ($i ~ /^line:/) l = substr($i, 6); if ($i ~ /^end:/) e = substr($i, 5) }
		print e - l + 1 }' | sort -n | awk '{ a[NR] = $1 } END { print NR, a[int((NR + 1) / 2)] }')
echo "functions: ${n% *}, median ${n#* } lines"
echo "fields per struct (top level, nested structs counted as one):"
ctags --c-kinds=m --fields=+S -o - "$dir"/*.[ch] |
	awk -F'\t' '{ for (i = 4; i <= NF; i++) if ($i ~ /^struct:/) {
		s = substr($i, 8); if (s !~ /::/ && s !~ /^__anon/) n[s]++ } }
		END { for (s in n) printf "%5d  struct %s\n", n[s], s }' | sort -rn
