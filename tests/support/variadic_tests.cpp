// Shared test bodies of Sum/Mean and Max/Min (see tests/support/variadic_tests.h).
#include "tests/support/variadic_tests.h"

#include <rapidcheck.h>

#include <QtTest>
#include <algorithm>
#include <cmath>

#include "core/eval/evaluator.h"
#include "core/eval/shape_inference.h"
#include "tests/support/elementwise_oracle.h"
#include "tests/support/op_case.h"
#include "tests/support/properties.h"

using namespace nc;
using namespace nctest;

namespace {
// The op under test (one op per test process), set by the constructor.
std::string gSumOp;
bool gMean = false;

// Each output element from its broadcast sources, summed in double (divided by n for Mean).
Tensor oracle(const std::vector<Tensor>& xs) {
  size_t r = 0;
  for (auto& x : xs) r = std::max(r, size_t(x.rank()));
  Shape out(r, 1);
  for (auto& x : xs)
    for (size_t i = 0; i < size_t(x.rank()); ++i)
      out[r - size_t(x.rank()) + i] = std::max(out[r - size_t(x.rank()) + i], x.dim(int(i)));
  Tensor y(DType::Float32, out);
  for (int64_t flat = 0; flat < y.numel(); ++flat) {
    std::vector<int64_t> idx(r);
    int64_t rem = flat;
    for (int d = int(r) - 1; d >= 0; --d)
      idx[size_t(d)] = rem % out[size_t(d)], rem /= out[size_t(d)];
    double acc = 0;
    for (auto& x : xs) {
      int64_t off = 0;
      for (size_t i = 0; i < size_t(x.rank()); ++i) {
        const int64_t d = x.dim(int(i));
        off = off * d + (d == 1 ? 0 : idx[r - size_t(x.rank()) + i]);
      }
      acc += x.f32()[off];
    }
    y.f32()[flat] = float(gMean ? acc / double(xs.size()) : acc);
  }
  return y;
}

OpCase makeCase(const std::vector<Tensor>& xs) {
  OpCase c(gSumOp);
  for (size_t i = 0; i < xs.size(); ++i)
    c.input(xs[i], std::string(1, char('a' + i)));  // inputs a, b, c, ...
  return c.expect(oracle(xs), {1e-5, 1e-5});
}

std::string diagnostic(const OpCase& c) {
  ShapeInfo info = inferShapes(c.graph());
  return info.diagnostics.empty() ? std::string() : info.diagnostics.front().message;
}

// The op under test (one op per test process), set by the constructor.
std::string gExtOp;
bool gMax = true;
double extremum(double a, double b) {
  return std::isnan(a) || std::isnan(b) ? NAN : gMax ? std::max(a, b) : std::min(a, b);
}
OpCase opCase(const std::vector<Tensor>& ins) {
  OpCase c(gExtOp);
  Tensor expected = ins[0];
  for (size_t i = 0; i < ins.size(); ++i) {
    c.input(ins[i], std::string(1, char('a' + i)));
    if (i) expected = binaryOracle(expected, ins[i], extremum);
  }
  return c.expect(expected);
}
}  // namespace

SumMeanTests::SumMeanTests(const char* op, bool mean) {
  gSumOp = op;
  gMean = mean;
}

