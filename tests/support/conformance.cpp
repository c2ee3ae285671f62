#include "tests/support/conformance.h"

#include <onnx/onnx_pb.h>

#include <algorithm>
#include <filesystem>
#include <set>

#include "core/blocks/recognize.h"
#include "core/eval/evaluator.h"
#include "core/base/file_io.h"
#include "core/onnx/tensor_proto.h"
#include "core/ops/registry.h"
#include "tests/support/op_case.h"

namespace nctest {

namespace fs = std::filesystem;
using namespace nc;

static bool supportedElemType(const onnx::ValueInfoProto& vi) {
  auto et = vi.type().tensor_type().elem_type();
  return vi.type().has_tensor_type() && (et == onnx::TensorProto::FLOAT || et == onnx::TensorProto::INT64);
}

std::vector<ConformanceCase> listConformanceCases(const std::string& root) {
  std::vector<ConformanceCase> cases;
  if (!fs::exists(root)) return cases;
  for (auto& e : fs::directory_iterator(root)) {
    if (!e.is_directory() || !fs::exists(e.path() / "model.onnx")) continue;
    ConformanceCase c;
    c.name = e.path().filename().string();
    c.dir = e.path().string();
    onnx::ModelProto m;
    if (!m.ParseFromString(readFileBytes((e.path() / "model.onnx").string()))) continue;
    std::set<std::string> ops;
    for (auto& n : m.graph().node()) ops.insert(n.op_type());
    c.opTypes.assign(ops.begin(), ops.end());
    for (auto& op : c.opTypes)
      if (!findOpByOnnxType(op)) c.skipReason = "uses unsupported op " + op;
    if (c.skipReason.empty()) {
      for (auto& vi : m.graph().input())
        if (!supportedElemType(vi)) c.skipReason = "input '" + vi.name() + "' is not float32/int64";
      for (auto& vi : m.graph().output())
        if (!supportedElemType(vi)) c.skipReason = "output '" + vi.name() + "' is not float32/int64";
    }
    cases.push_back(std::move(c));
  }
  std::sort(cases.begin(), cases.end(), [](auto& a, auto& b) { return a.name < b.name; });
  return cases;
}

std::string runConformanceCase(const ConformanceCase& c, bool reference) {
  try {
    Graph g = blocks::openModel((fs::path(c.dir) / "model.onnx").string());
    std::vector<NodeId> ins = g.inputNodes();
    int sets = 0;
    for (int s = 0;; ++s) {
      fs::path ds = fs::path(c.dir) / ("test_data_set_" + std::to_string(s));
      if (!fs::exists(ds)) break;
      ++sets;
      std::map<std::string, Tensor> feeds;
      // Input files follow the order of the model's graph inputs (initializers excluded).
      onnx::ModelProto m;
      m.ParseFromString(readFileBytes((fs::path(c.dir) / "model.onnx").string()));
      std::set<std::string> inits;
      for (auto& t : m.graph().initializer()) inits.insert(t.name());
      int k = 0;
      for (auto& vi : m.graph().input()) {
        if (inits.count(vi.name())) continue;
        fs::path f = ds / ("input_" + std::to_string(k++) + ".pb");
        if (fs::exists(f)) feeds[vi.name()] = readTensorFile(f.string());
      }
      std::vector<Tensor> outs = evaluate(g, feeds, reference);
      for (size_t i = 0; i < outs.size(); ++i) {
        Tensor expected = readTensorFile((ds / ("output_" + std::to_string(i) + ".pb")).string());
        if (auto msg = compareTensors(outs[i], expected, {1e-4, 1e-3}); !msg.empty())
          return "data set " + std::to_string(s) + ", output " + std::to_string(i) + ": " + msg;
      }
    }
    if (sets == 0) return "no test data sets";
  } catch (const std::exception& e) {
    return e.what();
  }
  return {};
}

}  // namespace nctest
