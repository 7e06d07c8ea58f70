#!/usr/bin/env bash
# test_report_page.sh - the report page (scripts/report.sh) in a real
# browser: a report on tiny sizes is rendered by headless Chromium
# (tests/report_browser.py, the DevTools protocol over a pipe), which checks
# that the page has every section, that every plot (inline SVG) has a size
# and decodes as an image of non-zero size, that the page requests nothing
# but itself, and saves a PNG screenshot of the whole page
# (build/test-report-page.png, to look at). The page's own promises are
# checked without the browser too: a Content-Security-Policy that forbids
# every fetch, no attribute that points outside the page.
# Chromium is Debian's `chromium`, installed by .ci/run for this test only;
# where it is missing the browser checks are skipped with a note.
# Prints "report_page: N passed, M failed, K skipped" last.
. "$(dirname "$0")/lib.sh"
export OMPK_BIN_DIR=$bindir

sections=(machine kernels fast bandwidth overlap inflight gantt heartbeat peers data)
r=$tmp/r
rc=0
scripts/report.sh --sizes tiny --kernels primes,sumsq --threads 1,2 --out "$r" >"$tmp/out" 2>"$tmp/err" || rc=$?
if [ "$rc" -ne 0 ] || [ ! -s "$r/index.html" ]; then
	bad "the tiny report is written (exit $rc)" "$(tail -n 20 "$tmp/err")"
	finish report_page
fi
ok "the tiny report is written"
page=$r/index.html

# --- without a browser: what the page promises --------------------------
check "a Content-Security-Policy forbids every fetch (default-src 'none')" \
	grep -q "http-equiv=\"Content-Security-Policy\" content=\"default-src 'none';" "$page"
# none FILE REGEX: FILE has no match of REGEX (the matches are the detail).
none() { ! grep -o -E "$2" "$1" | head -n 5 | grep .; }
check "no src= or href= pointing outside the page (only #anchors)" none "$page" "(src|href)=[\"'][^#\"']"
check "no url(...) outside the page, no @import" none "$page" 'url\([^#]|@import'
check "no script" none "$page" '<script'

for s in "${sections[@]}"; do
	check "section #$s is in the page" grep -q "<section id=\"$s\">" "$page"
done

# --- in a browser -------------------------------------------------------
chromium=$(command -v chromium || command -v chromium-browser || true)
if [ -z "$chromium" ]; then
	skip "headless Chromium checks: chromium not installed (Debian: apt-get install chromium; .ci/run installs it for this test)"
	finish report_page
fi
mkdir -p "$root/build"
shot=$root/build/test-report-page.png
rm -f "$shot"
timeout 180 python3 tests/report_browser.py "$chromium" "$page" "$shot" "${sections[@]}" >"$tmp/browser" 2>&1
brc=$?
while IFS='|' read -r verdict name detail; do
	case $verdict in
	ok) ok "chromium: $name" ;;
	bad) bad "chromium: $name" "$detail" ;;
	*) [ -z "$verdict" ] || bad "chromium: unexpected output" "$verdict $name $detail" ;;
	esac
done <"$tmp/browser"
[ "$brc" -eq 0 ] || grep -q '^bad|' "$tmp/browser" || bad "chromium session (exit $brc)" "$(cat "$tmp/browser")"
check "the screenshot is a PNG file ($shot)" bash -c "head -c 8 '$shot' | od -An -tx1 | grep -q '89 50 4e 47 0d 0a 1a 0a'"
finish report_page
