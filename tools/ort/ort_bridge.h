#pragma once
// ONNX Runtime as an independent reference runtime: runs a model file through
// tests/ort/ort_run.js (onnxruntime-node, installed by the test command). Used by the tests and
// by `netcanvas-cli bench`; the editor itself never needs it.
#include <map>
#include <string>
#include <vector>

#include "core/tensor/tensor.h"

namespace nc {

struct OrtResult {
  std::vector<std::string> names;
  std::vector<Tensor> outputs;
  std::vector<double> ms;  // per-iteration times when iters > 0
  // Memory of the node process running ONNX Runtime (Linux /proc/self/status; 0 when unknown):
  // resident set before the session is created, and its peak (VmHWM) after the last run.
  int64_t rssBeforeLoadKb = 0;
  int64_t peakRssKb = 0;
};

// Directory holding ort_run.js and node_modules (env NETCANVAS_ORT_DIR overrides the default).
std::string ortDir();
bool ortAvailable();
// Throws nc::Error with ONNX Runtime's message on failure.
OrtResult runOrt(const std::string& modelPath, const std::vector<std::pair<std::string, Tensor>>& inputs,
                 int threads = 1, int iters = 0, bool optimize = true);

}  // namespace nc
