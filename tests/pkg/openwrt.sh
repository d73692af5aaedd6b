#!/usr/bin/env bash
# The OpenWrt package Makefile, as far as it can be checked without an
# OpenWrt SDK (openwrt/check): its variables, DEPENDS and CONFLICTS, a
# build with its flags and its install recipe, and a musl compile of
# every source file with its TARGET_CFLAGS.
here=$(dirname "$0")
. "$here/../lib.sh"
case $CTOP in
*-asan/*) skip "the package is checked in the plain run" ;;
esac
command -v musl-gcc >/dev/null || skip "no musl-gcc (make deps installs musl-tools)"
"$here/../../openwrt/check" "$TMPD/ow" >"$TMPD/log" 2>&1 ||
	fail "openwrt/check: $(tail -n 20 "$TMPD/log")"
grep -v '^musl-gcc\|^cc \|^rm -f\|^make\|^ar ' "$TMPD/log"
grep -q "installed as /usr/sbin/ctop" "$TMPD/log" || fail "no install line"
grep -q "^musl: [0-9]* files compile" "$TMPD/log" || fail "no musl line"
exit 0
