// The blocked-layout inference path (core/blocked_layout.h, EvalOptions::inference): the
// nChw16c reorders against an index formula, each op's blocked form against its plain fast
// kernel and its reference kernel, YOLO11n (64x64) evaluated in inference mode against the
// plain fast path, the reference kernels and ONNX Runtime, and the evaluator's freeing of
// intermediates.
#include <QtTest>
#include <cmath>

#include "core/eval/blocked_layout.h"
#include "core/blocks/yolo11.h"
#include "core/eval/evaluator.h"
#include "core/eval/fusion.h"
#include "core/onnx/export.h"
#include "core/ops/registry.h"
#include "tools/ort/ort_bridge.h"
#include "tests/support/op_case.h"
#include "tests/support/ort.h"

using namespace nc;
using namespace nctest;

namespace {

// One node of `op` with `attrs` in a graph of its own (its inputs are fed at run time).
struct OneNode {
  Graph g;
  NodeId id;
  OneNode(const std::string& op, const std::vector<std::pair<std::string, AttrValue>>& attrs, int outputs = 1) {
    id = g.addNode(op, "node");
    for (auto& [k, v] : attrs) g.setAttr(id, k, v);
    if (outputs != g.node(id).numOutputs) g.setOutputCount(id, outputs);
  }
  std::unique_ptr<Kernel> kernel(bool reference) const {
    const OpSpec& spec = *findOp(g.node(id).op);
    AttrReader r(spec, nodeInfo(g.node(id)));
    return (reference || !spec.fast) ? spec.reference(r) : spec.fast(r);
  }
};

// Runs the node's fast kernel through computeBlockedNode with the inputs flagged in `blocked`
// reordered to nChw16c; checks that it ran blocked (when `expectBlocked`) and that its outputs,
// reordered back, equal the plain fast kernel's and the reference kernel's.
std::string checkBlocked(const OneNode& n, const std::vector<Tensor>& plainIn, const std::vector<bool>& blocked,
                         bool expectBlocked = true) {
  std::vector<Tensor> in = plainIn;
  for (size_t i = 0; i < in.size(); ++i)
    if (blocked[i]) in[i] = toBlocked(in[i]);
  auto fast = n.kernel(false);
  std::vector<bool> outBlocked;
  std::optional<std::vector<Tensor>> out = computeBlockedNode(n.g.node(n.id), *fast, in, blocked, outBlocked);
  if (!expectBlocked) return out ? "ran blocked, expected the plain fallback" : "";
  if (!out) return "did not run blocked";
  std::vector<Tensor> plainFast = fast->compute(plainIn);
  std::vector<Tensor> ref = n.kernel(true)->compute(plainIn);
  if (out->size() != ref.size()) return "output count differs";
  for (size_t i = 0; i < out->size(); ++i) {
    Tensor y = outBlocked.at(i) ? toPlain((*out)[i]) : (*out)[i];
    if (auto m = compareTensors(y, plainFast[i], {1e-5, 1e-5}); !m.empty())
      return "output " + std::to_string(i) + " vs plain fast kernel: " + m;
    if (auto m = compareTensors(y, ref[i], {1e-4, 1e-4}); !m.empty())
      return "output " + std::to_string(i) + " vs reference kernel: " + m;
  }
  return {};
}

}  // namespace

class TestBlockedLayout : public QObject {
  Q_OBJECT
 private Q_SLOTS:
  // nChw16c: element (n, c, h, w) sits at ((n * C/16 + c/16) * H * W + h * W + w) * 16 + c % 16.
  void reorderMatchesIndexFormula() {
    const int64_t N = 2, C = 32, H = 3, W = 5;
    Tensor x = randn({N, C, H, W}, 1);
    QVERIFY(blockable(x));
    Tensor b = toBlocked(x);
    QCOMPARE(b.shape(), x.shape());
    for (int64_t n = 0; n < N; ++n)
      for (int64_t c = 0; c < C; ++c)
        for (int64_t h = 0; h < H; ++h)
          for (int64_t w = 0; w < W; ++w) {
            const float want = x.f32()[((n * C + c) * H + h) * W + w];
            const float got = b.f32()[((n * (C / 16) + c / 16) * H * W + h * W + w) * 16 + c % 16];
            QCOMPARE(got, want);
          }
    NC_CHECK(compareTensors(toPlain(b), x, {0, 0}));
  }
  void onlyRank4WithBlockMultipleChannelsIsBlockable() {
    QVERIFY(!blockable(Tensor(DType::Float32, {1, 24, 4, 4})));
    QVERIFY(!blockable(Tensor(DType::Float32, {1, 16, 4})));
    QVERIFY(!blockable(Tensor(DType::Int64, {1, 16, 4, 4})));
    QVERIFY(!blockable(Tensor()));
    QVERIFY_THROWS_EXCEPTION(Error, toBlocked(Tensor(DType::Float32, {1, 8, 2, 2})));
  }

