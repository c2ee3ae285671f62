#include "tests/support/ort.h"

#include <cstdlib>
#include <filesystem>
#include <unistd.h>

#include "core/blocks/recognize.h"
#include "core/eval/evaluator.h"
#include "core/onnx/export.h"
#include "tools/ort/ort_bridge.h"

namespace nctest {

using namespace nc;
namespace fs = std::filesystem;

std::string tempPath(const std::string& suffix) {
  static fs::path dir = [] {
    std::string tmpl = (fs::temp_directory_path() / "nc-test-XXXXXX").string();
    std::vector<char> buf(tmpl.begin(), tmpl.end());
    buf.push_back('\0');
    if (!mkdtemp(buf.data())) std::abort();
    static fs::path d(buf.data());
    std::atexit([] {
      std::error_code ec;
      fs::remove_all(d, ec);
    });
    return d;
  }();
  static int counter = 0;
  std::string leaf = std::to_string(++counter);  // built in steps: GCC 12 -Wrestrict false positive
  leaf.insert(0, 1, 'f');
  leaf += suffix;
  return (dir / leaf).string();
}

std::string checkGraphWithOrt(const Graph& g, const std::map<std::string, Tensor>& feeds, Tolerance tol, int opset,
                              const std::vector<std::pair<Tensor, Tolerance>>& expected) {
  std::vector<Tensor> ours = evaluate(g, feeds);
  std::string path = tempPath(".onnx");
  ExportOptions opt;
  opt.opset = opset;
  exportModel(g, path, opt);
  std::vector<std::pair<std::string, Tensor>> inputs;
  for (NodeId id : g.inputNodes()) {
    const std::string& name = g.node(id).name;
    auto it = feeds.find(name);
    if (it == feeds.end()) return "no feed for graph input '" + name + "'";
    inputs.emplace_back(name, it->second);
  }
  OrtResult ort = runOrt(path, inputs);
  if (ort.outputs.size() != ours.size())
    return "ONNX Runtime returned " + std::to_string(ort.outputs.size()) + " outputs, we computed " +
           std::to_string(ours.size());
  for (size_t i = 0; i < ours.size(); ++i)
    if (auto m = compareTensors(ours[i], ort.outputs[i], tol); !m.empty())
      return "ours vs ONNX Runtime, output '" + ort.names[i] + "': " + m;
  for (size_t i = 0; i < expected.size(); ++i) {
    if (i >= ort.outputs.size()) return "ONNX Runtime returned fewer outputs than expectations";
    if (auto m = compareTensors(ort.outputs[i], expected[i].first, expected[i].second); !m.empty())
      return "ONNX Runtime vs expectation, output '" + ort.names[i] + "': " + m;
  }
  Graph back = blocks::openModel(path);
  std::vector<Tensor> again = evaluate(back, feeds);
  if (again.size() != ours.size()) return "re-imported model has a different number of outputs";
  for (size_t i = 0; i < ours.size(); ++i)
    if (auto m = compareTensors(again[i], ours[i], {1e-6, 1e-6}); !m.empty())
      return "re-imported model, output " + std::to_string(i) + ": " + m;
  return {};
}

}  // namespace nctest
