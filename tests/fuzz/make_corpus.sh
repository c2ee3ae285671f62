#!/usr/bin/env bash
# Seeds a fresh corpus for each fuzz target from the tree and Debian's libonnx-testdata:
#   bash tests/fuzz/make_corpus.sh OUT_DIR     -> OUT_DIR/<target>/ (not committed)
# onnx_import, onnx_validate: tests/data/**/*.onnx and libonnx-testdata's model.onnx files
# project: resources/examples and tests/data *.ncproj, each followed by its .weights sidecar
# tensor_proto: libonnx-testdata's input_*.pb / output_*.pb and tests/data/**/*.pb
# npy: a few small .npy files of each accepted kind, written here (the tree has none)
# Seeds over 256 KiB are left out: they slow every mutation and add little coverage.
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
OUT=${1:?usage: make_corpus.sh OUT_DIR}
TESTDATA=/usr/share/libonnx-testdata/data
MAX=256k
rm -rf "$OUT"
mkdir -p "$OUT"/{onnx_import,onnx_validate,project,tensor_proto,npy}

# Copies each file to DIR under a name made from its path (the test directory names matter).
copy_named() {  # DIR, then files on stdin
  local dir=$1 f
  while IFS= read -r f; do
    cp "$f" "$dir/$(echo "${f#/}" | tr '/' '_')"
  done
}

{ find "$ROOT/tests/data" -name '*.onnx' -size -$MAX
  [ -d "$TESTDATA" ] && find "$TESTDATA" -name model.onnx -size -$MAX; } | copy_named "$OUT/onnx_import"
cp "$OUT"/onnx_import/* "$OUT/onnx_validate/"

{ find "$ROOT/tests/data" -name '*.pb' -size -$MAX
  [ -d "$TESTDATA" ] && find "$TESTDATA" -name '*put_*.pb' -size -$MAX; } | copy_named "$OUT/tensor_proto"

find "$ROOT/resources/examples" "$ROOT/tests/data" -name '*.ncproj' | while IFS= read -r f; do
  name=$(echo "${f#/}" | tr '/' '_')
  if [ -f "$f.weights" ]; then cat "$f" "$f.weights"; else cat "$f"; fi > "$OUT/project/$name"
done

python3 - "$OUT/npy" <<'PY'
import struct, sys
out = sys.argv[1]
def npy(name, descr, shape, data, version=(1, 0)):
    header = "{'descr': '%s', 'fortran_order': False, 'shape': %s, }" % (
        descr, "(%s)" % "".join("%d," % d for d in shape) if shape else "()")
    lenfmt = "<H" if version[0] == 1 else "<I"
    pre = 6 + 2 + struct.calcsize(lenfmt)
    header += " " * (-(pre + len(header) + 1) % 64) + "\n"
    with open("%s/%s.npy" % (out, name), "wb") as f:
        f.write(b"\x93NUMPY" + bytes(version) + struct.pack(lenfmt, len(header)))
        f.write(header.encode("latin1") + data)
npy("f4_2x3", "<f4", (2, 3), struct.pack("<6f", *range(6)))
npy("f8_4", "<f8", (4,), struct.pack("<4d", 0.5, -1, 2, 1e30))
npy("i8_3", "<i8", (3,), struct.pack("<3q", 1, -2, 3))
npy("f4_scalar", "<f4", (), struct.pack("<f", 7))
npy("f4_empty", "<f4", (0, 5), b"")
npy("f4_v2", "<f4", (1, 2, 2), struct.pack("<4f", 1, 2, 3, 4), version=(2, 0))
npy("f4_v3", "<f4", (2,), struct.pack("<2f", 1, 2), version=(3, 0))
PY

for d in "$OUT"/*; do echo "$(basename "$d"): $(ls "$d" | wc -l) seeds"; done