  void convBlockedInAndOut() {
    // Fused SiLU, stride 2, odd spatial size; 32 -> 48 channels.
    OneNode n("Conv", {{"pads", std::vector<int64_t>{1, 1, 1, 1}},
                       {"strides", std::vector<int64_t>{2, 2}},
                       {"activation", std::string("SiLU")}});
    std::vector<Tensor> in = {randn({1, 32, 13, 11}, 2), randn({48, 32, 3, 3}, 3), randn({48}, 4)};
    NC_CHECK(checkBlocked(n, in, {true, false, false}));
    NC_CHECK(checkBlocked(n, in, {false, false, false}));  // plain in, blocked out
  }
  void convWithOddChannelsFallsBackInsideTheKernel() {
    // 3 input channels (the first YOLO layer) and 8 outputs: plain in, plain out.
    OneNode n("Conv", {{"pads", std::vector<int64_t>{1, 1, 1, 1}}});
    std::vector<Tensor> in = {randn({1, 3, 9, 9}, 5), randn({8, 3, 3, 3}, 6)};
    NC_CHECK(checkBlocked(n, in, {false, false}));
    // Depthwise 32 channels, blocked in.
    OneNode dw("Conv", {{"group", int64_t(32)}, {"pads", std::vector<int64_t>{1, 1, 1, 1}}});
    NC_CHECK(checkBlocked(dw, {randn({1, 32, 7, 7}, 7), randn({32, 1, 3, 3}, 8)}, {true, false}));
  }
  void poolsBlocked() {
    OneNode n("MaxPool", {{"kernel_shape", std::vector<int64_t>{5, 5}},
                          {"pads", std::vector<int64_t>{2, 2, 2, 2}}});
    NC_CHECK(checkBlocked(n, {randn({1, 32, 9, 7}, 9)}, {true}));
    OneNode avg("AveragePool", {{"kernel_shape", std::vector<int64_t>{3, 3}},
                                {"strides", std::vector<int64_t>{2, 2}},
                                {"pads", std::vector<int64_t>{1, 1, 1, 1}},
                                {"count_include_pad", int64_t(1)}});
    NC_CHECK(checkBlocked(avg, {randn({2, 16, 7, 8}, 16)}, {true}));
    OneNode ceil("AveragePool", {{"kernel_shape", std::vector<int64_t>{2, 2}},
                                 {"strides", std::vector<int64_t>{2, 2}},
                                 {"ceil_mode", int64_t(1)}});
    NC_CHECK(checkBlocked(ceil, {randn({1, 16, 5, 5}, 17)}, {true}));
    NC_CHECK(checkBlocked(OneNode("GlobalAveragePool", {}), {randn({1, 48, 5, 3}, 18)}, {true}));
    NC_CHECK(checkBlocked(OneNode("GlobalMaxPool", {}), {randn({1, 48, 5, 3}, 19)}, {true}));
  }
  void pointwiseOpsBlocked() {
    Tensor a = randn({1, 16, 5, 3}, 10), b = randn({1, 16, 5, 3}, 11);
    NC_CHECK(checkBlocked(OneNode("Add", {}), {a, b}, {true, true}));
    NC_CHECK(checkBlocked(OneNode("Mul", {}), {a, b}, {true, true}));
    NC_CHECK(checkBlocked(OneNode("Sigmoid", {}), {a}, {true}));
    // A plain operand or broadcasting: the plain fallback.
    NC_CHECK(checkBlocked(OneNode("Add", {}), {a, b}, {true, false}, false));
    NC_CHECK(checkBlocked(OneNode("Mul", {}), {a, Tensor::scalar(2.0f)}, {true, false}, false));
  }
  void concatAndSplitAlongChannels() {
    Tensor a = randn({1, 16, 4, 5}, 12), b = randn({1, 32, 4, 5}, 13);
    NC_CHECK(checkBlocked(OneNode("Concat", {{"axis", int64_t(1)}}), {a, b}, {true, true}));
    NC_CHECK(checkBlocked(OneNode("Concat", {{"axis", int64_t(-3)}}), {a, b}, {false, true}));  // one reordered
    NC_CHECK(checkBlocked(OneNode("Concat", {{"axis", int64_t(2)}}), {a, a}, {true, true}, false));
    Tensor x = randn({1, 64, 3, 5}, 14);
    NC_CHECK(checkBlocked(OneNode("Split", {{"axis", int64_t(1)}}, 2), {x, Tensor::fromInt64({2}, {16, 48})},
                          {true, false}));
    NC_CHECK(checkBlocked(OneNode("Split", {{"axis", int64_t(1)}}, 2), {x, Tensor()}, {true, false}));  // equal
    NC_CHECK(checkBlocked(OneNode("Split", {{"axis", int64_t(1)}}, 2), {x, Tensor::fromInt64({2}, {8, 56})},
                          {true, false}, false));
  }
  void nearestResizeAndUpsample() {
    Tensor x = randn({1, 32, 5, 3}, 15);
    Tensor scales = Tensor::fromFloats({4}, {1, 1, 2, 2});
    NC_CHECK(checkBlocked(OneNode("Resize", {{"mode", std::string("nearest")}}), {x, Tensor(), scales, Tensor()},
                          {true, false, false, false}));
    NC_CHECK(checkBlocked(OneNode("Resize", {{"mode", std::string("nearest")},
                                             {"coordinate_transformation_mode", std::string("asymmetric")}}),
                          {x, Tensor(), Tensor(), Tensor::fromInt64({4}, {1, 32, 7, 8})}, {true, false, false, false}));
    NC_CHECK(checkBlocked(OneNode("Upsample", {{"mode", std::string("nearest")}}), {x, scales}, {true, false}));
    // Linear interpolation stays plain.
    NC_CHECK(checkBlocked(OneNode("Resize", {{"mode", std::string("linear")}}), {x, Tensor(), scales, Tensor()},
                          {true, false, false, false}, false));
  }

