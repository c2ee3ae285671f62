#pragma once
// The export -> checker -> ONNX Runtime -> re-import round trip that any test can call.
#include <map>
#include <string>
#include <utility>
#include <vector>

#include "core/graph/graph.h"
#include "tests/support/op_case.h"

namespace nctest {

// "" on success. Exports g (validated), runs ONNX Runtime on the file with `feeds`, compares its
// outputs with our evaluation (fast kernels) within tol and, output by output, with `expected`
// (each within its own tolerance; fewer expectations than outputs leave the rest unchecked);
// re-imports the file and checks it evaluates to the same numbers.
std::string checkGraphWithOrt(const nc::Graph& g, const std::map<std::string, nc::Tensor>& feeds,
                              Tolerance tol = {1e-4, 1e-4}, int opset = 17,
                              const std::vector<std::pair<nc::Tensor, Tolerance>>& expected = {});

// A fresh temporary file path with the given suffix (removed at exit of the test process).
std::string tempPath(const std::string& suffix);

}  // namespace nctest
