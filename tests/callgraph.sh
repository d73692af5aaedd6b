#!/usr/bin/env bash
# No call cycles between files: for each directory given (default src and
# src/tui), every call (or data reference) from one file's object to a
# symbol another file of the same directory defines is an edge, read from
# the objects with nm (undefined symbols of one, defined ones of the
# other). The edges must form a DAG: files that reach each other through
# them are printed, with the calls between them.
#   tests/callgraph.sh [BUILD_DIR [DIR...]]     (default: build src src/tui)
# Exit 0: no cycle; 1: a cycle (listed); 2: no objects to read.
# Static functions and inline functions in headers are not edges: a call
# cycle is one file calling another that calls it back.
set -u
top=$(cd "$(dirname "$0")/.." && pwd)
build=${1:-build}
shift || true
[ $# -gt 0 ] || set -- src src/tui
case $build in /*) ;; *) build=$top/$build ;; esac
status=0
for dir in "$@"; do
	# The objects of the sources there now (not those of files gone).
	objs=()
	for c in "$top/$dir"/*.c; do
		o="$build/$dir/$(basename "$c" .c).o"
		[ -e "$o" ] || { echo "callgraph: no $o (build first)" >&2; exit 2; }
		objs+=("$o")
	done
	# "file symbol" for what each file defines, then "file U symbol".
	edges=$(for o in "${objs[@]}"; do
		f=$(basename "$o" .o)
		nm --defined-only -g "$o" | awk -v f="$f" 'NF == 3 { print "D", f, $3 }'
		nm -u "$o" | awk -v f="$f" '{ print "U", f, $NF }'
	done | awk '$1 == "D" { def[$3] = $2; next }
		    { use[NR] = $2 " " $3 }
		    END { for (i in use) { split(use[i], p, " ");
			  if ((p[2] in def) && def[p[2]] != p[1])
				print p[1], def[p[2]], p[2] } }' | sort -u)
	pairs=$(printf '%s\n' "$edges" | awk 'NF == 3 { print $1, $2 }' | sort -u)
	nfiles=${#objs[@]}
	nedges=$(printf '%s\n' "$pairs" | grep -c . || true)
	# Files on a cycle: those that reach each other (a transitive
	# closure; a directory has a few dozen files). One line per strongly
	# connected set, then the calls inside it.
	loops=$(printf '%s\n' "$pairs" | awk 'NF == 2 { r[$1, $2] = 1; n[$1]; n[$2] }
		END { for (k in n) for (i in n) if ((i, k) in r) for (j in n)
			if ((k, j) in r) r[i, j] = 1
		      for (i in n) if ((i, i) in r && !(i in done)) {
			line = ""
			for (j in n) if ((i, j) in r && (j, i) in r) {
				line = line " " j; done[j] }
			print substr(line, 2) } }')
	if [ -n "$loops" ]; then
		echo "callgraph: $dir: call cycle among its files:"
		while read -r set; do
			echo "  {$set}:"
			printf '%s\n' "$edges" | awk -v n=" $set " 'index(n, " " $1 " ") && index(n, " " $2 " ") { print "    " $1 " -> " $2 ": " $3 }'
		done <<<"$loops"
		status=1
	else
		echo "callgraph: $dir: $nfiles files, $nedges file-to-file edges, no cycle"
	fi
done
exit $status
