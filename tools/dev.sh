#!/usr/bin/env bash
# NetCanvas developer entry point (Debian 12, as root or with sudo).
#   bash tools/dev.sh start [FILE]   install what is missing, build, open the editor on FILE
#                                   (default: the bundled C3k2 example)
#   bash tools/dev.sh test           install what is missing, build, run the whole test suite
#   bash tools/dev.sh build          install what is missing and build
#   bash tools/dev.sh bench          build and run the benchmarks beside ONNX Runtime
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
BUILD=${NETCANVAS_BUILD_DIR:-$ROOT/build}
JOBS=$(nproc)
# ccache (if present) hashes paths relative to the checkout, so clones share one cache.
export CCACHE_BASEDIR=$ROOT

APT_PACKAGES=(build-essential cmake ninja-build ccache pkg-config
  qt6-base-dev qt6-svg-dev libgl-dev libeigen3-dev libdnnl-dev libprotobuf-dev protobuf-compiler
  libonnx-dev libonnx-testdata librapidcheck-dev nlohmann-json3-dev libcli11-dev nodejs npm
  ocl-icd-opencl-dev)  # libdnnl-dev's CMake config looks for OpenCL (a Recommends, so not pulled in)

# Only the tests need these: test_torch_yolo11 generates a PyTorch-exported YOLO11n at test time
# (tests/data/make_yolo11n.py). About 46 MB to download (libtorch1.13 29 MB, libtorch-test 7 MB,
# python3-torch 9 MB, python3-onnx 0.6 MB, plus small Python dependencies), ~230 MB installed;
# measured here: 3 s to download, 5 s to unpack. Generating the model then takes 6-10 s.
TEST_APT_PACKAGES=(python3-torch python3-onnx)

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
  bench)
    install_deps
    build
    exec bash "$ROOT/tools/bench.sh" "$@"
    ;;
  *)
    echo "usage: bash tools/dev.sh start [FILE] | test | build | bench" >&2
    exit 2
    ;;
esac
