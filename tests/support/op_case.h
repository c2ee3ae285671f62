#pragma once
// A small fluent helper for per-op tests (after ONNX Runtime's OpTester):
//   OpCase("Conv").attr("group", int64_t(2)).input(x).constant(w).expect(y).check();
// input() feeds a graph input, constant() binds a weight owned by the node, none() leaves an
// optional port unbound. check() compares the fast kernel with the reference where the op has a
// fast kernel, and the reference with the expectations; checkOnnx() exports, validates, runs ONNX
// Runtime on the file and re-imports it, comparing everything with our evaluation and ONNX
// Runtime's outputs with the expectations.
#include <optional>
#include <string>
#include <vector>

#include "core/graph/graph.h"
#include "core/tensor/tensor.h"

namespace nctest {

struct Tolerance {
  double atol = 1e-5;
  double rtol = 1e-5;
};

// "" when close; otherwise a message naming the first mismatch (index, both values, shapes).
std::string compareTensors(const nc::Tensor& actual, const nc::Tensor& expected, Tolerance tol = {});
// Largest |value| of a float32 tensor (the scale that network-level tolerances are relative to).
float maxAbs(const nc::Tensor& t);

class OpCase {
 public:
  explicit OpCase(std::string op, int numOutputs = 1);
  OpCase& attr(const std::string& name, nc::AttrValue value);
  OpCase& input(nc::Tensor value, std::string name = {});
  OpCase& constant(nc::Tensor value);
  OpCase& none();
  OpCase& expect(nc::Tensor value, Tolerance tol = {});

  // Input nodes -> one op node -> Output nodes.
  nc::Graph graph() const;
  std::map<std::string, nc::Tensor> feeds() const;
  std::vector<nc::Tensor> run(bool reference) const;
  // "" on success: the reference matches the expectations and, when the op has a fast kernel
  // (OpSpec::fast), fast == reference (1e-5). Without one there is nothing to compare it with:
  // a mismatch message then says the reference kernel alone was checked.
  std::string check() const;
  // "" on success: exported model passes checker + shape inference; ONNX Runtime's outputs on
  // it match our evaluation within `tol` (default 1e-4) and the expectations, if any, within
  // their own tolerances; re-import evaluates the same.
  std::string checkOnnx(Tolerance tol = {1e-4, 1e-4}) const;
  bool hasFastKernel() const;  // the op's spec has a fast kernel

 private:
  struct In {
    enum Kind { Feed, Constant, None } kind;
    nc::Tensor value;
    std::string name;
  };
  std::string op_;
  int numOutputs_;
  std::vector<std::pair<std::string, nc::AttrValue>> attrs_;
  std::vector<In> ins_;
  std::vector<std::pair<nc::Tensor, Tolerance>> expects_;
};

// Deterministic random tensors for tests.
nc::Tensor randn(const nc::Shape& shape, uint64_t seed);
nc::Tensor uniform(const nc::Shape& shape, float lo, float hi, uint64_t seed);

}  // namespace nctest

#define NC_CHECK(expr)                                   \
  do {                                                   \
    const std::string nc_msg_ = (expr);                  \
    QVERIFY2(nc_msg_.empty(), nc_msg_.c_str());          \
  } while (0)
