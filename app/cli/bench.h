#pragma once
// bench: what is measured (bench_measure.cpp) and how it is printed (bench_print.cpp);
// commands_bench.cpp parses the options and runs the two.
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "core/eval/fusion.h"
#include "core/graph/graph.h"
#include "core/tensor/tensor.h"
#include "tools/ort/ort_bridge.h"

namespace nc::cli {

struct BenchArgs {
  std::string model;
  std::optional<std::string> dataDir;
  int iters = 20;
  int threads = 1;
  bool ort = false;      // also time ONNX Runtime
  bool noFold = false;   // the graph as it is, no BatchNorm/activation fusion
  bool keep = false;     // the editor's mode: every value kept in NCHW
  bool profile = false;  // kernel time per op type and the slowest nodes
};

// Our evaluator on the model: full re-evaluations after one warm-up run.
struct OursMeasurement {
  Graph graph;  // as measured (folded unless --no-fold)
  FoldReport folded;
  std::vector<std::pair<std::string, Tensor>> inputs;  // the inputs every iteration was fed
  std::vector<Tensor> outputs;
  std::vector<double> ms;              // per iteration, Evaluator::run only
  size_t recomputed = 0;               // nodes recomputed per iteration
  std::map<std::string, double> opMs;  // kernel time per op type, summed over iterations
  std::map<NodeId, double> nodeMs;     // and per node
  // Resident set before loading the model and its peak after the timed runs (kB, 0: unknown).
  int64_t rssBeforeLoadKb = 0;
  int64_t peakRssKb = 0;
};

OursMeasurement measureOurs(const BenchArgs& a);
// ONNX Runtime on the same model (exported to a temporary .onnx for a project), the same inputs
// and thread count.
OrtResult measureOrt(const BenchArgs& a, const OursMeasurement& ours);
// The largest |ours - ORT| over all outputs; throws if an output's size differs.
double maxDifference(const std::vector<Tensor>& ours, const std::vector<Tensor>& ort);

double median(std::vector<double> v);
double minimum(const std::vector<double>& v);

void printBench(const BenchArgs& a, const OursMeasurement& ours, const OrtResult* ort,
                double maxDiff);

}  // namespace nc::cli
