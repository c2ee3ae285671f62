#include "tests/support/op_case.h"

#include <algorithm>
#include <cmath>
#include <random>
#include <sstream>

#include "core/eval/evaluator.h"
#include "core/ops/graph_io.h"
#include "core/tensor/init.h"
#include "core/ops/registry.h"
#include "tests/support/ort.h"

namespace nctest {

using namespace nc;

std::string compareTensors(const Tensor& actual, const Tensor& expected, Tolerance tol) {
  std::ostringstream os;
  if (actual.empty() || expected.empty()) return actual.empty() ? "actual tensor is missing" : "expected tensor is missing";
  if (actual.shape() != expected.shape()) {
    os << "shape " << shapeToString(actual.shape()) << " != expected " << shapeToString(expected.shape());
    return os.str();
  }
  if (actual.dtype() != expected.dtype()) return std::string("dtype ") + dtypeName(actual.dtype()) + " != expected " + dtypeName(expected.dtype());
  std::vector<float> a = actual.toFloatVector(), e = expected.toFloatVector();
  for (size_t i = 0; i < a.size(); ++i) {
    double x = a[i], y = e[i];
    if (std::isnan(x) && std::isnan(y)) continue;
    if (std::isinf(x) || std::isinf(y)) {
      if (x == y) continue;
    } else if (std::fabs(x - y) <= tol.atol + tol.rtol * std::fabs(y)) {
      continue;
    }
    os << "mismatch at flat index " << i << " of " << shapeToString(actual.shape()) << ": got " << x << ", expected "
       << y << " (atol " << tol.atol << ", rtol " << tol.rtol << ")";
    return os.str();
  }
  return {};
}

OpCase::OpCase(std::string op, int numOutputs) : op_(std::move(op)), numOutputs_(numOutputs) {}

OpCase& OpCase::attr(const std::string& name, AttrValue value) {
  attrs_.emplace_back(name, std::move(value));
  return *this;
}
OpCase& OpCase::input(Tensor value, std::string name) {
  if (name.empty()) name = "in" + std::to_string(ins_.size());
  ins_.push_back({In::Feed, std::move(value), std::move(name)});
  return *this;
}
OpCase& OpCase::constant(Tensor value) {
  ins_.push_back({In::Constant, std::move(value), {}});
  return *this;
}
OpCase& OpCase::none() {
  ins_.push_back({In::None, {}, {}});
  return *this;
}
OpCase& OpCase::expect(Tensor value, Tolerance tol) {
  expects_.emplace_back(std::move(value), tol);
  return *this;
}

Graph OpCase::graph() const {
  Graph g;
  NodeId op = g.addNode(op_, "op");
  const OpSpec* spec = findOp(op_);
  if (spec && !spec->inputs.empty() && spec->inputs.back().variadic)
    g.setInputCount(op, std::max<int>(int(spec->inputs.size()), int(ins_.size())));
  for (auto& [k, v] : attrs_) g.setAttr(op, k, v);
  if (numOutputs_ > g.node(op).numOutputs) g.setOutputCount(op, numOutputs_);  // optional outputs (Indices)
  for (int i = 0; i < int(ins_.size()); ++i) {
    const In& in = ins_[size_t(i)];
    if (in.kind == In::Feed) {
      NodeId x = g.addNode("Input", in.name);
      g.setAttr(x, "shape", in.value.shape());
      g.setAttr(x, "dtype", std::string(dtypeName(in.value.dtype())));
      g.connect({x, 0}, {op, i});
    } else if (in.kind == In::Constant) {
      g.setConstant(op, i, in.value);
    }
  }
  for (int p = 0; p < numOutputs_; ++p) {
    NodeId o = g.addNode("Output", "out" + std::to_string(p));
    g.connect({op, p}, {o, 0});
  }
  return g;
}

std::map<std::string, Tensor> OpCase::feeds() const {
  std::map<std::string, Tensor> f;
  for (auto& in : ins_)
    if (in.kind == In::Feed) f[in.name] = in.value;
  return f;
}

std::vector<Tensor> OpCase::run(bool reference) const { return evaluate(graph(), feeds(), reference); }

bool OpCase::hasFastKernel() const {
  const OpSpec* spec = findOp(op_);
  return spec && spec->fast;
}

std::string OpCase::check() const {
  try {
    // Without a fast kernel the evaluator runs the reference for both: nothing to compare, so
    // only the reference is checked against the expectations (after ORT's OpTester).
    const bool fastExists = hasFastKernel();
    std::vector<Tensor> ref = run(true);
    if (fastExists) {
      std::vector<Tensor> fast = run(false);
      if (ref.size() != fast.size()) return "fast and reference kernels return different output counts";
      for (size_t i = 0; i < ref.size(); ++i)
        if (auto m = compareTensors(fast[i], ref[i]); !m.empty())
          return "fast vs reference, output " + std::to_string(i) + ": " + m;
    }
    const std::string kernel = fastExists ? "" : " (reference kernel; " + op_ + " has no fast kernel)";
    for (size_t i = 0; i < expects_.size(); ++i) {
      if (i >= ref.size()) return "fewer outputs than expectations" + kernel;
      if (auto m = compareTensors(ref[i], expects_[i].first, expects_[i].second); !m.empty())
        return "output " + std::to_string(i) + kernel + ": " + m;
    }
  } catch (const std::exception& e) {
    return std::string("evaluation failed: ") + e.what();
  }
  return {};
}

std::string OpCase::checkOnnx(Tolerance tol) const {
  try {
    Graph g = graph();
    return checkGraphWithOrt(g, feeds(), tol, 17, expects_);
  } catch (const std::exception& e) {
    return std::string("ONNX check failed: ") + e.what();
  }
}

Tensor randn(const Shape& shape, uint64_t seed) { return randomNormal(shape, seed); }

Tensor uniform(const Shape& shape, float lo, float hi, uint64_t seed) {
  Tensor t(DType::Float32, shape);
  std::mt19937_64 rng(seed);
  std::uniform_real_distribution<float> u(lo, hi);
  for (float& v : t.floats()) v = u(rng);
  return t;
}

float maxAbs(const nc::Tensor& t) {
  float m = 0;
  for (float v : t.floats()) m = std::max(m, std::fabs(v));
  return m;
}

}  // namespace nctest
