#!/usr/bin/env bash
# Benchmarks NetCanvas's own kernels beside ONNX Runtime on the layers we care about.
# Builds nothing: run it through `bash tools/dev.sh bench`, which builds first.
#
#   bash tools/bench.sh [--iters N] [--threads "1 2"]
#
# Models (written by the hidden `netcanvas-cli make-bench-model`, into $BENCH_DIR):
#   c3k2    Input 1x256x20x20 -> Conv 512x256x3x3 pad 1 -> BatchNormalization -> SiLU -> Output
#   conv64  Input 1x64x160x160 -> Conv 64x64x3x3 pad 1 -> Output
#   bnsilu  Input 1x512x20x20 -> BatchNormalization -> SiLU -> Output (c3k2 after its Conv)
#   yolo11n The YOLO11n template (core/blocks/yolo11.h): 1x3x640x640 -> 1x84x8400
# NETCANVAS_BENCH_MODELS="c3k2 bnsilu" picks a subset.
# Then the canvas benchmark (netcanvas --bench-canvas N) for N in ${NETCANVAS_BENCH_CANVAS:-350 10000}.
# For each model and thread count, `netcanvas-cli bench --ort` reports the median and min time
# of a full re-evaluation (Evaluator::run in inference mode after re-feeding the input; kernels
# built once) and of ONNX Runtime's session.run on the exported model with the same input and
# thread count, and the peak memory of both: peak resident set (VmHWM) after the runs minus the
# resident set before the model is loaded, of our process and of ONNX Runtime's node process.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
BUILD=${NETCANVAS_BUILD_DIR:-$ROOT/build}
CLI=$BUILD/bin/netcanvas-cli
BENCH_DIR=${NETCANVAS_BENCH_DIR:-$BUILD/bench}
ITERS=20
THREADS="1 2"
while [ $# -gt 0 ]; do
  case "$1" in
    --iters) ITERS=$2; shift 2 ;;
    --threads) THREADS=$2; shift 2 ;;
    *) echo "bench.sh: unknown argument '$1' (use --iters N, --threads \"1 2\")" >&2; exit 2 ;;
  esac
done
if [ ! -x "$CLI" ]; then
  echo "bench.sh: $CLI not found; build first (bash tools/dev.sh bench)" >&2
  exit 1
fi
mkdir -p "$BENCH_DIR"

read -r -a MODELS <<<"${NETCANVAS_BENCH_MODELS:-c3k2 conv64 bnsilu yolo11n}"
for m in "${MODELS[@]}"; do
  if ! err=$("$CLI" make-bench-model "$m" -o "$BENCH_DIR/$m.ncproj" 2>&1 >/dev/null); then
    echo "bench.sh: cannot write benchmark model '$m': ${err#netcanvas-cli: }" >&2
    exit 1
  fi
done

declare -a ROWS
status=0
for m in "${MODELS[@]}"; do
  for t in $THREADS; do
    echo "== $m, $t thread(s), $ITERS iterations"
    if out=$("$CLI" bench "$BENCH_DIR/$m.ncproj" --ort --iters "$ITERS" --threads "$t" 2>&1); then
      echo "$out"
      line=$(grep '^RESULT ' <<<"$out")
      get() { sed -n "s/.* $1=\([^ ]*\).*/\1/p" <<<"$line"; }
      ROWS+=("$(printf '%-8s %7s %12s %12s %12s %12s %8s %10s %10s %9s' "$m" "$t" "$(get ours_median_ms)" \
        "$(get ours_min_ms)" "$(get ort_median_ms)" "$(get ort_min_ms)" "$(get ratio)" "$(get ours_mem_mb)" \
        "$(get ort_mem_mb)" "$(get mem_ratio)")")
    else
      echo "$out" >&2
      ROWS+=("$(printf '%-8s %7s   failed: %s' "$m" "$t" "$out")")
      status=1
    fi
  done
done

echo
echo "Median/min ms per full evaluation; ratio = ours median / ONNX Runtime median (< 1: we are faster)"
echo "Memory (MB): peak RSS growth from before loading the model; mem_ratio = ours / ONNX Runtime"
printf '%-8s %7s %12s %12s %12s %12s %8s %10s %10s %9s\n' model threads ours_med ours_min ort_med ort_min ratio \
  ours_mb ort_mb mem_ratio
for r in "${ROWS[@]}"; do echo "$r"; done

# The editor's canvas on generated graphs: open, auto layout, ms per frame while panning.
if [ -x "$BUILD/bin/netcanvas" ]; then
  echo
  for n in ${NETCANVAS_BENCH_CANVAS:-350 10000}; do
    QT_QPA_PLATFORM=offscreen "$BUILD/bin/netcanvas" --bench-canvas "$n" || status=1
  done
fi
exit $status
