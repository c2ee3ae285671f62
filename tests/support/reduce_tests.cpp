// The tests of ReduceMax and ReduceMean (tests/ops/test_reduce_{max,mean}.cpp run them for
// their op): axes as attribute (opset 13-17 form), as a constant or fed int64 input (opset 18
// form), keepdims, noop_with_empty_axes, export at opset 17 and 18 checked by ONNX Runtime, a
// property against an axis-by-axis oracle, and diagnostics.
#include <rapidcheck.h>

#include <QtTest>
#include <algorithm>
#include <cmath>

#include "core/onnx/export.h"
#include "core/eval/shape_inference.h"
#include "tests/support/op_case.h"
#include "tests/support/ort.h"
#include "tests/support/properties.h"
#include "tests/support/reduce_tests.h"

using namespace nc;
using namespace nctest;

namespace {

// The op under test, set by the ReduceTests constructor (one op per test process).
std::string gOp;
bool kMean = false;

Tensor ints(std::vector<int64_t> v) { return Tensor::fromInt64({int64_t(v.size())}, v); }

// Reduces one axis (kept as size 1) in double.
Tensor reduceAxis(const Tensor& x, int axis) {
  int64_t outer = 1, inner = 1;
  for (int i = 0; i < axis; ++i) outer *= x.dim(i);
  for (int i = axis + 1; i < x.rank(); ++i) inner *= x.dim(i);
  const int64_t n = x.dim(axis);
  Shape s = x.shape();
  s[size_t(axis)] = 1;
  Tensor y(DType::Float32, s);
  for (int64_t o = 0; o < outer; ++o)
    for (int64_t j = 0; j < inner; ++j) {
      double acc = kMean ? 0.0 : -INFINITY;
      for (int64_t i = 0; i < n; ++i) {
        const double v = x.f32()[(o * n + i) * inner + j];
        acc = kMean ? acc + v : std::max(acc, v);
      }
      y.f32()[o * inner + j] = float(kMean ? acc / double(n) : acc);
    }
  return y;
}

// One axis at a time (a mean of equal-sized means is the mean), then drop the reduced dims.
Tensor oracle(const Tensor& x, std::vector<int64_t> axes, bool keepdims, bool noop = false) {
  if (axes.empty() && noop) return x;
  if (axes.empty())
    for (int i = 0; i < x.rank(); ++i) axes.push_back(i);
  Tensor y = x;
  std::vector<bool> red(size_t(x.rank()), false);
  for (int64_t a : axes) {
    const int ax = int(a < 0 ? a + x.rank() : a);
    red[size_t(ax)] = true;
    y = reduceAxis(y, ax);
  }
  if (keepdims) return y;
  Shape s;
  for (int i = 0; i < x.rank(); ++i)
    if (!red[size_t(i)]) s.push_back(x.dim(i));
  return y.reshaped(s);
}

enum class Form { Attr, Constant, Fed };

OpCase reduceCase(const Tensor& x, const std::vector<int64_t>& axes, bool keepdims, Form form,
                  bool noop = false) {
  OpCase c(gOp);
  if (!keepdims) c.attr("keepdims", int64_t(0));
  if (noop) c.attr("noop_with_empty_axes", int64_t(1));
  if (form == Form::Attr && !axes.empty()) c.attr("axes", axes);
  c.input(x, "x");
  if (form == Form::Constant) c.constant(ints(axes));
  if (form == Form::Fed) c.input(ints(axes), "axes");
  return c.expect(oracle(x, axes, keepdims, noop), {1e-5, 1e-5});
}

std::string diagnostic(const OpCase& c) {
  ShapeInfo info = inferShapes(c.graph());
  return info.diagnostics.empty() ? std::string() : info.diagnostics.front().message;
}

// Both export opsets against ONNX Runtime.
std::string checkBothOpsets(const OpCase& c) {
  if (auto m = c.checkOnnx(); !m.empty()) return "opset 17: " + m;
  try {
    if (auto m = checkGraphWithOrt(c.graph(), c.feeds(), {1e-4, 1e-4}, 18); !m.empty())
      return "opset 18: " + m;
  } catch (const std::exception& e) {
    return std::string("opset 18: ") + e.what();
  }
  return {};
}

}  // namespace

ReduceTests::ReduceTests(const char* op, bool mean) {
  gOp = op;
  kMean = mean;
}

