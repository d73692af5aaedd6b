#!/usr/bin/env bash
# The Debian package: dpkg-buildpackage builds it from a copy of the tree,
# lintian finds no error and no warning, and the package, unpacked into a
# temporary root with dpkg -x (the test machine's own root is left alone),
# holds the binary, man page, completion and docs, and its binary runs: a
# replayed recording gives the same output as the tree's build. Its
# Depends are installed here, so dpkg -i would find them.
here=$(dirname "$0")
. "$here/../lib.sh"

case $CTOP in
*-asan/*) skip "the package is built and checked in the plain run" ;;
esac
for t in dpkg-buildpackage lintian dh; do
	command -v $t >/dev/null || skip "no $t (make deps installs it)"
done
top=$(cd "$here/../.." && pwd)

mkdir -p "$TMPD/src/ctop"
(cd "$top" && git ls-files -z --cached --others --exclude-standard 2>/dev/null |
	xargs -0 tar -cf - 2>/dev/null) | tar -C "$TMPD/src/ctop" -xf - ||
	fail "cannot copy the tree"
[ -f "$TMPD/src/ctop/debian/control" ] || fail "no debian/control in the copy"
# The unit tests ran already in this check; the package build skips them.
(cd "$TMPD/src/ctop" && DEB_BUILD_OPTIONS=nocheck dpkg-buildpackage -us -uc -b) \
	>"$TMPD/build.log" 2>&1 || fail "dpkg-buildpackage: $(tail -n 20 "$TMPD/build.log")"
deb=$(ls "$TMPD"/src/ctop_*_$(dpkg --print-architecture).deb)
ok "built $(basename "$deb") ($(stat -c %s "$deb") bytes)"

lintian --fail-on error,warning "$TMPD"/src/ctop_*.changes >"$TMPD/lintian.log" 2>&1 ||
	fail "lintian: $(cat "$TMPD/lintian.log")"
sed 's/^/  lintian says: /' "$TMPD/lintian.log"
ok "lintian: no errors or warnings"

root=$TMPD/root
dpkg -x "$deb" "$root"
for f in usr/sbin/ctop usr/share/man/man8/ctop.8.gz \
	usr/share/bash-completion/completions/ctop \
	usr/share/doc/ctop/copyright usr/share/doc/ctop/README.md.gz; do
	[ -e "$root/$f" ] || fail "the package lacks /$f"
done
ok "files in place"
ok "packaged binary: $(stat -c %s "$root/usr/sbin/ctop") bytes, stripped (budget: bench/size)"
assert_eq "section" "net" "$(dpkg-deb -f "$deb" Section)"
for p in $(dpkg-deb -f "$deb" Depends | tr ',' '\n' | sed 's/[ (].*//; s/^ *//'); do
	dpkg-query -W -f='${Status}\n' "$p" 2>/dev/null | grep -q 'ok installed' ||
		fail "dependency $p is not installed"
done
ok "depends: $(dpkg-deb -f "$deb" Depends)"

"$root/usr/sbin/ctop" --version >"$TMPD/version" || fail "packaged ctop --version exited $?"
ok "packaged ctop --version: $(head -n 1 "$TMPD/version")"
"$root/usr/sbin/ctop" --replay "$top/tests/data/dump-all.nl" -1 -o csv >"$TMPD/pkg.csv" ||
	fail "packaged ctop --replay exited $?"
"$CTOP" --replay "$top/tests/data/dump-all.nl" -1 -o csv >"$TMPD/tree.csv"
cmp -s "$TMPD/pkg.csv" "$TMPD/tree.csv" || fail "packaged ctop prints another table"
assert_eq "packaged ctop replays" 25 "$(wc -l <"$TMPD/pkg.csv")"
MANWIDTH=80 man -l "$root/usr/share/man/man8/ctop.8.gz" 2>/dev/null | grep -q "ctoprec" ||
	fail "the packaged man page lacks the FILES section on recordings"
ok "packaged man page reads"
exit 0
