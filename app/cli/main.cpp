// netcanvas-cli: export, validate, run and benchmark graphs without the editor.
// Any failure prints exactly one line "netcanvas-cli: <message>" on stderr and exits non-zero
// (1: the operation failed, 2: the command line is wrong).
#include <omp.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <map>
#include <optional>
#include <sstream>
#include <string>
#include <vector>

#include "core/base/error.h"
#include "core/blocks/yolo11.h"
#include "core/eval/evaluator.h"
#include "core/eval/fusion.h"
#include "core/onnx/onnx_io.h"
#include "core/ops/graph_io.h"
#include "core/tensor/init.h"
#include "core/ops/registry.h"
#include "tools/ort/ort_bridge.h"
#include "core/project/project.h"
#include "core/eval/shape_inference.h"

#ifndef NC_VERSION
#define NC_VERSION "0.0.0"
#endif

namespace fs = std::filesystem;
using namespace nc;

namespace {

const char* kUsage =
    "usage: netcanvas-cli COMMAND [ARGS]\n"
    "\n"
    "Commands:\n"
    "  export PROJECT_OR_MODEL -o OUT.onnx [--opset N] [--fold-batchnorm] [--functions]\n"
    "      Export a project (or re-export an .onnx model) to ONNX; prints the validation report.\n"
    "      --fold-batchnorm folds each BatchNormalization into the Conv before it.\n"
    "      --functions writes each block as an ONNX model-local function (blocks of the same\n"
    "      structure share one); the default is flat, every block inlined.\n"
    "  validate MODEL.onnx\n"
    "      ONNX checker, strict shape inference and NetCanvas import; prints the model-local\n"
    "      functions, op counts, blocks, inputs, outputs and the parameter count.\n"
    "  run MODEL [--data DIR] [--input NAME=FILE]... [--out DIR]\n"
    "      Evaluate MODEL (.onnx or project). DIR holds input_0.pb, input_1.pb, ... (ONNX\n"
    "      TensorProto, graph-input order); --input feeds one input by name. Inputs without\n"
    "      data use the Input node's own data (its value, or random normal with its seed).\n"
    "      --out DIR writes output_0.pb, ...; otherwise shapes and a summary are printed.\n"
    "  bench MODEL [--data DIR] [--iters N] [--threads T] [--ort] [--no-fold] [--keep] [--profile]\n"
    "      Median and min time of a full re-evaluation, with BatchNorm and activations fused\n"
    "      into the Conv before them as ONNX Runtime does (--no-fold: the graph as it is), in\n"
    "      inference mode: activations in oneDNN's blocked layout between ops, intermediates\n"
    "      freed after their last reader (--keep: the editor's mode, every value kept in NCHW).\n"
    "      Memory: peak resident set after the runs minus the resident set before loading.\n"
    "      --ort also times ONNX Runtime on the same model with the same inputs and thread\n"
    "      count (memory likewise, of its node process) and prints the ratios ours/ORT.\n"
    "      --profile adds kernel time per op type and the slowest nodes.\n"
    "\n"
    "  template NAME -o OUT\n"
    "      Write a bundled template as a project (.ncproj) or an ONNX model (.onnx). NAME:\n"
    "      yolo11n (1x3x640x640 -> 1x84x8400, its 24 Ultralytics modules as collapsed blocks,\n"
    "      seeded weights).\n"
    "  ops\n"
    "      List every op by category, with its ONNX version.\n"
    "\n"
    "Options:\n"
    "  --help       show this help\n"
    "  --version    show the version\n"
    "\n"
    "Exit status: 0 on success, 1 when the operation fails, 2 for a wrong command line.\n";

struct UsageError : Error {
  using Error::Error;
};

// Command-line arguments after the command: positionals and --options (with values).
struct Args {
  std::vector<std::string> positional;
  std::multimap<std::string, std::string> options;
  std::vector<std::string> flags;

