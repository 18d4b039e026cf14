#!/bin/sh
# screenshot.sh renders a report.html (or any local HTML file) with headless
# Chromium to a PNG, the way a reader with a 1280-pixel-wide window sees it:
#
#   docs/screenshot.sh gahb-quick/report.html report.png [HEIGHT]
#
# HEIGHT (default 2000) is the window height in pixels; the PNG shows the
# top of the page that fits in it. Needs Chromium (Debian: apt-get install
# -y chromium). Network and background services are switched off, so the
# render depends on the file alone (a report embeds its figures).
set -eu
if [ $# -lt 2 ] || [ $# -gt 3 ]; then
	echo "usage: $0 REPORT.html OUT.png [HEIGHT]" >&2
	exit 2
fi
in=$1
out=$2
height=${3:-2000}
if [ ! -f "$in" ]; then
	echo "$0: $in: no such file" >&2
	exit 1
fi
browser=
for b in chromium chromium-browser google-chrome; do
	if command -v "$b" >/dev/null 2>&1; then
		browser=$b
		break
	fi
done
if [ -z "$browser" ]; then
	echo "$0: no chromium found (Debian: apt-get install -y chromium)" >&2
	exit 1
fi
abs_in=$(cd "$(dirname "$in")" && pwd)/$(basename "$in")
case $out in
/*) abs_out=$out ;;
*) abs_out=$(pwd)/$out ;;
esac
profile=$(mktemp -d)
trap 'rm -rf "$profile"' EXIT
"$browser" --headless --no-sandbox --disable-gpu --disable-quic --no-first-run \
	--disable-background-networking --disable-component-update --disable-sync \
	--user-data-dir="$profile" --window-size=1280,"$height" \
	--screenshot="$abs_out" "file://$abs_in" >/dev/null 2>&1
if [ ! -s "$abs_out" ]; then
	echo "$0: $browser wrote no screenshot to $abs_out" >&2
	exit 1
fi
echo "wrote $abs_out (1280x$height)"