void SumMeanTests::handComputed() {
  Tensor a = Tensor::fromFloats({3}, {1, 2, 3}), b = Tensor::fromFloats({3}, {4, 5, 6}),
         c = Tensor::fromFloats({3}, {7, 8, 9});
  Tensor expected =
      gMean ? Tensor::fromFloats({3}, {4, 5, 6}) : Tensor::fromFloats({3}, {12, 15, 18});
  NC_CHECK(OpCase(gSumOp).input(a).input(b).input(c).expect(expected).check());
  NC_CHECK(OpCase(gSumOp).input(a).expect(a).check());  // one input: itself
  // Broadcasting [2, 1] with [3]: [[1+10, 1+20, 1+30], [2+10, 2+20, 2+30]]
  Tensor col = Tensor::fromFloats({2, 1}, {1, 2}), row = Tensor::fromFloats({3}, {10, 20, 30});
  Tensor sum = Tensor::fromFloats({2, 3}, {11, 21, 31, 12, 22, 32});
  if (gMean)
    for (float& v : sum.floats()) v /= 2;
  NC_CHECK(OpCase(gSumOp).input(col).input(row).expect(sum).check());
}
void SumMeanTests::onnx() {
  NC_CHECK(makeCase({randn({2, 3}, 1)}).checkOnnx());
  NC_CHECK(makeCase({randn({2, 3}, 1), randn({2, 3}, 2)}).checkOnnx());
  NC_CHECK(makeCase({randn({4, 1, 5}, 1), randn({3, 1}, 2), Tensor::scalar(0.5f), randn({5}, 3)})
               .checkOnnx());
  // A constant operand (node-owned) exports as an initializer.
  NC_CHECK(OpCase(gSumOp).input(randn({2, 3}, 1), "x").constant(randn({3}, 2)).checkOnnx());
}
void SumMeanTests::badInputs() {
  std::string d = diagnostic(OpCase(gSumOp).input(randn({2, 3}, 1)).input(randn({4}, 2)));
  QVERIFY2(d.find("'op'") != std::string::npos && d.find("[2, 3]") != std::string::npos &&
               d.find("[4]") != std::string::npos,
           d.c_str());
}
void SumMeanTests::properties() {
  auto gen = [] {
    Shape out = *genShape(1, 4, 6);
    const int n = *rc::gen::inRange(1, 5);
    std::vector<Tensor> xs;
    for (int i = 0; i < n; ++i) {
      const size_t r = size_t(*rc::gen::inRange<int>(0, int(out.size()) + 1));
      Shape s;
      for (size_t j = out.size() - r; j < out.size(); ++j)
        s.push_back(*rc::gen::arbitrary<bool>() ? out[j] : 1);
      xs.push_back(*genTensorOfShape(s));
    }
    return xs;
  };
  QVERIFY(rc::check((gSumOp + ": fast == reference == oracle").c_str(),
                    [&] { RC_ASSERT(makeCase(gen()).check() == ""); }));
  QVERIFY(checkN((gSumOp + ": ONNX Runtime agrees").c_str(), 10,
                 [&] { RC_ASSERT(makeCase(gen()).checkOnnx() == ""); }));
}

MinMaxTests::MinMaxTests(const char* op, bool max) {
  gExtOp = op;
  gMax = max;
}

