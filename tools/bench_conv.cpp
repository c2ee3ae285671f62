// Throwaway benchmark: our oneDNN Conv fast kernel vs ONNX Runtime on the same exported Conv.
// Threads: run with OMP_NUM_THREADS=N (Debian's oneDNN uses OpenMP); ORT gets N intra-op threads.
// On a loaded machine add OMP_WAIT_POLICY=PASSIVE: libgomp's spinning workers otherwise lose
// their time slices at every barrier (measured 80 -> 28 ms median at 2 threads, load 8 on 2 cores).
//   bench_conv [C M H W [pad]]   (default: 256 512 20 20 1)
// Build:
//   built as build/bin/netcanvas-bench-conv (tools/CMakeLists.txt)
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <vector>

#include "core/eval/evaluator.h"
#include "core/onnx/export.h"
#include "core/ops/conv.h"
#include "core/ops/graph_io.h"
#include "core/tensor/init.h"
#include "tools/ort/ort_bridge.h"

using namespace nc;

static double median(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  return v[v.size() / 2];
}

int main(int argc, char** argv) {
  int64_t c = 256, m = 512, h = 20, w = 20, pad = 1;
  if (argc >= 5)
    c = std::atoll(argv[1]), m = std::atoll(argv[2]), h = std::atoll(argv[3]),
    w = std::atoll(argv[4]);
  if (argc >= 6) pad = std::atoll(argv[5]);
  const char* env = std::getenv("OMP_NUM_THREADS");
  const int threads = env ? std::atoi(env) : 1;
  const int iters = 50;

  Graph g;
  NodeId x = g.addNode("Input", "x");
  g.setAttr(x, "shape", Shape{1, c, h, w});
  NodeId conv = g.addNode("Conv", "conv");
  g.setAttr(conv, "pads", std::vector<int64_t>{pad, pad, pad, pad});
  Tensor wt = randomNormal({m, c, 3, 3}, 7), xt = randomNormal({1, c, h, w}, 8);
  g.setConstant(conv, 1, wt);
  g.connect({x, 0}, {conv, 0});
  NodeId out = g.addNode("Output", "y");
  g.connect({conv, 0}, {out, 0});

  AttrReader reader(convOp(), nodeInfo(g.node(conv)));
  auto kernel = convOp().fast(reader);
  std::vector<Tensor> in = {xt, wt, Tensor()};
  auto t0 = std::chrono::steady_clock::now();
  kernel->compute(in);  // first call: primitive creation (JIT) + weight reorder
  double firstMs =
      std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count();
  std::vector<double> ours;
  for (int i = 0; i < iters; ++i) {
    auto s = std::chrono::steady_clock::now();
    kernel->compute(in);
    ours.push_back(
        std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - s).count());
  }
  std::string path = "/tmp/nc_bench_conv_" + std::to_string(getpid()) + ".onnx";
  exportModel(g, path);
  OrtResult r = runOrt(path, {{"x", xt}}, threads, iters);
  std::remove(path.c_str());
  std::printf(
      "Conv %lldx%lldx3x3 pad %lld on 1x%lldx%lldx%lld, %d thread(s): NetCanvas oneDNN median %.2f "
      "ms (min %.2f, first call %.1f ms) | ONNX Runtime median %.2f ms (min %.2f)\n",
      (long long)m, (long long)c, (long long)pad, (long long)c, (long long)h, (long long)w, threads,
      median(ours), *std::min_element(ours.begin(), ours.end()), firstMs, median(r.ms),
      *std::min_element(r.ms.begin(), r.ms.end()));
  return 0;
}
