// YOLO11's C2PSA attention as PyTorch's exporter emits it at opset 17 (after the qkv conv):
// Reshape -> Split -> Transpose -> MatMul -> Mul(scale) -> Softmax -> Transpose -> MatMul ->
// Reshape, with int64 shapes and split sizes as constants. Checks static shape inference
// through the chain, fast vs reference kernels, and ONNX Runtime at opsets 17 and 18.
#include <QtTest>
#include <cmath>

#include "core/eval/evaluator.h"
#include "core/eval/shape_inference.h"
#include "tests/support/op_case.h"
#include "tests/support/ort.h"

using namespace nc;
using namespace nctest;

namespace {

Tensor ints(std::vector<int64_t> v) { return Tensor::fromInt64({int64_t(v.size())}, v); }

struct Attention {
  Graph g;
  NodeId split = kNoNode, scores = kNoNode, out = kNoNode;
};

// C = 128 channels, 2 heads, key_dim 32, head_dim 64, on a 20 x 20 map (N = 400).
Attention buildAttention() {
  Attention a;
  Graph& g = a.g;
  NodeId qkv = g.addNode("Input", "qkv");
  g.setAttr(qkv, "shape", Shape{1, 256, 20, 20});
  NodeId view = g.addNode("Reshape", "view");
  g.connect({qkv, 0}, {view, 0});
  g.setConstant(view, 1, ints({1, 2, 128, 400}));
  a.split = g.addNode("Split", "split_qkv");
  g.setOutputCount(a.split, 3);
  g.setAttr(a.split, "axis", int64_t(2));
  g.connect({view, 0}, {a.split, 0});
  g.setConstant(a.split, 1, ints({32, 32, 64}));
  NodeId qT = g.addNode("Transpose", "q_t");
  g.setAttr(qT, "perm", std::vector<int64_t>{0, 1, 3, 2});
  g.connect({a.split, 0}, {qT, 0});
  NodeId qk = g.addNode("MatMul", "q_k");
  g.connect({qT, 0}, {qk, 0});
  g.connect({a.split, 1}, {qk, 1});
  NodeId scale = g.addNode("Mul", "scale");
  g.connect({qk, 0}, {scale, 0});
  g.setConstant(scale, 1, Tensor::scalar(float(1.0 / std::sqrt(32.0))));
  a.scores = g.addNode("Softmax", "softmax");
  g.setAttr(a.scores, "axis", int64_t(-1));
  g.connect({scale, 0}, {a.scores, 0});
  NodeId attnT = g.addNode("Transpose", "attn_t");
  g.setAttr(attnT, "perm", std::vector<int64_t>{0, 1, 3, 2});
  g.connect({a.scores, 0}, {attnT, 0});
  NodeId av = g.addNode("MatMul", "v_attn");
  g.connect({a.split, 2}, {av, 0});
  g.connect({attnT, 0}, {av, 1});
  NodeId back = g.addNode("Reshape", "to_map");
  g.connect({av, 0}, {back, 0});
  g.setConstant(back, 1, ints({1, 128, 20, 20}));
  a.out = g.addNode("Output", "y");
  g.connect({back, 0}, {a.out, 0});
  return a;
}

}  // namespace

class TestAttentionPattern : public QObject {
  Q_OBJECT
 private Q_SLOTS:
  void staticShapes() {
    Attention a = buildAttention();
    ShapeInfo info = inferShapes(a.g);
    QVERIFY2(info.diagnostics.empty(),
             info.diagnostics.empty() ? "" : info.diagnostics.front().message.c_str());
    QCOMPARE(info.type({a.split, 2})->dims, (Shape{1, 2, 64, 400}));
    QCOMPARE(info.type({a.scores, 0})->dims, (Shape{1, 2, 400, 400}));
    QCOMPARE(info.type({a.g.findByName("to_map")->id, 0})->dims, (Shape{1, 128, 20, 20}));
  }
  void fastMatchesReference() {
    Attention a = buildAttention();
    std::map<std::string, Tensor> feeds{{"qkv", randn({1, 256, 20, 20}, 11)}};
    Tensor fast = evaluate(a.g, feeds, false)[0], ref = evaluate(a.g, feeds, true)[0];
    NC_CHECK(compareTensors(fast, ref, {1e-5, 1e-4}));
    // The attention rows are distributions.
    Evaluator ev;
    ev.setFeed("qkv", feeds["qkv"]);
    QVERIFY(ev.run(a.g).ok());
    const Tensor* p = ev.output({a.scores, 0});
    double row = 0;
    for (int64_t i = 0; i < 400; ++i) row += p->f32()[i];
    QVERIFY(std::fabs(row - 1.0) < 1e-5);
  }
  void onnxRuntime() {
    Attention a = buildAttention();
    std::map<std::string, Tensor> feeds{{"qkv", randn({1, 256, 20, 20}, 12)}};
    NC_CHECK(checkGraphWithOrt(a.g, feeds));
    NC_CHECK(checkGraphWithOrt(a.g, feeds, {1e-4, 1e-4}, 18));
  }
};

QTEST_APPLESS_MAIN(TestAttentionPattern)
#include "test_attention_pattern.moc"
