#!/bin/sh
# The HTML report as a person sees it: `popek check pg_jrst --report` into
# OUT, then headless Chromium takes a screenshot of OUT/report.html, which
# must be a real picture (a PNG of more than 10 kB). OUT is kept, so that
# the picture can be looked at (OUT/report.png). Without Chromium the test is
# skipped (exit 77, ctest's SKIP_RETURN_CODE), not passed.
# Usage: report_screenshot.sh POPEK OUT
set -eu
popek=$1
out=$2
browser=$(command -v chromium || command -v chromium-browser || true)
if [ -z "$browser" ]; then
  echo "SKIPPED: chromium is not installed (apt-get install chromium)"
  exit 77
fi
rm -rf "$out"
mkdir -p "$out"
"$popek" check pg_jrst --fuzz-runs 2000 --findings "$out/findings" --report "$out" > "$out/atlas.txt"
# Chromium's own complaints (no D-Bus in a container) go to a log, shown on failure.
if ! timeout 60 "$browser" --headless --no-sandbox --disable-gpu --hide-scrollbars --screenshot="$out/report.png" \
    --window-size=1280,2000 "file://$(cd "$out" && pwd)/report.html" > "$out/chromium.log" 2>&1; then
  cat "$out/chromium.log"
  echo "FAIL: chromium did not take the screenshot"
  exit 1
fi
[ -f "$out/report.png" ] || { cat "$out/chromium.log"; echo "FAIL: no $out/report.png"; exit 1; }
size=$(wc -c < "$out/report.png")
magic=$(head -c 8 "$out/report.png" | od -An -tx1 | tr -d ' \n')
if [ "$magic" != "89504e470d0a1a0a" ]; then
  echo "FAIL: $out/report.png is not a PNG (starts with $magic)"
  exit 1
fi
if [ "$size" -le 10240 ]; then
  echo "FAIL: $out/report.png is only $size bytes: an empty page?"
  exit 1
fi
echo "ok: $out/report.png, $size bytes"