  // `withValue`: options taking a value; `flagNames`: options without one.
  Args(const std::string& cmd, int argc, char** argv, int start,
       const std::vector<std::string>& withValue, const std::vector<std::string>& flagNames) {
    for (int i = start; i < argc; ++i) {
      std::string a = argv[i];
      if (a.size() > 1 && a[0] == '-') {
        std::string value;
        bool inlineValue = false;
        if (auto eq = a.find('='); eq != std::string::npos && a.rfind("--", 0) == 0) {
          value = a.substr(eq + 1);
          a = a.substr(0, eq);
          inlineValue = true;
        }
        if (std::find(withValue.begin(), withValue.end(), a) != withValue.end()) {
          if (!inlineValue) {
            if (i + 1 >= argc) throw UsageError("option " + a + " of '" + cmd + "' needs a value");
            value = argv[++i];
          }
          options.emplace(a, value);
        } else if (std::find(flagNames.begin(), flagNames.end(), a) != flagNames.end() &&
                   !inlineValue) {
          flags.push_back(a);
        } else {
          throw UsageError("unknown option '" + a + "' for '" + cmd + "' (see --help)");
        }
      } else {
        positional.push_back(a);
      }
    }
  }
  bool flag(const std::string& f) const {
    return std::find(flags.begin(), flags.end(), f) != flags.end();
  }
  std::optional<std::string> get(const std::string& o) const {
    auto [b, e] = options.equal_range(o);
    if (b == e) return std::nullopt;
    return std::prev(e)->second;
  }
  std::vector<std::string> all(const std::string& o) const {
    std::vector<std::string> v;
    for (auto [b, e] = options.equal_range(o); b != e; ++b) v.push_back(b->second);
    return v;
  }
};

int parseInt(const std::string& s, const std::string& what, int lo, int hi) {
  try {
    size_t used = 0;
    long v = std::stol(s, &used);
    if (used != s.size() || v < lo || v > hi) throw 0;
    return int(v);
  } catch (...) {
    throw UsageError(what + " must be an integer in " + std::to_string(lo) + ".." +
                     std::to_string(hi) + ", got '" + s + "'");
  }
}

std::string onlyPositional(const Args& a, const std::string& cmd, const std::string& what) {
  if (a.positional.empty()) throw UsageError("'" + cmd + "' needs " + what + " (see --help)");
  if (a.positional.size() > 1)
    throw UsageError("'" + cmd + "' takes one " + what + ", got '" + a.positional[1] + "' too");
  return a.positional[0];
}

std::string typeString(const TensorType* t) {
  if (!t) return "unknown";
  return std::string(dtypeName(t->dtype)) +
         (t->rankKnown ? shapeToString(t->dims) : std::string("[?]"));
}

std::string tensorString(const Tensor& t) {
  return std::string(dtypeName(t.dtype())) + shapeToString(t.shape());
}

void printReport(const ValidationReport& r) {
  std::cout << "  ONNX checker: " << (r.checkerRun ? "passed" : "skipped") << "\n";
  std::cout << "  ONNX strict shape inference: " << (r.shapeInferenceRun ? "passed" : "skipped")
            << "\n";
  for (auto& n : r.notes) std::cout << "  note: " << n << "\n";
  if (r.functions.empty()) return;
  std::cout << "functions (" << r.functions.size() << "):\n";
  for (auto& f : r.functions)
    std::cout << "  " << f.domain << ":" << f.name << ": " << f.nodes << " nodes, " << f.calls
              << (f.calls == 1 ? " call\n" : " calls\n");
}

// ---------------------------------------------------------------- inputs

struct Feeds {
  std::vector<NodeId> inputs;  // graph inputs in order
  std::map<std::string, Tensor> byName;
};

void checkFeed(const Graph& g, NodeId id, const Tensor& t, const std::string& source) {
  const Node& n = g.node(id);
  AttrReader a(*findOp("Input"), nodeInfo(n));
  Shape declared = a.ints("shape");
  std::string dtype = a.s("dtype");
  bool ok = t.rank() == int(declared.size()) && dtype == dtypeName(t.dtype());
  for (size_t i = 0; ok && i < declared.size(); ++i)
    ok = declared[i] < 0 || declared[i] == t.shape()[i];
  if (!ok)
    throw Error(source + ": input '" + n.name + "' expects " + dtype + shapeToString(declared) +
                ", got " + tensorString(t));
}

Feeds gatherFeeds(const Graph& g, const Args& a) {
  Feeds f;
  f.inputs = g.inputNodes();
  if (auto dir = a.get("--data")) {
    if (!fs::is_directory(*dir)) throw Error("data directory '" + *dir + "' does not exist");
    for (size_t i = 0;; ++i) {
      fs::path p = fs::path(*dir) / ("input_" + std::to_string(i) + ".pb");
      if (!fs::exists(p)) break;
      if (i >= f.inputs.size())
        throw Error(p.string() + ": the model has only " + std::to_string(f.inputs.size()) +
                    " inputs");
      Tensor t = readTensorFile(p.string());
      checkFeed(g, f.inputs[i], t, p.string());
      f.byName[g.node(f.inputs[i]).name] = t;
    }
  }
  for (const std::string& spec : a.all("--input")) {
    auto eq = spec.find('=');
    if (eq == std::string::npos || eq == 0)
      throw UsageError("--input expects NAME=FILE, got '" + spec + "'");
    std::string name = spec.substr(0, eq), file = spec.substr(eq + 1);
    const Node* n = g.findByName(name);
    if (!n || n->op != "Input") {
      std::string names;
      for (NodeId id : f.inputs) names += (names.empty() ? "" : ", ") + g.node(id).name;
      throw Error("--input " + name + ": the model has no input named '" + name +
                  "' (inputs: " + names + ")");
    }
    Tensor t = readTensorFile(file);
    checkFeed(g, n->id, t, file);
    f.byName[name] = t;
  }
  return f;
}

// Evaluates once; throws the first node error.
std::vector<Tensor> evaluateOnce(Evaluator& ev, const Graph& g, const EvalOptions& options = {}) {
  EvalReport r = ev.run(g, options);
  if (!r.errors.empty()) throw Error(r.errors.front().message);
  std::vector<Tensor> outs = ev.graphOutputs(g);
  std::vector<NodeId> outNodes = g.outputNodes();
  for (size_t i = 0; i < outs.size(); ++i)
    if (outs[i].empty())
      throw Error("output '" + g.node(outNodes[i]).name + "' was not computed (is it connected?)");
  return outs;
}

Graph loadRunnable(const std::string& path) {
  Graph g = loadGraphFile(path);
  if (g.outputNodes().empty()) throw Error(path + ": the graph has no Output node");
  ShapeInfo info = inferShapes(g);
  if (!info.diagnostics.empty()) throw Error(path + ": " + info.diagnostics.front().message);
  return g;
}

// ---------------------------------------------------------------- commands

int cmdExport(const Args& a) {
  std::string in = onlyPositional(a, "export", "a project or model");
  auto out = a.get("-o");
  if (!out) throw UsageError("'export' needs -o OUT.onnx");
  ExportOptions opt;
  if (auto o = a.get("--opset")) opt.opset = parseInt(*o, "--opset", 1, 1000);
  opt.functions = a.flag("--functions");
  Graph g = loadGraphFile(in);
  if (a.flag("--fold-batchnorm")) {
    FoldReport folded;
    g = foldBatchNorms(g, &folded);
    std::cout << "folded " << folded.foldedBatchNorms << " BatchNormalization node(s) into their Conv\n";
  }
  ValidationReport report;
  exportModel(g, *out, opt, &report);
  std::cout << "exported " << in << " -> " << *out << " (opset " << opt.opset << ", " << g.size()
            << " nodes";
  if (opt.functions) std::cout << ", " << g.blocks().size() << (g.blocks().size() == 1 ? " block" : " blocks") << " as functions";
  std::cout << ")\n";
  printReport(report);
  return 0;
}

int cmdValidate(const Args& a) {
  std::string path = onlyPositional(a, "validate", "a model");
  std::string bytes = readFileBytes(path);
  ValidationReport report;
  Graph g;
  try {
    report = validateModelBytes(bytes);
    ImportOptions io;
    io.recognizeSilu = false;  // count the model's own ONNX ops
    g = importModelBytes(bytes, io);
  } catch (const Error& e) {
    throw Error(path + ": " + e.what());
  }
  ShapeInfo info = inferShapes(g);
  if (!info.diagnostics.empty()) throw Error(path + ": " + info.diagnostics.front().message);

  std::map<std::string, int> ops;
  std::vector<Tensor> seen;
  int64_t params = 0;
  for (NodeId id : g.nodeIds()) {
    const Node& n = g.node(id);
    if (n.op != "Input" && n.op != "Output") ++ops[n.op];
    for (const InputBinding& b : n.inputs) {
      if (b.constant.empty()) continue;
      bool dup = std::any_of(seen.begin(), seen.end(),
                             [&](const Tensor& t) { return t.sharesStorageWith(b.constant); });
      if (dup) continue;
      seen.push_back(b.constant);
      params += b.constant.numel();
    }
  }
  std::cout << path << ": valid\n";
  printReport(report);
  std::cout << "  NetCanvas import: ok (" << g.size() << " nodes";
  if (!g.blocks().empty()) std::cout << ", " << g.blocks().size() << (g.blocks().size() == 1 ? " block" : " blocks");
  std::cout << ")\n";
  int total = 0;
  for (auto& [op, c] : ops) total += c;
  std::cout << "ops (" << total << "):\n";
  for (auto& [op, c] : ops) std::cout << "  " << op << ": " << c << "\n";
  std::cout << "inputs:\n";
  for (NodeId id : g.inputNodes())
    std::cout << "  " << g.node(id).name << ": " << typeString(info.type({id, 0})) << "\n";
  std::cout << "outputs:\n";
  for (NodeId id : g.outputNodes()) {
    const Node& o = g.node(id);
    const TensorType* t = o.inputs[0].source ? info.type(*o.inputs[0].source) : nullptr;
    std::cout << "  " << o.name << ": " << typeString(t) << "\n";
  }
  std::cout << "parameters: " << params << "\n";
  return 0;
}

int cmdRun(const Args& a) {
  std::string path = onlyPositional(a, "run", "a model or project");
  Graph g = loadRunnable(path);
  Feeds f = gatherFeeds(g, a);
  Evaluator ev;
  for (auto& [k, v] : f.byName) ev.setFeed(k, v);
  EvalOptions inference;  // only the graph outputs are needed: blocked layouts, freed intermediates
  inference.inference = true;
  std::vector<Tensor> outs = evaluateOnce(ev, g, inference);
  std::vector<NodeId> outNodes = g.outputNodes();
  if (auto dir = a.get("--out")) {
    std::error_code ec;
    fs::create_directories(*dir, ec);
    if (ec) throw Error("cannot create output directory '" + *dir + "': " + ec.message());
    std::vector<std::string> written;
    for (size_t i = 0; i < outs.size(); ++i) {
      std::string p = (fs::path(*dir) / ("output_" + std::to_string(i) + ".pb")).string();
      writeTensorFile(p, outs[i], g.node(outNodes[i]).name);
      written.push_back(p + " (" + g.node(outNodes[i]).name + ": " + tensorString(outs[i]) + ")");
    }
    for (auto& w : written) std::cout << "wrote " << w << "\n";
    return 0;
  }
  for (size_t i = 0; i < outs.size(); ++i) {
    const Tensor& t = outs[i];
    std::vector<float> v = t.toFloatVector();
    double sum = 0, mn = INFINITY, mx = -INFINITY;
    size_t nonFinite = 0;
    for (float x : v) {
      if (!std::isfinite(x)) {
        ++nonFinite;
        continue;
      }
      sum += x;
      mn = std::min(mn, double(x));
      mx = std::max(mx, double(x));
    }
    size_t finite = v.size() - nonFinite;
    std::cout << "output " << i << " '" << g.node(outNodes[i]).name << "': " << tensorString(t);
    if (finite) std::cout << "  min " << mn << "  max " << mx << "  mean " << sum / double(finite);
    if (nonFinite) std::cout << "  non-finite " << nonFinite;
    std::cout << "\n  first values:";
    for (size_t k = 0; k < std::min<size_t>(6, v.size()); ++k) std::cout << " " << v[k];
    std::cout << "\n";
  }
  return 0;
}

// A field of /proc/self/status in kB (VmRSS: resident set now, VmHWM: its peak); 0 when unknown.
int64_t statusKb(const std::string& field) {
  std::ifstream in("/proc/self/status");
  std::string line;
  while (std::getline(in, line))
    if (line.rfind(field + ":", 0) == 0) return std::atoll(line.c_str() + field.size() + 1);
  return 0;
}

double median(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  size_t n = v.size();
  return n % 2 ? v[n / 2] : 0.5 * (v[n / 2 - 1] + v[n / 2]);
}

int cmdBench(const Args& a) {
  std::string path = onlyPositional(a, "bench", "a model or project");
  int iters = a.get("--iters") ? parseInt(*a.get("--iters"), "--iters", 1, 1000000) : 20;
  int threads = a.get("--threads") ? parseInt(*a.get("--threads"), "--threads", 1, 1024) : 1;
  bool ort = a.flag("--ort");
  // oneDNN (Debian's build) runs on OpenMP; set both before any kernel runs.
  setenv("OMP_NUM_THREADS", std::to_string(threads).c_str(), 1);
  omp_set_num_threads(threads);

  // Memory: the peak resident set (VmHWM) after the timed runs minus the resident set before the
  // model is loaded: the model, its working memory, kernels' reordered weights and JIT code.
  const int64_t rssBeforeLoadKb = statusKb("VmRSS");
  Graph g = loadRunnable(path);
  // Like ONNX Runtime's graph optimisations, fold BatchNorm into the preceding Conv and fuse
  // its activation (numbers within 1e-5); --no-fold measures the graph exactly as it is.
  const bool fold = !a.flag("--no-fold");
  FoldReport folded;
  if (fold) g = optimizeForInference(g, &folded);
  Feeds f = gatherFeeds(g, a);
  Evaluator ev;
  for (auto& [k, v] : f.byName) ev.setFeed(k, v);
  // Inference mode (blocked layouts between ops, intermediates freed after their last reader);
  // --keep measures the editor's mode, which keeps every value in plain NCHW for previews.
  EvalOptions evalOptions;
  evalOptions.inference = !a.flag("--keep");
  // Warm-up: builds every kernel (and its primitive cache) and yields the input tensors.
  std::vector<Tensor> ours = evaluateOnce(ev, g, evalOptions);
  std::vector<std::pair<std::string, Tensor>> inputs;
  for (NodeId id : f.inputs) inputs.emplace_back(g.node(id).name, *ev.output({id, 0}));
  // Each iteration re-feeds every input (a new feed version), so every node downstream of an
  // input is stale and recomputed; kernels stay built. Timed: Evaluator::run only.
  std::vector<double> ms;
  std::map<std::string, double> opMs;  // kernel time per op type, summed over iterations
  std::map<NodeId, double> nodeMs;     // and per node
  size_t recomputed = 0;
  for (int i = 0; i < iters; ++i) {
    for (auto& [name, t] : inputs) ev.setFeed(name, t);
    auto t0 = std::chrono::steady_clock::now();
    EvalReport r = ev.run(g, evalOptions);
    auto t1 = std::chrono::steady_clock::now();
    if (!r.errors.empty()) throw Error(r.errors.front().message);
    recomputed = r.recomputed.size();
    for (size_t k = 0; k < r.recomputed.size(); ++k) {
      opMs[g.node(r.recomputed[k]).op] += r.milliseconds[k];
      nodeMs[r.recomputed[k]] += r.milliseconds[k];
    }
    ms.push_back(std::chrono::duration<double, std::milli>(t1 - t0).count());
  }
  double oursMedian = median(ms), oursMin = *std::min_element(ms.begin(), ms.end());
  const int64_t peakRssKb = statusKb("VmHWM");  // before the export for ONNX Runtime below

  std::optional<OrtResult> ortResult;
  std::string modelPath = path;
  std::optional<fs::path> tmpModel;
  if (ort) {
    if (!isOnnxPath(path)) {
      tmpModel =
          fs::temp_directory_path() / ("netcanvas-bench-" + std::to_string(::getpid()) + ".onnx");
      modelPath = tmpModel->string();
      exportModel(g, modelPath);
    }
    try {
      ortResult = runOrt(modelPath, inputs, threads, iters);
    } catch (...) {
      if (tmpModel) fs::remove(*tmpModel);
      throw;
    }
    if (tmpModel) fs::remove(*tmpModel);
    if (ortResult->ms.empty()) throw Error("ONNX Runtime returned no timings");
  }

  std::printf("model: %s (%zu nodes, %zu recomputed per iteration)\n", path.c_str(), g.size(),
              recomputed);
  std::printf(
      "measured: Evaluator::run over the whole graph after re-feeding every input (kernels built "
      "once,\n"
      "          1 warm-up run); ONNX Runtime: session.run only, 1 warm-up run\n");
  std::printf("threads: %d, iterations: %d; fused into Conv: %d BatchNorm, %d activations%s\n", threads, iters,
              folded.foldedBatchNorms, folded.fusedActivations, fold ? "" : " (--no-fold)");
  std::printf("ours:   median %9.3f ms   min %9.3f ms\n", oursMedian, oursMin);
  if (a.flag("--profile")) {
    std::vector<std::pair<double, std::string>> rows;
    for (auto& [op, t] : opMs) rows.emplace_back(t / iters, op);
    std::sort(rows.rbegin(), rows.rend());
    std::printf("kernel time per iteration by op:\n");
    for (auto& [t, op] : rows) std::printf("  %-20s %9.3f ms\n", op.c_str(), t);
    std::vector<std::pair<double, NodeId>> nodes;
    for (auto& [id, t] : nodeMs) nodes.emplace_back(t / iters, id);
    std::sort(nodes.rbegin(), nodes.rend());
    std::printf("slowest nodes:\n");
    for (size_t k = 0; k < std::min<size_t>(15, nodes.size()); ++k)
      std::printf("  %-36s %-12s %9.3f ms\n", g.node(nodes[k].second).name.c_str(),
                  g.node(nodes[k].second).op.c_str(), nodes[k].first);
  }
  const double mb = 1.0 / 1024.0;
  const double oursGrowth = double(peakRssKb - rssBeforeLoadKb) * mb;
  if (peakRssKb > 0)
    std::printf("ours:   peak RSS %7.1f MB, before loading the model %7.1f MB, growth %7.1f MB\n",
                double(peakRssKb) * mb, double(rssBeforeLoadKb) * mb, oursGrowth);
  if (ortResult) {
    double ortMedian = median(ortResult->ms),
           ortMin = *std::min_element(ortResult->ms.begin(), ortResult->ms.end());
    double maxDiff = 0;
    for (size_t i = 0; i < std::min(ours.size(), ortResult->outputs.size()); ++i) {
      std::vector<float> x = ours[i].toFloatVector(), y = ortResult->outputs[i].toFloatVector();
      if (x.size() != y.size())
        throw Error("ONNX Runtime's output " + std::to_string(i) + " has a different shape");
      for (size_t k = 0; k < x.size(); ++k)
        maxDiff = std::max(maxDiff, double(std::fabs(x[k] - y[k])));
    }
    std::printf("ORT:    median %9.3f ms   min %9.3f ms\n", ortMedian, ortMin);
    const double ortGrowth = double(ortResult->peakRssKb - ortResult->rssBeforeLoadKb) * mb;
    if (ortResult->peakRssKb > 0)
      std::printf("ORT:    peak RSS %7.1f MB, before loading the model %7.1f MB, growth %7.1f MB (node process)\n",
                  double(ortResult->peakRssKb) * mb, double(ortResult->rssBeforeLoadKb) * mb, ortGrowth);
    std::printf("ratio ours/ORT: median %.2f   min %.2f   (max |ours - ORT| = %.3g)\n",
                oursMedian / ortMedian, oursMin / ortMin, maxDiff);
    const double memRatio = ortGrowth > 0 && peakRssKb > 0 ? oursGrowth / ortGrowth : 0.0;
    if (memRatio > 0) std::printf("memory ratio ours/ORT (peak RSS growth): %.2f\n", memRatio);
    std::printf(
        "RESULT threads=%d ours_median_ms=%.3f ours_min_ms=%.3f ort_median_ms=%.3f ort_min_ms=%.3f "
        "ratio=%.3f ours_mem_mb=%.1f ort_mem_mb=%.1f mem_ratio=%.2f\n",
        threads, oursMedian, oursMin, ortMedian, ortMin, oursMedian / ortMedian, oursGrowth, ortGrowth, memRatio);
  } else {
    std::printf("RESULT threads=%d ours_median_ms=%.3f ours_min_ms=%.3f ours_mem_mb=%.1f\n", threads, oursMedian,
                oursMin, oursGrowth);
  }
  return 0;
}

// Lists every op of the registry by category (the palette's content).
int cmdOps(const Args& a) {
  if (!a.positional.empty()) throw UsageError("'ops' takes no arguments");
  std::map<std::string, std::vector<const OpSpec*>> byCategory;
  for (const OpSpec* op : allOps()) byCategory[op->category].push_back(op);
  for (auto& [category, ops] : byCategory) {
    std::cout << category << ":\n";
    for (const OpSpec* op : ops) {
      std::cout << "  " << op->type;
      if (op->pseudo) std::cout << " (graph " << (op->outputs.empty() ? "output" : "input") << ")";
      else if (op->onnxType.empty()) std::cout << " (NetCanvas op, exported as ONNX ops)";
      else std::cout << " (ONNX " << op->onnxType << "-" << op->sinceVersion << ", imported from opset "
                     << op->minImportOpset << ")";
      std::cout << "\n";
    }
  }
  return 0;
}

// Hidden: writes the benchmark models (tools/bench.sh). Needs the Conv op.
// A generated graph to OUT: an ONNX model (.onnx) or a project.
void writeGraph(const Graph& g, const std::string& out) {
  if (isOnnxPath(out))
    exportModel(g, out);
  else
    saveProject(g, out);
}

int cmdTemplate(const Args& a) {
  std::string name = onlyPositional(a, "template", "a template name (yolo11n)");
  auto out = a.get("-o");
  if (!out) throw UsageError("'template' needs -o FILE");
  if (name != "yolo11n") throw UsageError("unknown template '" + name + "' (yolo11n)");
  Graph g = yolo::buildYolo11();
  writeGraph(g, *out);
  std::cout << "wrote " << *out << " (" << name << ", " << g.size() << " nodes, " << g.blocks().size()
            << " blocks)\n";
  return 0;
}

int cmdMakeBenchModel(const Args& a) {
  std::string name = onlyPositional(a, "make-bench-model", "a model name (c3k2, conv64, bnsilu, yolo11n)");
  auto out = a.get("-o");
  if (!out) throw UsageError("'make-bench-model' needs -o FILE");
  Graph g;
  auto fill = [](Shape s, uint64_t seed, float scale) {
    Tensor t = randomNormal(s, seed);
    for (float& v : t.floats()) v *= scale;
    return t;
  };
  auto uniformT = [](int64_t n, float lo, float hi, uint64_t seed) {
    Tensor t = randomNormal({n}, seed);
    for (float& v : t.floats())
      v = lo + (hi - lo) * float(0.5 * (1.0 + std::erf(v / std::sqrt(2.0))));
    return t;
  };
  auto conv = [&](int64_t cin, int64_t cout, int64_t hw, NodeId& x, NodeId& c) {
    x = g.addNode("Input", "x");
    g.setAttr(x, "shape", Shape{1, cin, hw, hw});
    g.setAttr(x, "seed", int64_t(1));
    c = g.addNode("Conv", "conv");
    g.setAttr(c, "kernel_shape", std::vector<int64_t>{3, 3});
    g.setAttr(c, "pads", std::vector<int64_t>{1, 1, 1, 1});
    g.setConstant(c, 1, fill({cout, cin, 3, 3}, 2, float(std::sqrt(2.0 / double(cin * 9)))));
    g.setConstant(c, 2, fill({cout}, 3, 0.1f));
    g.connect({x, 0}, {c, 0});
    g.setPosition(x, 0, 0);
    g.setPosition(c, 200, 0);
  };
  // BatchNormalization (512 channels, non-trivial statistics) -> SiLU -> Output after `from`.
  auto bnSilu = [&](NodeId from, double x0) {
    NodeId bn = g.addNode("BatchNormalization", "bn");
    g.setConstant(bn, 1, uniformT(512, 0.8f, 1.2f, 4));
    g.setConstant(bn, 2, uniformT(512, -0.1f, 0.1f, 5));
    g.setConstant(bn, 3, uniformT(512, -0.5f, 0.5f, 6));
    g.setConstant(bn, 4, uniformT(512, 0.5f, 2.0f, 7));
    NodeId act = g.addNode("SiLU", "act");
    NodeId o = g.addNode("Output", "y");
    g.connect({from, 0}, {bn, 0});
    g.connect({bn, 0}, {act, 0});
    g.connect({act, 0}, {o, 0});
    g.setPosition(bn, x0, 0);
    g.setPosition(act, x0 + 200, 0);
    g.setPosition(o, x0 + 400, 0);
  };
  NodeId x, c;
  if (name == "c3k2") {
    conv(256, 512, 20, x, c);
    bnSilu(c, 400);
  } else if (name == "conv64") {
    conv(64, 64, 160, x, c);
    NodeId o = g.addNode("Output", "y");
    g.connect({c, 0}, {o, 0});
    g.setPosition(o, 400, 0);
  } else if (name == "bnsilu") {
    x = g.addNode("Input", "x");
    g.setAttr(x, "shape", Shape{1, 512, 20, 20});
    g.setAttr(x, "seed", int64_t(1));
    bnSilu(x, 200);
  } else if (name == "yolo11n") {
    g = yolo::buildYolo11();
  } else {
    throw UsageError("unknown benchmark model '" + name + "' (c3k2, conv64, bnsilu, yolo11n)");
  }
  writeGraph(g, *out);
  std::cout << "wrote " << *out << "\n";
  return 0;
}

std::string oneLine(std::string s) {
  for (char& c : s)
    if (c == '\n' || c == '\r') c = ' ';
  while (!s.empty() && s.back() == ' ') s.pop_back();
  return s;
}

int dispatch(int argc, char** argv) {
  if (argc < 2) throw UsageError("no command given (see --help)");
  std::string cmd = argv[1];
  if (cmd == "--help" || cmd == "-h" || cmd == "help") {
    std::cout << kUsage;
    return 0;
  }
  if (cmd == "--version") {
    std::cout << "netcanvas-cli " << NC_VERSION << "\n";
    return 0;
  }
  for (int i = 2; i < argc; ++i)
    if (std::string(argv[i]) == "--help") {
      std::cout << kUsage;
      return 0;
    }
  if (cmd == "export") return cmdExport(Args(cmd, argc, argv, 2, {"-o", "--opset"}, {"--fold-batchnorm", "--functions"}));
  if (cmd == "validate") return cmdValidate(Args(cmd, argc, argv, 2, {}, {}));
  if (cmd == "ops") return cmdOps(Args(cmd, argc, argv, 2, {}, {}));
  if (cmd == "run") return cmdRun(Args(cmd, argc, argv, 2, {"--data", "--input", "--out"}, {}));
  if (cmd == "bench")
    return cmdBench(Args(cmd, argc, argv, 2, {"--data", "--iters", "--threads"}, {"--ort", "--no-fold", "--profile", "--keep"}));
  if (cmd == "template") return cmdTemplate(Args(cmd, argc, argv, 2, {"-o"}, {}));
  if (cmd == "make-bench-model") return cmdMakeBenchModel(Args(cmd, argc, argv, 2, {"-o"}, {}));
  throw UsageError("unknown command '" + cmd + "' (see --help)");
}

}  // namespace

int main(int argc, char** argv) {
  try {
    int rc = dispatch(argc, argv);
    std::cout.flush();
    if (!std::cout) {
      std::fprintf(stderr, "netcanvas-cli: cannot write to standard output\n");
      return 1;
    }
    return rc;
  } catch (const UsageError& e) {
    std::fprintf(stderr, "netcanvas-cli: %s\n", oneLine(e.what()).c_str());
    return 2;
  } catch (const std::bad_alloc&) {
    std::fprintf(stderr, "netcanvas-cli: out of memory\n");
    return 1;
  } catch (const std::exception& e) {
    std::fprintf(stderr, "netcanvas-cli: %s\n", oneLine(e.what()).c_str());
    return 1;
  }
}
