#pragma once
// The ONNX backend conformance node tests (libonnx-testdata): each case is a model.onnx plus
// test_data_set_*/input_*.pb and output_*.pb. A case is ours when every op of its model is in
// our registry; it is then imported and run through our kernels and must match the stored
// outputs. Cases that use other element types than float32/int64 are reported as not float32.
#include <map>
#include <string>
#include <vector>

namespace nctest {

struct ConformanceCase {
  std::string name;                 // directory name, e.g. test_sigmoid_example
  std::string dir;
  std::vector<std::string> opTypes; // ONNX op types in the model
  std::string skipReason;           // non-empty: not run (unsupported op, not float32)
};

std::vector<ConformanceCase> listConformanceCases(const std::string& root);
// "" when every data set of the case matches within tolerance (atol 1e-4, rtol 1e-3 as ONNX's
// own backend runner uses); otherwise the first problem.
std::string runConformanceCase(const ConformanceCase& c, bool reference = false);

}  // namespace nctest
