#!/usr/bin/env bash
# NetCanvas developer entry point (Debian 12, as root or with sudo).
#   bash tools/dev.sh start [FILE]   install what is missing, build, open the editor on FILE
#                                   (default: the bundled C3k2 example)
#   bash tools/dev.sh test           install what is missing, build, run the whole test suite
#   bash tools/dev.sh build          install what is missing and build
#   bash tools/dev.sh bench          build and run the benchmarks beside ONNX Runtime
#   bash tools/dev.sh sanitize       ASan+UBSan build (clang, build-asan/), its test suite, and
#                                   the line coverage of core/ from that run
#   bash tools/dev.sh fuzz [SECONDS] [TARGET...]
#                                   each libFuzzer target (tests/fuzz) for SECONDS (default 60)
#                                   on a fresh seed corpus; any finding fails
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
BUILD=${NETCANVAS_BUILD_DIR:-$ROOT/build}
ASAN_BUILD=${NETCANVAS_ASAN_BUILD_DIR:-$ROOT/build-asan}
JOBS=$(nproc)
# ccache (if present) hashes paths relative to the checkout, so clones share one cache.
export CCACHE_BASEDIR=$ROOT

APT_PACKAGES=(build-essential cmake ninja-build ccache pkg-config python3
  qt6-base-dev qt6-svg-dev libgl-dev libeigen3-dev libdnnl-dev libprotobuf-dev protobuf-compiler
  libonnx-dev libonnx-testdata librapidcheck-dev nlohmann-json3-dev libcli11-dev nodejs npm
  ocl-icd-opencl-dev)  # libdnnl-dev's CMake config looks for OpenCL (a Recommends, so not pulled in)

# Only the tests need these: test_torch_yolo11 generates a PyTorch-exported YOLO11n at test time
# (tests/data/make_yolo11n.py). About 46 MB to download (libtorch1.13 29 MB, libtorch-test 7 MB,
# python3-torch 9 MB, python3-onnx 0.6 MB, plus small Python dependencies), ~230 MB installed;
# measured here: 3 s to download, 5 s to unpack. Generating the model then takes 6-10 s.
TEST_APT_PACKAGES=(python3-torch python3-onnx)

# The sanitizer, fuzz and coverage jobs: Debian 12's clang 16 (its default clang 14 cannot
# capture structured bindings in lambdas, which core uses) with its compiler-rt (libFuzzer, ASan,
# UBSan; a Recommends, so named here), its omp.h (libomp-16-dev; the CLI still links GCC's libgomp,
# oneDNN's runtime), llvm-cov for clang's gcov data, and gcovr: 69 MB to download, 414 MB installed.
SAN_CLANG_VERSION=16
SAN_APT_PACKAGES=(clang-$SAN_CLANG_VERSION libclang-rt-$SAN_CLANG_VERSION-dev
  libomp-$SAN_CLANG_VERSION-dev llvm-$SAN_CLANG_VERSION gcovr)

as_root() { if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo "$@"; fi; }