  // The whole YOLO11n at 64x64, as `netcanvas-cli bench` runs it (BatchNorm folded, activations
  // fused): inference mode vs the plain fast path, the reference kernels and ONNX Runtime.
  void yolo11nInferenceMatchesPlainReferenceAndOrt() {
    yolo::Yolo11Config cfg;
    cfg.imageSize = 64;
    Graph g = optimizeForInference(yolo::buildYolo11(cfg));
    Tensor img = uniform({1, 3, 64, 64}, 0.0f, 1.0f, 21);
    EvalOptions inference;
    inference.inference = true;
    std::vector<Tensor> blocked = evaluate(g, {{"images", img}}, inference);
    std::vector<Tensor> plain = evaluate(g, {{"images", img}});
    std::vector<Tensor> ref = evaluate(g, {{"images", img}}, true);
    QCOMPARE(blocked.size(), size_t(1));
    QCOMPARE(blocked[0].shape(), (Shape{1, 84, 84}));
    const double scale = std::max(1.0f, maxAbs(ref[0]));
    NC_CHECK(compareTensors(blocked[0], plain[0], {1e-4 * scale, 1e-4}));
    NC_CHECK(compareTensors(blocked[0], ref[0], {1e-4 * scale, 1e-4}));
    const std::string path = tempPath(".onnx");
    exportModel(g, path);
    OrtResult ort = runOrt(path, {{"images", img}});
    QCOMPARE(ort.outputs.size(), size_t(1));
    NC_CHECK(compareTensors(blocked[0], ort.outputs[0], {1e-4 * scale, 1e-4}));
  }

  // Inference frees intermediates after their last reader and keeps graph inputs and outputs;
  // the next normal run recomputes everything so previews work again.
  void inferenceFreesIntermediatesAndPreviewsComeBack() {
    Graph g;
    NodeId in = g.addNode("Input", "x");
    NodeId conv = g.addNode("Conv", "conv");
    g.setConstant(conv, 1, randn({32, 16, 1, 1}, 30));
    NodeId sig = g.addNode("Sigmoid", "sig");
    NodeId out = g.addNode("Output", "y");
    g.connect({in, 0}, {conv, 0});
    g.connect({conv, 0}, {sig, 0});
    g.connect({sig, 0}, {out, 0});
    Tensor x = randn({1, 16, 6, 6}, 31);
    Evaluator ev;
    ev.setFeed("x", x);
    EvalOptions inf;
    inf.inference = true;
    QVERIFY(ev.run(g, inf).ok());
    QVERIFY(ev.output({conv, 0}) == nullptr);  // freed after Sigmoid read it
    QVERIFY(ev.output({in, 0}) != nullptr);
    const Tensor* y = ev.output({sig, 0});  // blocked inside, plain on request
    QVERIFY(y != nullptr);
    std::vector<Tensor> want = evaluate(g, {{"x", x}}, true);
    NC_CHECK(compareTensors(*y, want[0], {1e-5, 1e-5}));
    NC_CHECK(compareTensors(ev.graphOutputs(g)[0], want[0], {1e-5, 1e-5}));
    // A second inference run with the same feed recomputes the freed Conv, and gives the same.
    EvalReport again = ev.run(g, inf);
    QVERIFY(again.ok());
    NC_CHECK(compareTensors(ev.graphOutputs(g)[0], want[0], {1e-5, 1e-5}));
    // Back to the editor's mode: every value is there again, plain.
    EvalReport r = ev.run(g);
    QVERIFY(r.ok());
    QVERIFY(ev.output({conv, 0}) != nullptr);
    NC_CHECK(compareTensors(*ev.output({sig, 0}), want[0], {1e-5, 1e-5}));
  }
};

QTEST_GUILESS_MAIN(TestBlockedLayout)
#include "test_blocked_layout.moc"