void MinMaxTests::handComputed() {
  Tensor a = Tensor::fromFloats({4}, {1, 5, 0, -6}), b = Tensor::fromFloats({4}, {4, -2, 9, 2}),
         c = Tensor::fromFloats({4}, {2, 3, 1, 0});
  NC_CHECK(OpCase(gExtOp)
               .input(a, "a")
               .input(b, "b")
               .input(c, "c")
               .expect(gMax ? Tensor::fromFloats({4}, {4, 5, 9, 2}) : Tensor::fromFloats({4}, {1, -2, 0, -6}))
               .check());
  NC_CHECK(opCase({a, b, c}).checkOnnx());
}
// One input is passed through; two and four inputs with broadcasting.
void MinMaxTests::inputCounts() {
  Tensor a = randn({2, 3}, 1);
  NC_CHECK(OpCase(gExtOp).input(a, "a").expect(a).check());
  NC_CHECK(opCase({a}).checkOnnx());
  NC_CHECK(opCase({a, randn({3}, 2)}).check());
  std::vector<Tensor> four = {randn({3, 1, 5}, 3), randn({4, 5}, 4), Tensor::scalar(0.25f),
                              randn({1, 4, 1}, 5)};
  std::vector<Tensor> y = opCase(four).run(false);
  QCOMPARE(y[0].shape(), (Shape{3, 4, 5}));
  NC_CHECK(opCase(four).check());
  NC_CHECK(opCase(four).checkOnnx());
}
void MinMaxTests::nanAndInt64() {
  Tensor a = Tensor::fromFloats({3}, {NAN, 1, -INFINITY}),
         b = Tensor::fromFloats({3}, {0, NAN, 2});
  std::vector<Tensor> y = OpCase(gExtOp).input(a, "a").input(b, "b").run(false);
  QVERIFY(std::isnan(y[0].f32()[0]) && std::isnan(y[0].f32()[1]));
  QCOMPARE(double(y[0].f32()[2]), extremum(-INFINITY, 2));
  Tensor ia = Tensor::fromInt64({3}, {7, -3, 4000000000}),
         ib = Tensor::fromInt64({3}, {-5, -1, 5000000000});
  NC_CHECK(OpCase(gExtOp)
               .input(ia, "a")
               .input(ib, "b")
               .expect(gMax ? Tensor::fromInt64({3}, {7, -1, 5000000000}) : Tensor::fromInt64({3}, {-5, -3, 4000000000}))
               .check());
  NC_CHECK(OpCase(gExtOp).input(ia, "a").input(ib, "b").checkOnnx());
}
// The port count follows Graph::setInputCount; errors name the offending input and both shapes.
void MinMaxTests::variadicPortsAndErrors() {
  Graph g;
  NodeId op = g.addNode(gExtOp, "m");
  QCOMPARE(int(g.node(op).inputs.size()), 1);
  g.setInputCount(op, 3);
  QCOMPARE(int(g.node(op).inputs.size()), 3);
  NodeId a = addShapedInput(g, "a", {2, 3}), b = addShapedInput(g, "b", {3}),
         c = addShapedInput(g, "c", {4});
  g.connect({a, 0}, {op, 0});
  g.connect({b, 0}, {op, 1});
  QCOMPARE(diagnosticOf(g, "m"), std::string());  // input 2 unbound: unknown, no error
  QVERIFY(!inferShapes(g).type({op, 0})->rankKnown);
  g.connect({c, 0}, {op, 2});
  ShapeInfo info = inferShapes(g);
  const Diagnostic* d = info.diagnosticFor(op);
  QVERIFY(d);
  QCOMPARE(d->input, 2);
  QVERIFY2(contains(d->message, "'m'") && contains(d->message, "[2, 3]") &&
               contains(d->message, "[4]"),
           d->message.c_str());
  g.disconnect({op, 2});
  NodeId i = addShapedInput(g, "i", {2, 3}, DType::Int64);
  g.connect({i, 0}, {op, 2});
  const std::string t = diagnosticOf(g, "m");
  QVERIFY2(contains(t, "int64[2, 3]") && contains(t, "float32[2, 3]"), t.c_str());
}
void MinMaxTests::properties() {
  QVERIFY(rc::check((gExtOp + ": reference == oracle over 1..4 random broadcast inputs").c_str(), [] {
    auto [sa, sb] = genBroadcastPair();
    const int n = *rc::gen::inRange(1, 5);
    std::vector<Tensor> ins;
    for (int i = 0; i < n; ++i) ins.push_back(*genTensorOfShape(i % 2 ? sb : sa, -10.0f, 10.0f));
    RC_ASSERT(opCase(ins).check() == "");
  }));
  QVERIFY(checkN((gExtOp + ": ONNX Runtime agrees").c_str(), 10, [] {
    auto [sa, sb] = genBroadcastPair();
    const int n = *rc::gen::inRange(1, 4);
    std::vector<Tensor> ins;
    for (int i = 0; i < n; ++i) ins.push_back(*genTensorOfShape(i % 2 ? sb : sa, -10.0f, 10.0f));
    RC_ASSERT(opCase(ins).checkOnnx() == "");
  }));
}