install_deps() {  # extra packages as arguments
  local missing=()
  for p in "${APT_PACKAGES[@]}" "$@"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
  done
  # node/npm may come from elsewhere (e.g. a preinstalled Node.js): accept working binaries.
  if command -v node >/dev/null && command -v npm >/dev/null; then
    missing=("${missing[@]/nodejs}"); missing=("${missing[@]/npm}")
  fi
  local todo=()
  for p in "${missing[@]}"; do [ -n "$p" ] && todo+=("$p"); done
  if [ ${#todo[@]} -gt 0 ]; then
    echo "== installing: ${todo[*]}"
    as_root apt-get update -q
    as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends "${todo[@]}"
  fi
  if [ ! -d tests/ort/node_modules/onnxruntime-node ]; then
    echo "== installing onnxruntime-node (the reference runtime for tests and benchmarks)"
    # --ignore-scripts: the package's postinstall downloads from a host we cannot reach; the CPU
    # binaries ship inside the package.
    (cd tests/ort && npm ci --ignore-scripts --no-audit --no-fund)
  fi
}

build() {
  local gen=()
  command -v ninja >/dev/null && [ ! -f "$BUILD/Makefile" ] && gen=(-G Ninja)
  cmake -S . -B "$BUILD" "${gen[@]}" -DCMAKE_BUILD_TYPE=Release
  cmake --build "$BUILD" -j "$JOBS"
}

# The ASan+UBSan build: clang, -O1 with line tables (readable reports, quicker to compile), the
# libFuzzer targets, and gcov instrumentation of core/ for the coverage report.
san_build() {  # targets as arguments (default: all)
  local gen=()
  command -v ninja >/dev/null && [ ! -f "$ASAN_BUILD/Makefile" ] && gen=(-G Ninja)
  cmake -S . -B "$ASAN_BUILD" "${gen[@]}" -DCMAKE_CXX_COMPILER=clang++-$SAN_CLANG_VERSION \
    -DCMAKE_BUILD_TYPE=RelWithDebInfo -DCMAKE_CXX_FLAGS_RELWITHDEBINFO="-O1 -gline-tables-only -DNDEBUG" \
    -DNETCANVAS_SANITIZE=ON -DNETCANVAS_FUZZ=ON -DNETCANVAS_COVERAGE=ON
  if [ $# -gt 0 ]; then cmake --build "$ASAN_BUILD" -j "$JOBS" --target "$@"
  else cmake --build "$ASAN_BUILD" -j "$JOBS"; fi
}

# Line coverage of core/ per folder from the .gcda files the last test run left in build-asan.
coverage_report() {
  local summary=$ASAN_BUILD/coverage.json
  gcovr --gcov-executable "llvm-cov-$SAN_CLANG_VERSION gcov" -r "$ROOT" --filter "$ROOT/core/" \
    --json-summary "$summary" "$ASAN_BUILD" >/dev/null
  python3 - "$summary" <<'PY'
import collections, json, sys
files = json.load(open(sys.argv[1]))["files"]
per = collections.defaultdict(lambda: [0, 0])
for f in files:
    folder = "/".join(f["filename"].split("/")[:-1])
    per[folder][0] += f["line_covered"]; per[folder][1] += f["line_total"]
    per["core (all)"][0] += f["line_covered"]; per["core (all)"][1] += f["line_total"]
print("== line coverage of core/ (ctest in build-asan)")
for folder, (hit, total) in sorted(per.items()):
    print("  %-16s %6.1f %%  (%d of %d lines)" % (folder, 100.0 * hit / max(total, 1), hit, total))
PY
}

# Each fuzz target for SECONDS on a fresh corpus; findings go to build-asan/fuzz-findings/<target>/.
run_fuzzers() {  # SECONDS, targets (default: all)
  local secs=$1 failed=()
  shift
  local targets=("$@")
  [ ${#targets[@]} -gt 0 ] || targets=(onnx_import onnx_validate project npy tensor_proto)
  san_build "${targets[@]/#/fuzz_}"
  bash tests/fuzz/make_corpus.sh "$ASAN_BUILD/fuzz-corpus"
  export ASAN_OPTIONS=detect_leaks=1 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1
  export LSAN_OPTIONS=suppressions=$ROOT/tests/fuzz/lsan.supp:print_suppressions=0
  for t in "${targets[@]}"; do
    local out=$ASAN_BUILD/fuzz-findings/$t
    rm -rf "$out" && mkdir -p "$out"
    echo "== fuzz_$t for ${secs} s"
    # -timeout: one input running longer is a hang; -malloc_limit_mb: one allocation larger is
    # a runaway allocation. Both are findings, like every sanitizer report.
    if "$ASAN_BUILD/bin/fuzz_$t" -max_total_time="$secs" -timeout=20 -rss_limit_mb=3072 \
        -malloc_limit_mb=2048 -print_final_stats=1 -artifact_prefix="$out/" \
        "$ASAN_BUILD/fuzz-corpus/$t" >"$out/log.txt" 2>&1; then
      grep -E '^stat::number_of_executed_units|^Done' "$out/log.txt" | tr '\n' ' '; echo
    else
      failed+=("$t"); tail -n 60 "$out/log.txt"
      echo "== fuzz_$t FOUND A PROBLEM: $(ls "$out" | grep -v log.txt | tr '\n' ' ')(log: $out/log.txt)"
    fi
  done
  [ ${#failed[@]} -eq 0 ] || { echo "== fuzzing failed: ${failed[*]}" >&2; return 1; }
}

cmd=${1:-start}
shift || true
case "$cmd" in
  start)
    install_deps
    build
    exec "$BUILD/bin/netcanvas" "${1:-$ROOT/resources/examples/c3k2.ncproj}"
    ;;
  test)
    install_deps "${TEST_APT_PACKAGES[@]}"
    build
    cd "$BUILD"
    QT_QPA_PLATFORM=offscreen ctest --output-on-failure -j "$JOBS" --timeout 1800
    ;;
  build)
    install_deps
    build
    ;;
  sanitize)
    install_deps "${TEST_APT_PACKAGES[@]}" "${SAN_APT_PACKAGES[@]}"
    san_build
    find "$ASAN_BUILD" -name '*.gcda' -delete
    status=0
    # The PyTorch-exported YOLO11n tests (the longest, ~4.5 min unsanitized, plus generating the
    # model) stay out of the sanitizer job to keep cold CI within its budget;
    # NETCANVAS_SANITIZE_EXCLUDE='^$' runs them too.
    (cd "$ASAN_BUILD" && QT_QPA_PLATFORM=offscreen ctest --output-on-failure -j "$JOBS" --timeout 1800 \
      -E "${NETCANVAS_SANITIZE_EXCLUDE:-^(core_test_torch_yolo11|ui_test_open_torch_models)\$}") || status=$?
    coverage_report
    exit $status
    ;;
  fuzz)
    install_deps "${SAN_APT_PACKAGES[@]}"
    run_fuzzers "${1:-60}" "${@:2}"
    ;;
  bench)
    install_deps
    build
    exec bash "$ROOT/tools/bench.sh" "$@"
    ;;
  *)
    echo "usage: bash tools/dev.sh start [FILE] | test | build | bench | sanitize | fuzz [SECONDS] [TARGET...]" >&2
    exit 2
    ;;
esac
