#!/usr/bin/env bash
# Render check of the HTML report in headless Chromium: runs the steady
# scenario, writes its report (and the report of the hand-written sweep in
# traces/testdata/report/sweep), screenshots both pages with Chromium and
# checks that the PNGs show the charts (right size, mostly white page with
# enough ink, the chart line colours present). Installs Debian's chromium
# if it is missing (idempotent, like tools/setup.sh).
#
# Not part of tools/test.sh: installing and starting Chromium takes minutes.
#   bash tools/check_report.sh [OUT_DIR]     (default out/check_report)
# Then look at OUT_DIR/run.png and OUT_DIR/sweep.png.
set -euo pipefail
cd "$(dirname "$0")/.."
bash tools/setup.sh

if ! command -v chromium >/dev/null 2>&1; then
  echo "check_report: installing chromium" >&2
  SUDO=""
  if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi
  export DEBIAN_FRONTEND=noninteractive
  $SUDO apt-get update -qq
  $SUDO apt-get install -y -qq --no-install-recommends chromium fonts-dejavu-core >/dev/null
fi

OUT="${1:-out/check_report}"
mkdir -p "$OUT"
bazel build //tools:gogcsim >&2
BIN=./bazel-bin/tools/gogcsim
"$BIN" run steady --out="$OUT/run" >/dev/null
"$BIN" report "$OUT/run" --out="$OUT/run.html"
"$BIN" report traces/testdata/report/sweep --out="$OUT/sweep.html"

for page in run sweep; do
  rm -f "$OUT/$page.png"
  chromium --headless --no-sandbox --disable-gpu --hide-scrollbars --window-size=1200,2000 \
    --screenshot="$OUT/$page.png" "file://$(realpath "$OUT/$page.html")" >/dev/null 2>&1
  # Decode the PNG (8-bit RGB or RGBA, non-interlaced, as Chromium writes
  # it) with the standard library and check what is on it.
  python3 - "$OUT/$page.png" <<'PY'
import struct, sys, zlib
path = sys.argv[1]
data = open(path, "rb").read()
assert data[:8] == b"\x89PNG\r\n\x1a\n", f"{path}: not a PNG"
pos, idat = 8, b""
while pos < len(data):
    n, kind = struct.unpack(">I4s", data[pos:pos + 8])
    body = data[pos + 8:pos + 8 + n]
    if kind == b"IHDR":
        w, h, depth, ctype, _, _, interlace = struct.unpack(">IIBBBBB", body)
    elif kind == b"IDAT":
        idat += body
    pos += 12 + n
assert (w, h) == (1200, 2000), f"{path}: {w}x{h}, expected 1200x2000"
assert depth == 8 and ctype in (2, 6) and interlace == 0, f"{path}: unexpected PNG format"
bpp = 3 if ctype == 2 else 4
raw = zlib.decompress(idat)
stride = w * bpp
prev = bytearray(stride)
pixels = bytearray()
for y in range(h):
    f = raw[y * (stride + 1)]
    line = bytearray(raw[y * (stride + 1) + 1:(y + 1) * (stride + 1)])
    for i in range(stride):
        a = line[i - bpp] if i >= bpp else 0
        b = prev[i]
        c = prev[i - bpp] if i >= bpp else 0
        if f == 1: line[i] = (line[i] + a) & 255
        elif f == 2: line[i] = (line[i] + b) & 255
        elif f == 3: line[i] = (line[i] + (a + b) // 2) & 255
        elif f == 4:
            p = a + b - c
            pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
            line[i] = (line[i] + (a if pa <= pb and pa <= pc else b if pb <= pc else c)) & 255
    pixels += line
    prev = line
colors, ink = {}, 0
for i in range(0, len(pixels), bpp):
    rgb = bytes(pixels[i:i + 3])
    colors[rgb] = colors.get(rgb, 0) + 1
    if rgb != b"\xff\xff\xff":
        ink += 1
share = ink / (w * h)
def near(target):  # pixels within 24 per channel of a chart colour
    return sum(n for c, n in colors.items() if all(abs(c[k] - target[k]) <= 24 for k in range(3)))
blue, red = near((0x1f, 0x77, 0xb4)), near((0xd6, 0x27, 0x28))
print(f"{path}: {w}x{h}, {len(colors)} colours, {100 * share:.1f}% non-white, "
      f"{blue} px of line colour #1f77b4, {red} px of #d62728")
assert 0.01 < share < 0.6, "page blank or filled"
assert len(colors) > 50, "too few colours for charts and text"
assert blue > 500 and red > 200, "chart lines missing"
PY
done
echo "report renders: look at $OUT/run.png and $OUT/sweep.png"