void ReduceTests::handComputed() {
  Tensor x = Tensor::fromFloats({2, 3}, {1, 5, 3, 4, 2, 9});
  auto expect = [](Shape s, std::vector<float> mean, std::vector<float> max) {
    return Tensor::fromFloats(std::move(s), kMean ? mean : max);
  };
  NC_CHECK(OpCase(gOp)
               .attr("axes", std::vector<int64_t>{1})
               .input(x)
               .expect(expect({2, 1}, {3, 5}, {5, 9}))
               .check());
  NC_CHECK(OpCase(gOp)
               .input(x)
               .constant(ints({0}))
               .attr("keepdims", int64_t(0))
               .expect(expect({3}, {2.5f, 3.5f, 6}, {4, 5, 9}))
               .check());
  NC_CHECK(OpCase(gOp).input(x).expect(expect({1, 1}, {4}, {9})).check());  // all axes
  NC_CHECK(OpCase(gOp)
               .attr("keepdims", int64_t(0))
               .input(x)
               .expect(expect({}, {4}, {9}))
               .check());
  NC_CHECK(
      OpCase(gOp).attr("noop_with_empty_axes", int64_t(1)).input(x).expect(x).check());
}
void ReduceTests::axesForms() {
  Tensor x = randn({3, 4, 5}, 1);
  for (Form form : {Form::Attr, Form::Constant})
    for (bool keep : {true, false})
      for (auto axes : std::vector<std::vector<int64_t>>{{1}, {-1, 0}, {0, 1, 2}, {}}) {
        NC_CHECK(reduceCase(x, axes, keep, form).check());
        NC_CHECK(checkBothOpsets(reduceCase(x, axes, keep, form)));
      }
  // noop_with_empty_axes: the identity at opset 18, an Identity node at opset 17.
  NC_CHECK(checkBothOpsets(reduceCase(x, {}, true, Form::Constant, true)));
  NC_CHECK(checkBothOpsets(reduceCase(x, {}, false, Form::Attr, true)));
  NC_CHECK(checkBothOpsets(reduceCase(x, {2}, true, Form::Attr, true)));
}
// Axes fed at run time: evaluation works and opset 18 exports them as an input; opset 17
// cannot (axes is an attribute there) and says so.
void ReduceTests::fedAxes() {
  Tensor x = randn({3, 4, 5}, 2);
  OpCase c = reduceCase(x, {0, 2}, true, Form::Fed);
  NC_CHECK(c.check());
  NC_CHECK(checkGraphWithOrt(c.graph(), c.feeds(), {1e-4, 1e-4}, 18));
  try {
    exportModelBytes(c.graph());
    QFAIL("exporting connected axes at opset 17 must fail");
  } catch (const Error& e) {
    std::string m = e.what();
    QVERIFY2(m.find("opset 18") != std::string::npos && m.find("'op'") != std::string::npos,
             m.c_str());
  }
  Graph g = c.graph();
  QCOMPARE(inferShapes(g).type({g.findByName("op")->id, 0})->dims, (Shape{-1, -1, -1}));
}
// YOLO11's attention: a reduction over the channel axis of [1, 64, 20, 20].
void ReduceTests::featureMap() {
  NC_CHECK(checkBothOpsets(reduceCase(randn({1, 64, 20, 20}, 3), {1}, true, Form::Attr)));
}
void ReduceTests::badInputs() {
  std::string d = diagnostic(
      OpCase(gOp).attr("axes", std::vector<int64_t>{2}).input(randn({2, 3}, 1)));
  QVERIFY2(d.find("'op'") != std::string::npos && d.find("axis 2") != std::string::npos &&
               d.find("[2, 3]") != std::string::npos,
           d.c_str());
  d = diagnostic(OpCase(gOp).input(randn({2, 3}, 1)).constant(ints({1, -1})));
  QVERIFY2(d.find("more than once") != std::string::npos, d.c_str());
  d = diagnostic(OpCase(gOp)
                     .attr("axes", std::vector<int64_t>{0})
                     .input(randn({2, 3}, 1))
                     .constant(ints({1})));
  QVERIFY2(d.find("both") != std::string::npos, d.c_str());
}
void ReduceTests::properties() {
  auto gen = [] {
    Tensor x = *genTensor();
    std::vector<int64_t> axes;
    for (int64_t a = 0; a < x.rank(); ++a)
      if (*rc::gen::arbitrary<bool>())
        axes.push_back(*rc::gen::arbitrary<bool>() ? a : a - x.rank());
    std::reverse(axes.begin(), axes.end());
    const Form form = *rc::gen::arbitrary<bool>() ? Form::Attr : Form::Constant;
    return std::tuple(x, axes, *rc::gen::arbitrary<bool>(), form);
  };
  QVERIFY(rc::check(gOp + ": equals the axis-by-axis oracle", [&] {
    auto [x, axes, keep, form] = gen();
    RC_ASSERT(reduceCase(x, axes, keep, form).check() == "");
  }));
  QVERIFY(checkN(gOp + ": ONNX Runtime agrees at opsets 17 and 18", 10, [&] {
    auto [x, axes, keep, form] = gen();
    RC_ASSERT(checkBothOpsets(reduceCase(x, axes, keep, form)) == "");
  }));
}

