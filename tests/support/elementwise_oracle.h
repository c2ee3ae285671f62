#pragma once
// Independent oracles and small graph helpers for the elementwise op tests: formulas evaluated
// in double, broadcasting by explicit multi-index arithmetic (not the kernels' stride walk).
#include <rapidcheck.h>

#include <cmath>
#include <functional>
#include <string>
#include <vector>

#include "core/graph/graph.h"
#include "core/eval/shape_inference.h"
#include "core/tensor/tensor.h"

namespace nctest {

// y[i] = f(x[i]) in double, rounded to float32.
inline nc::Tensor unaryOracle(const nc::Tensor& x, const std::function<double(double)>& f) {
  nc::Tensor y(nc::DType::Float32, x.shape());
  for (int64_t i = 0; i < x.numel(); ++i) y.f32()[i] = float(f(double(x.f32()[i])));
  return y;
}

// NumPy broadcast of two known shapes, written independently of core/ops/shape_util.
inline nc::Shape oracleBroadcastShape(const nc::Shape& a, const nc::Shape& b) {
  const size_t r = std::max(a.size(), b.size());
  nc::Shape out(r);
  for (size_t i = 0; i < r; ++i) {
    const int64_t da = i + a.size() >= r ? a[i + a.size() - r] : 1;
    const int64_t db = i + b.size() >= r ? b[i + b.size() - r] : 1;
    out[i] = da == 1 ? db : da;
  }
  return out;
}

// Flat index into `s` (right-aligned against the output multi-index `idx`, size-1 dims pinned).
inline int64_t oracleSourceIndex(const nc::Shape& s, const std::vector<int64_t>& idx) {
  int64_t flat = 0;
  const size_t off = idx.size() - s.size();
  for (size_t i = 0; i < s.size(); ++i) flat = flat * s[i] + (s[i] == 1 ? 0 : idx[off + i]);
  return flat;
}

inline std::vector<int64_t> oracleUnravel(int64_t flat, const nc::Shape& s) {
  std::vector<int64_t> idx(s.size());
  for (size_t i = s.size(); i-- > 0;) {
    idx[i] = flat % s[i];
    flat /= s[i];
  }
  return idx;
}

// Elementwise over two broadcast inputs of any element types; the output takes `outType`.
inline nc::Tensor binaryOracle(const nc::Tensor& a, const nc::Tensor& b, nc::DType outType,
                               const std::function<double(double, double)>& f) {
  const nc::Shape out = oracleBroadcastShape(a.shape(), b.shape());
  nc::Tensor y(outType, out);
  const std::vector<float> av = a.toFloatVector(), bv = b.toFloatVector();
  auto at = [](const nc::Tensor& t, const std::vector<float>& fv, int64_t i) {
    return t.dtype() == nc::DType::Int64 ? double(t.i64()[i]) : double(fv[size_t(i)]);
  };
  for (int64_t i = 0; i < y.numel(); ++i) {
    const auto idx = oracleUnravel(i, out);
    const double v = f(at(a, av, oracleSourceIndex(a.shape(), idx)),
                       at(b, bv, oracleSourceIndex(b.shape(), idx)));
    if (outType == nc::DType::Float32)
      y.f32()[i] = float(v);
    else
      y.i64()[i] = int64_t(v);
  }
  return y;
}
inline nc::Tensor binaryOracle(const nc::Tensor& a, const nc::Tensor& b,
                               const std::function<double(double, double)>& f) {
  return binaryOracle(a, b, nc::DType::Float32, f);
}

// Inside a RapidCheck property: two shapes that broadcast, e.g. [3,1,5] and [4,5], with size-1
// dims and missing leading dims on either side.
inline std::pair<nc::Shape, nc::Shape> genBroadcastPair(int maxDim = 9) {
  const int rank = *rc::gen::inRange(1, 5);
  nc::Shape out;
  for (int i = 0; i < rank; ++i) out.push_back(*rc::gen::inRange(1, maxDim + 1));
  auto derive = [&](nc::Shape s) {
    for (auto& d : s)
      if (*rc::gen::inRange(0, 3) == 0) d = 1;
    const int drop = *rc::gen::inRange(0, int(s.size()) + 1);
    return nc::Shape(s.begin() + drop, s.end());
  };
  nc::Shape a = derive(out), b = derive(out);
  if (*rc::gen::arbitrary<bool>()) std::swap(a, b);
  return {a, b};
}

// Input nodes (named, shaped, typed) feeding node `op` in port order, and one Output.
inline nc::NodeId addShapedInput(nc::Graph& g, const std::string& name, const nc::Shape& shape,
                                 nc::DType t = nc::DType::Float32) {
  nc::NodeId x = g.addNode("Input", name);
  g.setAttr(x, "shape", shape);
  g.setAttr(x, "dtype", std::string(nc::dtypeName(t)));
  return x;
}

// The one diagnostic shape inference reports for node `name` ("" when none).
inline std::string diagnosticOf(const nc::Graph& g, const std::string& name) {
  nc::ShapeInfo info = nc::inferShapes(g);
  const nc::Node* n = g.findByName(name);
  if (!n) return "no node named " + name;
  const nc::Diagnostic* d = info.diagnosticFor(n->id);
  return d ? d->message : std::string();
}

inline bool contains(const std::string& hay, const std::string& needle) {
  return hay.find(needle) != std::string::npos;
}

}  // namespace nctest
