// bench's measurements: our evaluator's timed runs and memory, and ONNX Runtime's.
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdlib>
#include <filesystem>
#include <fstream>

#include "app/cli/bench.h"
#include "app/cli/feeds.h"
#include "core/base/error.h"
#include "core/eval/evaluator.h"
#include "core/onnx/export.h"
#include "core/project/project.h"

namespace fs = std::filesystem;

namespace nc::cli {

namespace {

// A field of /proc/self/status in kB (VmRSS: resident set now, VmHWM: its peak); 0 when unknown.
int64_t statusKb(const std::string& field) {
  std::ifstream in("/proc/self/status");
  std::string line;
  while (std::getline(in, line))
    if (line.rfind(field + ":", 0) == 0) return std::atoll(line.c_str() + field.size() + 1);
  return 0;
}

// Each iteration re-feeds every input (a new feed version), so every node downstream of an input
// is stale and recomputed; kernels stay built. Timed: Evaluator::run only.
void timeRuns(Evaluator& ev, const EvalOptions& options, int iters, OursMeasurement& m) {
  const Graph& g = m.graph;
  for (int i = 0; i < iters; ++i) {
    for (auto& [name, t] : m.inputs) ev.setFeed(name, t);
    auto t0 = std::chrono::steady_clock::now();
    EvalReport r = ev.run(g, options);
    auto t1 = std::chrono::steady_clock::now();
    if (!r.errors.empty()) throw Error(r.errors.front().message);
    m.recomputed = r.recomputed.size();
    for (size_t k = 0; k < r.recomputed.size(); ++k) {
      m.opMs[g.node(r.recomputed[k]).op] += r.milliseconds[k];
      m.nodeMs[r.recomputed[k]] += r.milliseconds[k];
    }
    m.ms.push_back(std::chrono::duration<double, std::milli>(t1 - t0).count());
  }
}

}  // namespace

OursMeasurement measureOurs(const BenchArgs& a) {
  OursMeasurement m;
  // Memory: the peak resident set (VmHWM) after the timed runs minus the resident set before the
  // model is loaded: the model, its working memory, kernels' reordered weights and JIT code.
  m.rssBeforeLoadKb = statusKb("VmRSS");
  m.graph = loadRunnable(a.model);
  // Like ONNX Runtime's graph optimisations, fold BatchNorm into the preceding Conv and fuse
  // its activation (numbers within 1e-5); --no-fold measures the graph exactly as it is.
  if (!a.noFold) m.graph = optimizeForInference(m.graph, &m.folded);
  const Graph& g = m.graph;
  Feeds f = gatherFeeds(g, {a.dataDir, {}});
  Evaluator ev;
  for (auto& [k, v] : f.byName) ev.setFeed(k, v);
  // Inference mode (blocked layouts between ops, intermediates freed after their last reader);
  // --keep measures the editor's mode, which keeps every value in plain NCHW for previews.
  EvalOptions options;
  options.inference = !a.keep;
  // Warm-up: builds every kernel (and its primitive cache) and yields the input tensors.
  m.outputs = evaluateOnce(ev, g, options);
  for (NodeId id : f.inputs) m.inputs.emplace_back(g.node(id).name, *ev.output({id, 0}));
  timeRuns(ev, options, a.iters, m);
  m.peakRssKb = statusKb("VmHWM");  // before the export for ONNX Runtime
  return m;
}

OrtResult measureOrt(const BenchArgs& a, const OursMeasurement& ours) {
  std::string modelPath = a.model;
  std::optional<fs::path> tmpModel;
  if (!isOnnxPath(a.model)) {
    tmpModel =
        fs::temp_directory_path() / ("netcanvas-bench-" + std::to_string(::getpid()) + ".onnx");
    modelPath = tmpModel->string();
    exportModel(ours.graph, modelPath);
  }
  OrtResult r;
  try {
    r = runOrt(modelPath, ours.inputs, a.threads, a.iters);
  } catch (...) {
    if (tmpModel) fs::remove(*tmpModel);
    throw;
  }
  if (tmpModel) fs::remove(*tmpModel);
  if (r.ms.empty()) throw Error("ONNX Runtime returned no timings");
  return r;
}

double maxDifference(const std::vector<Tensor>& ours, const std::vector<Tensor>& ort) {
  double maxDiff = 0;
  for (size_t i = 0; i < std::min(ours.size(), ort.size()); ++i) {
    std::vector<float> x = ours[i].toFloatVector(), y = ort[i].toFloatVector();
    if (x.size() != y.size())
      throw Error("ONNX Runtime's output " + std::to_string(i) + " has a different shape");
    for (size_t k = 0; k < x.size(); ++k)
      maxDiff = std::max(maxDiff, double(std::fabs(x[k] - y[k])));
  }
  return maxDiff;
}

double median(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  size_t n = v.size();
  return n % 2 ? v[n / 2] : 0.5 * (v[n / 2 - 1] + v[n / 2]);
}

double minimum(const std::vector<double>& v) { return *std::min_element(v.begin(), v.end()); }

}  // namespace nc::cli
