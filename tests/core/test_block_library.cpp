// The block library (core/blocks/library.h): every library block inserted on its own evaluates
// like ONNX Runtime and has Ultralytics' parameter count (hand-computed from the module
// definitions); regeneration keeps outside connections and the weights whose shapes still fit,
// refuses bad parameters without touching the graph, and with unchanged parameters reproduces
// the same numbers; group / extract / instantiate round trips; YOLO11n reads as its 24 layers.
#include <QtTest>
#include <cmath>
#include <cstring>
#include <set>

#include "core/blocks/library.h"
#include "core/blocks/yolo11.h"
#include "core/base/error.h"
#include "core/eval/evaluator.h"
#include "core/project/project.h"
#include "core/eval/shape_inference.h"
#include "tests/support/op_case.h"
#include "tests/support/ort.h"
#include "tests/support/properties.h"

using namespace nc;
using namespace nctest;
using Params = std::map<std::string, AttrValue>;

Q_DECLARE_METATYPE(Params)
Q_DECLARE_METATYPE(std::vector<Shape>)
Q_DECLARE_METATYPE(Shape)

namespace {

int64_t convParams(int64_t c1, int64_t c2, int64_t k, int64_t g = 1) { return c1 / g * c2 * k * k + 2 * c2; }

bool bitIdentical(const Tensor& a, const Tensor& b) {
  return a.dtype() == b.dtype() && a.shape() == b.shape() &&
         std::memcmp(a.floats().data(), b.floats().data(), a.floats().size() * sizeof(float)) == 0;
}

NodeId addInput(Graph& g, const std::string& name, const Shape& shape, int64_t seed) {
  NodeId id = g.addNode("Input", name);
  g.setAttr(id, "shape", shape);
  g.setAttr(id, "seed", seed);
  return id;
}

// The single output port of a block (what its consumers connect to).
PortRef blockOutput(const Graph& g, BlockId b) {
  BlockPorts p = g.blockPorts(b);
  if (p.outputs.size() != 1) throw Error("expected one block output");
  return p.outputs[0];
}

NodeId addOutput(Graph& g, const std::string& name, PortRef from) {
  NodeId o = g.addNode("Output", name);
  g.connect(from, {o, 0});
  return o;
}

std::map<std::string, Tensor> inputFeeds(const Graph& g, Evaluator& ev) {
  std::map<std::string, Tensor> feeds;
  for (NodeId id : g.inputNodes()) feeds[g.node(id).name] = *ev.output({id, 0});
  return feeds;
}

std::vector<Tensor> run(const Graph& g) {
  Evaluator ev;
  EvalReport r = ev.run(g);
  if (!r.ok()) throw Error(r.errors.empty() ? "cancelled" : r.errors.front().message);
  return ev.graphOutputs(g);
}

// x (1 x c1 x h x w) -> block -> y.
struct Standalone {
  Graph g;
  BlockId block = kNoBlock;
  Standalone(const std::string& type, const Params& params, const std::vector<Shape>& inputs) {
    std::vector<PortRef> ports;
    for (size_t i = 0; i < inputs.size(); ++i) {
      std::string name = std::to_string(i);
      name.insert(name.begin(), 'x');  // not "x" + ...: GCC 12 -Wrestrict false positive
      ports.push_back({addInput(g, name, inputs[i], int64_t(i + 1)), 0});
    }
    block = blocks::insertBlock(g, type, params, ports, "m");
    addOutput(g, "y", blockOutput(g, block));
  }
};

bool sameByteForByte(const ProjectBytes& a, const ProjectBytes& b) { return a.json == b.json && a.weights == b.weights; }

}  // namespace

class TestBlockLibrary : public QObject {
  Q_OBJECT
 private Q_SLOTS:
  void libraryListsTheYolo11Modules() {
    std::vector<std::string> types;
    for (const blocks::BlockType& t : blocks::blockLibrary()) types.push_back(t.type);
    QCOMPARE(types, (std::vector<std::string>{"Conv", "Bottleneck", "C3k", "C3k2", "SPPF", "Attention", "PSABlock",
                                              "C2PSA", "Upsample", "Concat", "Detect"}));
    QVERIFY(blocks::findBlockType("C3k2"));
    QVERIFY(!blocks::findBlockType("C3k3"));
    QCOMPARE(blocks::findBlockType("Concat")->inputs, -1);
  }

  void completeParamsOverlaysDefaultsAndChecks() {
    Params p = blocks::completeParams("C3k2", {{"n", int64_t(3)}, {"e", int64_t(1)}});
    QCOMPARE(std::get<int64_t>(p.at("n")), int64_t(3));
    QCOMPARE(std::get<float>(p.at("e")), 1.0f);  // an int is accepted for a float parameter
    QCOMPARE(std::get<int64_t>(p.at("c3k")), int64_t(0));
    QCOMPARE(std::get<int64_t>(p.at("shortcut")), int64_t(1));
    auto throwsMentioning = [](const std::string& type, const Params& ps, const std::string& word) {
      try {
        blocks::completeParams(type, ps);
      } catch (const Error& e) {
        return std::string(e.what()).find(word) != std::string::npos;
      }
      return false;
    };
    QVERIFY(throwsMentioning("C3k2", {{"n", int64_t(0)}}, "out of range"));
    QVERIFY(throwsMentioning("C3k2", {{"depth", int64_t(2)}}, "unknown parameter 'depth'"));
    QVERIFY(throwsMentioning("C3k2", {{"n", std::string("two")}}, "must be int"));
    QVERIFY(throwsMentioning("Bottleneck", {{"k", std::vector<int64_t>{3, 0}}}, "out of range"));
    QVERIFY(throwsMentioning("Nope", {}, "unknown block type 'Nope'"));
  }

  // Each type on its own: ONNX Runtime computes our numbers, and the trainable parameters are
  // Ultralytics' (Conv(c1, c2, k, g) = c1/g*c2*k*k weights + 2*c2 BatchNorm affine; biasless).
  void standaloneMatchesOrtAndUltralyticsCount_data() {
    QTest::addColumn<QString>("type");
    QTest::addColumn<Params>("params");
    QTest::addColumn<std::vector<Shape>>("inputs");
    QTest::addColumn<Shape>("output");
    QTest::addColumn<qint64>("count");
    auto row = [](const char* name, const char* type, Params p, std::vector<Shape> in, Shape out, int64_t count) {
      QTest::newRow(name) << QString(type) << p << in << out << qint64(count);
    };
    row("Conv k3 s2", "Conv", {{"c2", int64_t(16)}, {"k", int64_t(3)}, {"s", int64_t(2)}}, {{1, 8, 11, 13}},
        {1, 16, 6, 7}, convParams(8, 16, 3));  // 1184
    row("Conv grouped, linear", "Conv", {{"c2", int64_t(12)}, {"k", int64_t(3)}, {"g", int64_t(4)}, {"act", int64_t(0)}},
        {{1, 8, 7, 7}}, {1, 12, 7, 7}, convParams(8, 12, 3, 4));  // 240
    // Bottleneck(16, 16, e=0.5): Conv(16, 8, 3) + Conv(8, 16, 3).
    row("Bottleneck", "Bottleneck", {{"c2", int64_t(16)}}, {{1, 16, 9, 11}}, {1, 16, 9, 11},
        convParams(16, 8, 3) + convParams(8, 16, 3));  // 2352
    // C3k(16, 32, n=2, e=0.5): c_ = 16; cv1, cv2 = Conv(16, 16, 1); cv3 = Conv(32, 32, 1);
    // two Bottleneck(16, 16, e=1.0) = 2 * Conv(16, 16, 3) each.
    row("C3k", "C3k", {{"c2", int64_t(32)}, {"n", int64_t(2)}}, {{1, 16, 9, 7}}, {1, 32, 9, 7},
        2 * convParams(16, 16, 1) + convParams(32, 32, 1) + 4 * convParams(16, 16, 3));  // 11008
    // C3k2(32, 64, n=1, e=0.25): c = 16; cv1 = Conv(32, 32, 1); cv2 = Conv(48, 64, 1);
    // Bottleneck(16, 16, e=0.5) = Conv(16, 8, 3) + Conv(8, 16, 3).
    row("C3k2", "C3k2", {{"c2", int64_t(64)}, {"e", 0.25f}}, {{1, 32, 11, 9}}, {1, 64, 11, 9},
        convParams(32, 32, 1) + convParams(48, 64, 1) + convParams(16, 8, 3) + convParams(8, 16, 3));  // 6640
    // C3k2(32, 32, n=1, c3k, e=0.5): c = 16; cv1 = Conv(32, 32, 1); cv2 = Conv(48, 32, 1); C3k(16, 16, 2):
    // c_ = 8; Conv(16, 8, 1) x2, Conv(16, 16, 1), 2 Bottleneck(8, 8, e=1.0) = 4 Conv(8, 8, 3).
    row("C3k2 with C3k", "C3k2", {{"c2", int64_t(32)}, {"c3k", int64_t(1)}}, {{1, 32, 8, 8}}, {1, 32, 8, 8},
        convParams(32, 32, 1) + convParams(48, 32, 1) + 2 * convParams(16, 8, 1) + convParams(16, 16, 1) +
            4 * convParams(8, 8, 3));  // 5632
    // SPPF(32, 32, 5): Conv(32, 16, 1) + Conv(64, 32, 1).
    row("SPPF", "SPPF", {{"c2", int64_t(32)}}, {{1, 32, 13, 11}}, {1, 32, 13, 11},
        convParams(32, 16, 1) + convParams(64, 32, 1));  // 2656
    // Attention(64, heads 2, ratio 0.5): head_dim 32, key_dim 16, h = 64 + 2*16*2 = 128;
    // qkv = Conv(64, 128, 1), proj = Conv(64, 64, 1), pe = Conv(64, 64, 3, g=64).
    row("Attention", "Attention", {{"num_heads", int64_t(2)}}, {{1, 64, 5, 7}}, {1, 64, 5, 7},
        convParams(64, 128, 1) + convParams(64, 64, 1) + convParams(64, 64, 3, 64));  // 13376
    // PSABlock(64, heads 1): h = 64 + 32*2 = 128, plus ffn Conv(64, 128, 1) + Conv(128, 64, 1).
    row("PSABlock", "PSABlock", {{"num_heads", int64_t(1)}}, {{1, 64, 7, 5}}, {1, 64, 7, 5},
        convParams(64, 128, 1) + convParams(64, 64, 1) + convParams(64, 64, 3, 64) + convParams(64, 128, 1) +
            convParams(128, 64, 1));  // 30144
    // C2PSA(128, 128, n=1): c = 64; cv1 = Conv(128, 128, 1), cv2 = Conv(128, 128, 1), PSABlock(64, heads 1).
    row("C2PSA", "C2PSA", {{"c2", int64_t(128)}}, {{1, 128, 5, 3}}, {1, 128, 5, 3},
        2 * convParams(128, 128, 1) + convParams(64, 128, 1) + convParams(64, 64, 1) + convParams(64, 64, 3, 64) +
            convParams(64, 128, 1) + convParams(128, 64, 1));  // 63424
    row("Upsample", "Upsample", {}, {{1, 5, 3, 7}}, {1, 5, 6, 14}, 0);
    row("Concat", "Concat", {}, {{1, 3, 5, 7}, {1, 4, 5, 7}, {1, 2, 5, 7}}, {1, 9, 5, 7}, 0);
    // Detect(nc 8, ch 16/32/64): c2 = max(16, 16/4, 64) = 64, c3 = max(16, min(8, 100)) = 16; per level
    // of x channels: Conv(x, 64, 3), Conv(64, 64, 3), Conv2d(64, 64, 1) + bias; DWConv(x, x, 3),
    // Conv(x, 16, 1), DWConv(16, 16, 3), Conv(16, 16, 1), Conv2d(16, 8, 1) + bias; DFL conv 16.
    int64_t detect = 16;
    for (int64_t x : {16, 32, 64})
      detect += convParams(x, 64, 3) + convParams(64, 64, 3) + 64 * 64 + 64 + convParams(x, x, 3, x) +
                convParams(x, 16, 1) + convParams(16, 16, 3, 16) + convParams(16, 16, 1) + 16 * 8 + 8;
    row("Detect", "Detect", {{"nc", int64_t(8)}}, {{1, 16, 8, 8}, {1, 32, 4, 4}, {1, 64, 2, 2}}, {1, 12, 84},
        detect);  // 193288
  }
  void standaloneMatchesOrtAndUltralyticsCount() {
    QFETCH(QString, type);
    QFETCH(Params, params);
    QFETCH(std::vector<Shape>, inputs);
    QFETCH(Shape, output);
    QFETCH(qint64, count);
    Standalone s(type.toStdString(), params, inputs);
    const Block& b = s.g.block(s.block);
    QCOMPARE(b.type, type.toStdString());
    QCOMPARE(b.name, std::string("m"));
    QVERIFY(b.collapsed);
    QCOMPARE(s.g.blockNodes(s.block).size() + inputs.size() + 1, s.g.size());  // everything else is inside
    QCOMPARE(yolo::trainableParameterCount(s.g), int64_t(count));
    ShapeInfo si = inferShapes(s.g);
    QVERIFY2(si.diagnostics.empty(), si.diagnostics.empty() ? "" : si.diagnostics.front().message.c_str());
    Evaluator ev;
    EvalReport r = ev.run(s.g);
    QVERIFY2(r.ok(), r.errors.empty() ? "cancelled" : r.errors.front().message.c_str());
    std::vector<Tensor> out = ev.graphOutputs(s.g);
    QCOMPARE(out[0].shape(), output);
    const double scale = std::max(1.0f, maxAbs(out[0]));
    NC_CHECK(checkGraphWithOrt(s.g, inputFeeds(s.g, ev), {1e-4 * scale, 1e-4}));
  }

  void insertRefusesBadInputs() {
    Graph g;
    NodeId x = addInput(g, "x", {1, 8, 5, 5}, 1);
    NodeId t = g.addNode("Tanh", "t");  // unbound: unknown shape
    const ProjectBytes before = serializeProject(g);
    QVERIFY_THROWS_EXCEPTION(Error, blocks::insertBlock(g, "Conv", {}, {{t, 0}}, "c"));
    QVERIFY_THROWS_EXCEPTION(Error, blocks::insertBlock(g, "Conv", {}, {{x, 0}, {x, 0}}, "c"));  // one input
    QVERIFY_THROWS_EXCEPTION(Error, blocks::insertBlock(g, "C2PSA", {{"c2", int64_t(8)}}, {{x, 0}}, "c"));  // c1*e < 64
    QVERIFY_THROWS_EXCEPTION(Error, blocks::insertBlock(g, "Attention", {{"num_heads", int64_t(3)}}, {{x, 0}}, "c"));
    QVERIFY(sameByteForByte(serializeProject(g), before));
    // Names are made unique; c2 = 0 follows the input.
    BlockId a = blocks::insertBlock(g, "Conv", {}, {{x, 0}}, "c");
    BlockId b = blocks::insertBlock(g, "Conv", {}, {{x, 0}}, "c");
    QCOMPARE(g.block(a).name, std::string("c"));
    QCOMPARE(g.block(b).name, std::string("c_1"));
    ShapeInfo si = inferShapes(g);
    QCOMPARE(si.type(blockOutput(g, b))->dims, (Shape{1, 8, 5, 5}));
    QCOMPARE(g.block(a).x, g.node(x).x + 280);  // placed right of its input
    BlockId after = blocks::insertBlock(g, "Conv", {}, {blockOutput(g, a)}, "d");
    QCOMPARE(g.block(after).x, g.block(a).x + 280);  // right of the collapsed block, not its inside
  }

  // x -> pre (Conv) -> c (C3k2) -> post (Conv) -> y: C3k2 n 1 -> 2 keeps cv1 and m.0 bit for bit,
  // adds a fresh m.1, rebuilds cv2 (its input grows from 3c to 4c channels).
  void regenerateC3k2RepeatsKeepsWeightsAndConnections() {
    Graph g;
    NodeId x = addInput(g, "x", {1, 16, 9, 7}, 3);
    BlockId pre = blocks::insertBlock(g, "Conv", {{"c2", int64_t(32)}, {"k", int64_t(3)}}, {{x, 0}}, "pre");
    BlockId c = blocks::insertBlock(g, "C3k2", {{"c2", int64_t(32)}}, {blockOutput(g, pre)}, "c");
    BlockId post = blocks::insertBlock(g, "Conv", {{"c2", int64_t(8)}}, {blockOutput(g, c)}, "post");
    addOutput(g, "y", blockOutput(g, post));
    const Graph old = g;
    const PortRef preOut = blockOutput(g, pre);
    const NodeId postConv = g.findByName("post.conv")->id;

    blocks::regenerateBlock(g, c, {{"n", int64_t(2)}});
    QCOMPARE(std::get<int64_t>(g.block(c).params.at("n")), int64_t(2));
    QCOMPARE(std::get<int64_t>(g.block(c).params.at("c2")), int64_t(32));  // the rest unchanged
    BlockPorts ports = g.blockPorts(c);
    QCOMPARE(ports.inputs.size(), size_t(1));
    QVERIFY(ports.inputs[0].source == preOut);
    QCOMPARE(ports.outputs.size(), size_t(1));
    QCOMPARE(g.consumers(ports.outputs[0]), (std::vector<PortRef>{{postConv, 0}}));
    QVERIFY(g.findBlockByName("c.m.1"));
    QCOMPARE(g.findBlockByName("c.m.1")->parent, c);
    QCOMPARE(g.findBlockByName("c.m.1.cv2")->type, std::string("Conv"));
    for (const char* name : {"c.cv1.conv", "c.cv1.bn", "c.m.0.cv1.conv", "c.m.0.cv2.bn"}) {
      const Node *a = old.findByName(name), *b = g.findByName(name);
      QVERIFY2(a && b, name);
      QVERIFY(a->id != b->id);  // rebuilt nodes...
      for (size_t i = 1; i < a->inputs.size(); ++i)  // ...with the old weights
        QVERIFY2(bitIdentical(a->inputs[i].constant, b->inputs[i].constant), name);
    }
    QCOMPARE(g.findByName("c.cv2.conv")->inputs[1].constant.shape(), (Shape{32, 64, 1, 1}));
    QCOMPARE(old.findByName("c.cv2.conv")->inputs[1].constant.shape(), (Shape{32, 48, 1, 1}));
    QVERIFY(!old.findByName("c.m.1.cv1.conv"));
    QCOMPARE(g.findByName("c.m.1.cv1.conv")->inputs[1].constant.shape(), (Shape{8, 16, 3, 3}));
    // The fresh bottleneck is not a copy of the kept one.
    QVERIFY(!bitIdentical(g.findByName("c.m.1.cv1.conv")->inputs[1].constant,
                          g.findByName("c.m.0.cv1.conv")->inputs[1].constant));
    QCOMPARE(yolo::trainableParameterCount(g) - yolo::trainableParameterCount(old),
             int64_t(convParams(16, 8, 3) + convParams(8, 16, 3) + 16 * 32));
    QVERIFY(inferShapes(g).diagnostics.empty());
    std::vector<Tensor> out = run(g);
    QCOMPARE(out[0].shape(), (Shape{1, 8, 9, 7}));
    // Inside positions are laid out anew (no longer the builder's 0, 1, 2, ... row).
    QVERIFY(g.findByName("c.cv2.conv")->x > g.findByName("c.cv1.conv")->x);
  }

  // c2 32 -> 64 with e 0.5 -> 0.25 keeps c = 16: cv1 and the bottleneck keep their weights, cv2
  // (now 64 outputs) is fresh; the block still feeds the graph output.
  void regenerateC3k2ChannelsKeepsWhatFits() {
    Graph g;
    NodeId x = addInput(g, "x", {1, 16, 5, 9}, 4);
    BlockId c = blocks::insertBlock(g, "C3k2", {{"c2", int64_t(32)}}, {{x, 0}}, "c");
    NodeId y = addOutput(g, "y", blockOutput(g, c));
    const Graph old = g;
    blocks::regenerateBlock(g, c, {{"c2", int64_t(64)}, {"e", 0.25f}});
    QVERIFY(g.node(y).inputs[0].source == blockOutput(g, c));
    QVERIFY(g.blockPorts(c).inputs[0].source == (PortRef{x, 0}));
    for (const char* name : {"c.cv1.conv", "c.cv1.bn", "c.m.0.cv1.conv", "c.m.0.cv2.conv", "c.m.0.cv2.bn"})
      for (size_t i = 1; i < g.findByName(name)->inputs.size(); ++i)
        QVERIFY2(bitIdentical(old.findByName(name)->inputs[i].constant, g.findByName(name)->inputs[i].constant), name);
    QCOMPARE(g.findByName("c.cv2.conv")->inputs[1].constant.shape(), (Shape{64, 48, 1, 1}));
    QCOMPARE(g.findByName("c.cv2.bn")->inputs[1].constant.shape(), (Shape{64}));
    std::vector<Tensor> out = run(g);
    QCOMPARE(out[0].shape(), (Shape{1, 64, 5, 9}));
    Evaluator ev;
    QVERIFY(ev.run(g).ok());
    NC_CHECK(checkGraphWithOrt(g, inputFeeds(g, ev), {1e-4 * std::max(1.0f, maxAbs(out[0])), 1e-4}));
  }

  // Settings (Split sizes, Resize scales, Reshape shapes) follow the new parameters even where
  // their shape is unchanged; only weights are kept.
  void regenerateRebuildsSettings() {
    Graph g;
    NodeId x = addInput(g, "x", {1, 16, 5, 7}, 4);
    BlockId up = blocks::insertBlock(g, "Upsample", {}, {{x, 0}}, "up");
    BlockId c = blocks::insertBlock(g, "C3k2", {{"c2", int64_t(32)}}, {blockOutput(g, up)}, "c");
    addOutput(g, "y", blockOutput(g, c));
    QCOMPARE(run(g)[0].shape(), (Shape{1, 32, 10, 14}));
    blocks::regenerateBlock(g, up, {{"scale", int64_t(3)}});
    blocks::regenerateBlock(g, c, {{"c2", int64_t(48)}});  // c = 24: the chunk splits 24 + 24
    QCOMPARE(run(g)[0].shape(), (Shape{1, 48, 15, 21}));
    QCOMPARE(g.findByName("c.chunk")->inputs[1].constant.ints()[0], int64_t(24));
  }

  void regenerateWithBadParamsLeavesTheGraphAlone() {
    Graph g;
    NodeId x = addInput(g, "x", {1, 16, 5, 5}, 4);
    BlockId c = blocks::insertBlock(g, "C3k2", {{"c2", int64_t(16)}}, {{x, 0}}, "c");
    addOutput(g, "y", blockOutput(g, c));
    NodeId t = g.addNode("Tanh", "loose");
    BlockId plain = blocks::groupNodes(g, {t}, "plain");
    const ProjectBytes before = serializeProject(g);
    QVERIFY_THROWS_EXCEPTION(Error, blocks::regenerateBlock(g, c, {{"n", int64_t(0)}}));
    QVERIFY_THROWS_EXCEPTION(Error, blocks::regenerateBlock(g, c, {{"repeats", int64_t(2)}}));
    QVERIFY_THROWS_EXCEPTION(Error, blocks::regenerateBlock(g, c, {{"e", 0.01f}}));  // int(16 * 0.01) = 0 channels
    QVERIFY_THROWS_EXCEPTION(Error, blocks::regenerateBlock(g, plain, {}));          // not a library block
    QVERIFY_THROWS_EXCEPTION(Error, blocks::regenerateBlock(g, 999, {}));
    QVERIFY(sameByteForByte(serializeProject(g), before));
    // An unconnected block cannot be rebuilt (no input shape); still untouched.
    g.disconnect(g.blockPorts(c).inputs[0].targets[0]);
    const ProjectBytes loose = serializeProject(g);
    QVERIFY_THROWS_EXCEPTION(Error, blocks::regenerateBlock(g, c, {{"n", int64_t(2)}}));
    QVERIFY(sameByteForByte(serializeProject(g), loose));
  }

  // Property: regenerating with the same parameters rebuilds every node (new ids) with the same
  // weights, so the graph computes exactly the same numbers.
  void regenerateSameParamsSameNumbers() {
    QVERIFY(checkN("regenerate with the same parameters keeps the numbers", 15, [] {
      const std::string type = *rc::gen::element<std::string>("Conv", "Bottleneck", "C3k", "C3k2", "SPPF");
      const int64_t c1 = *rc::gen::element<int64_t>(4, 8, 12);
      const int64_t h = *rc::gen::inRange<int64_t>(3, 10), w = *rc::gen::inRange<int64_t>(3, 10);
      Params p = {{"c2", *rc::gen::element<int64_t>(0, 8, 16)}};
      if (type == "Conv") p["k"] = *rc::gen::element<int64_t>(1, 3, 5), p["s"] = *rc::gen::element<int64_t>(1, 2);
      if (type == "Bottleneck" || type == "C3k" || type == "C3k2") p["shortcut"] = *rc::gen::element<int64_t>(0, 1);
      if (type == "C3k" || type == "C3k2") p["n"] = *rc::gen::inRange<int64_t>(1, 3);
      if (type == "C3k2") p["c3k"] = *rc::gen::element<int64_t>(0, 1);
      Graph g;
      NodeId x = addInput(g, "x", {1, c1, h, w}, 9);
      BlockId b = blocks::insertBlock(g, type, p, {{x, 0}}, "b", kNoBlock, 21);
      addOutput(g, "y", blockOutput(g, b));
      const std::vector<Tensor> before = run(g);
      const std::vector<NodeId> oldIds = g.blockNodes(b);
      blocks::regenerateBlock(g, b, {});
      RC_ASSERT(g.blockNodes(b).size() == oldIds.size());
      RC_ASSERT(g.blockNodes(b).front() > oldIds.back());
      const std::vector<Tensor> after = run(g);
      RC_ASSERT(bitIdentical(before[0], after[0]));
    }));
  }

  // PyTorch's folded export has Conv with bias and no BatchNorm; regenerating it into our form
  // keeps the Conv weight by name and moves the bias into the BatchNorm: same numbers.
  void regenerateFoldedConvKeepsWeightAndBias() {
    Graph g;
    NodeId x = addInput(g, "x", {1, 4, 6, 6}, 2);
    NodeId conv = g.addNode("Conv", "f.conv"), act = g.addNode("Sigmoid", "f.sig"), mul = g.addNode("Mul", "f.act");
    g.setAttr(conv, "kernel_shape", std::vector<int64_t>{3, 3});
    g.setAttr(conv, "pads", std::vector<int64_t>{1, 1, 1, 1});
    g.setConstant(conv, 1, randn({8, 4, 3, 3}, 5));
    g.setConstant(conv, 2, uniform({8}, -1, 1, 6));
    g.connect({x, 0}, {conv, 0});
    g.connect({conv, 0}, {act, 0});
    g.connect({conv, 0}, {mul, 0});
    g.connect({act, 0}, {mul, 1});
    addOutput(g, "y", {mul, 0});
    BlockId f = blocks::groupNodes(g, {conv, act, mul}, "f");
    g.setBlockType(f, "Conv", {{"c2", int64_t(8)}, {"k", int64_t(3)}});
    const Tensor weight = g.node(conv).inputs[1].constant;
    const std::vector<Tensor> before = run(g);
    blocks::regenerateBlock(g, f, {});
    QVERIFY(!g.contains(conv));
    QVERIFY(bitIdentical(g.findByName("f.conv")->inputs[1].constant, weight));
    QVERIFY(g.findByName("f.conv")->inputs[2].constant.empty());
    QCOMPARE(g.findByName("f.bn")->op, std::string("BatchNormalization"));
    NC_CHECK(compareTensors(run(g)[0], before[0], {1e-4, 1e-4}));
  }

  void groupNodesNestsAndRefusesPartialBlocks() {
    Graph g;
    NodeId x = addInput(g, "x", {1, 8, 5, 5}, 1);
    BlockId a = blocks::insertBlock(g, "Conv", {}, {{x, 0}}, "a");
    NodeId relu = g.addNode("Relu", "r");
    g.connect(blockOutput(g, a), {relu, 0});
    NodeId y = addOutput(g, "y", {relu, 0});
    // The whole Conv block and the Relu: the block moves under the group.
    std::vector<NodeId> sel = g.blockNodes(a);
    sel.push_back(relu);
    BlockId grp = blocks::groupNodes(g, sel, "grp");
    QCOMPARE(g.block(grp).type, std::string());
    QVERIFY(g.block(grp).collapsed);
    QCOMPARE(g.visibleBlock(relu), grp);
    QCOMPARE(g.block(grp).parent, kNoBlock);
    QCOMPARE(g.block(a).parent, grp);
    QCOMPARE(g.node(relu).block, grp);
    QCOMPARE(g.blockNodes(grp).size(), sel.size());
    BlockPorts p = g.blockPorts(grp);
    QCOMPARE(p.inputs.size(), size_t(1));
    QVERIFY(p.inputs[0].source == (PortRef{x, 0}));
    QCOMPARE(p.outputs, (std::vector<PortRef>{{relu, 0}}));
    // Part of a block with a node outside it: refused, nothing changes.
    const ProjectBytes before = serializeProject(g);
    QVERIFY_THROWS_EXCEPTION(Error, blocks::groupNodes(g, {g.findByName("a.conv")->id, relu}, "bad"));
    QVERIFY_THROWS_EXCEPTION(Error, blocks::groupNodes(g, {}, "bad"));
    QVERIFY(sameByteForByte(serializeProject(g), before));
    // Nodes of one innermost block group inside it.
    BlockId inner = blocks::groupNodes(g, {g.findByName("a.bn")->id, g.findByName("a.act")->id}, "tail");
    QCOMPARE(g.block(inner).parent, a);
    // Extract / instantiate the user group: same numbers.
    Graph saved = blocks::extractBlock(g, grp);
    Graph h;
    NodeId hx = addInput(h, "x", {1, 8, 5, 5}, 1);
    BlockId copy = blocks::instantiateBlock(h, saved, "copy", 100, 50);
    QCOMPARE(h.block(copy).x, 100.0);
    const BlockPorts copyPorts = h.blockPorts(copy);
    QCOMPARE(copyPorts.inputs.size(), size_t(1));
    QCOMPARE(copyPorts.inputs[0].targets.size(), size_t(1));  // x fed a.conv only: no Identity entry
    h.connect({hx, 0}, copyPorts.inputs[0].targets[0]);
    addOutput(h, "y", blockOutput(h, copy));
    QVERIFY(bitIdentical(run(h)[0], run(g)[0]));
    (void)y;
  }

  void yolo11nTopLevelIsTheTwentyFourLayers() {
    Graph g = yolo::buildYolo11();
    const std::vector<std::string> types = {"Conv",   "Conv",   "C3k2", "Conv",     "C3k2",   "Conv",
                                            "C3k2",   "Conv",   "C3k2", "SPPF",     "C2PSA",  "Upsample",
                                            "Concat", "C3k2",   "Upsample", "Concat", "C3k2", "Conv",
                                            "Concat", "C3k2",   "Conv", "Concat",   "C3k2",   "Detect"};
    std::vector<BlockId> top = g.childBlocks(kNoBlock);
    QCOMPARE(top.size(), size_t(24));
    for (size_t i = 0; i < 24; ++i) {
      const Block* b = g.findBlockByName("model." + std::to_string(i));
      QVERIFY(b);
      QCOMPARE(b->parent, kNoBlock);
      QCOMPARE(b->type, types[i]);
      QVERIFY(b->collapsed);
      QCOMPARE(blocks::completeParams(b->type, b->params).size(), blocks::findBlockType(b->type)->params.size());
    }
    for (const auto& [id, b] : g.blocks()) QVERIFY2(b.collapsed, b.name.c_str());
    // Only the graph input and output are outside the blocks; visible top level = 24 + 2 items.
    std::set<BlockId> visible;
    int loose = 0;
    for (NodeId n : g.nodeIds()) {
      BlockId v = g.visibleBlock(n);
      if (v == kNoBlock) ++loose;
      else visible.insert(v);
    }
    QCOMPARE(loose, 2);
    QCOMPARE(visible.size(), size_t(24));
    // Nesting follows the module paths.
    auto parentName = [&](const std::string& n) { return g.block(g.findBlockByName(n)->parent).name; };
    QCOMPARE(parentName("model.2.cv1"), std::string("model.2"));
    QCOMPARE(parentName("model.2.m.0.cv2"), std::string("model.2.m.0"));
    QCOMPARE(g.findBlockByName("model.2.m.0")->type, std::string("Bottleneck"));
    QCOMPARE(g.findBlockByName("model.6.m.0")->type, std::string("C3k"));
    QCOMPARE(g.findBlockByName("model.6.m.0.m.1")->type, std::string("Bottleneck"));
    QCOMPARE(g.findBlockByName("model.10.m.0")->type, std::string("PSABlock"));
    QCOMPARE(g.findBlockByName("model.10.m.0.attn")->type, std::string("Attention"));
    QCOMPARE(g.findBlockByName("model.10.m.0.attn.pe")->type, std::string("Conv"));
    QCOMPARE(std::get<int64_t>(g.findBlockByName("model.10.m.0.attn.pe")->params.at("g")), int64_t(128));
    QCOMPARE(g.findBlockByName("model.23.cv2.0.0")->type, std::string("Conv"));
    QCOMPARE(g.findNode(g.findByName("model.23.cv2.0.2")->id)->block, g.findBlockByName("model.23")->id);
    QCOMPARE(std::get<int64_t>(g.findBlockByName("model.8")->params.at("c3k")), int64_t(1));
    QCOMPARE(std::get<float>(g.findBlockByName("model.2")->params.at("e")), 0.25f);
    QCOMPARE(g.findByName("model.2.cv1.conv")->block, g.findBlockByName("model.2.cv1")->id);
    // Laid out as the canvas shows it: images, then the layers left to right, then output0; no two
    // top-level items share a position; a block's inside starts at the block.
    auto bx = [&](int i) { return g.findBlockByName("model." + std::to_string(i))->x; };
    QVERIFY(g.findByName("images")->x < bx(0));
    for (int i = 0; i < 9; ++i) QVERIFY2(bx(i) < bx(i + 1), std::to_string(i).c_str());
    QVERIFY(bx(23) < g.findByName("output0")->x);
    std::set<std::pair<double, double>> spots = {{g.findByName("images")->x, g.findByName("images")->y},
                                                 {g.findByName("output0")->x, g.findByName("output0")->y}};
    for (BlockId b : top) spots.insert({g.block(b).x, g.block(b).y});
    QCOMPARE(spots.size(), size_t(26));
    const Block& m2 = *g.findBlockByName("model.2");
    for (NodeId n : g.blockNodes(m2.id)) QVERIFY(g.node(n).x >= m2.x && g.node(n).y >= m2.y);
    QCOMPARE(g.node(g.findByName("model.2.cv1.conv")->id).x, m2.x);
  }

  // The bundled SPPF + C2PSA example opens as two collapsed library blocks that regenerate.
  void exampleHasLibraryBlocks() {
    Graph g = loadProject(std::string(NC_SOURCE_DIR) + "/resources/examples/sppf_c2psa.ncproj");
    std::vector<std::string> top;
    for (BlockId b : g.childBlocks(kNoBlock)) top.push_back(g.block(b).type + " " + g.block(b).name);
    QCOMPARE(top, (std::vector<std::string>{"SPPF sppf", "C2PSA c2psa"}));
    const std::vector<Tensor> before = run(g);
    blocks::regenerateBlock(g, g.findBlockByName("c2psa")->id, {});
    QVERIFY(bitIdentical(run(g)[0], before[0]));
  }

  // Extract YOLO11n's model.2 (C3k2) and model.2.m.0 (a Bottleneck whose input feeds two ports:
  // instantiated with one Identity entry), instantiate each into a fresh graph fed with the value
  // the original graph computes at the block's input: the same numbers come out.
  void extractInstantiateRoundTrip_data() {
    QTest::addColumn<QString>("block");
    QTest::addColumn<bool>("identityEntry");
    QTest::newRow("C3k2 model.2") << QString("model.2") << false;
    QTest::newRow("Bottleneck model.2.m.0") << QString("model.2.m.0") << true;
    QTest::newRow("C2PSA model.10") << QString("model.10") << false;
  }
  void extractInstantiateRoundTrip() {
    QFETCH(QString, block);
    QFETCH(bool, identityEntry);
    yolo::Yolo11Config cfg;
    cfg.imageSize = 64;
    Graph g = yolo::buildYolo11(cfg);
    const BlockId id = g.findBlockByName(block.toStdString())->id;
    const BlockPorts ports = g.blockPorts(id);
    QCOMPARE(ports.inputs.size(), size_t(1));
    QCOMPARE(ports.outputs.size(), size_t(1));
    Evaluator ev;
    QVERIFY(ev.run(g).ok());
    const Tensor in = *ev.output(*ports.inputs[0].source), expected = *ev.output(ports.outputs[0]);

    Graph saved = blocks::extractBlock(g, id);
    QCOMPARE(saved.inputNodes().size(), size_t(1));
    QCOMPARE(saved.outputNodes().size(), size_t(1));
    QCOMPARE(saved.node(saved.inputNodes()[0]).attrs.count("shape"), size_t(1));
    QCOMPARE(std::get<std::vector<int64_t>>(saved.node(saved.inputNodes()[0]).attrs.at("shape")), in.shape());
    QCOMPARE(saved.childBlocks(kNoBlock).size(), size_t(1));
    // Through the project format, as the user library stores it.
    const ProjectBytes bytes = serializeProject(saved);
    Graph loaded = deserializeProject(bytes.json, bytes.weights);
    NC_CHECK(compareTensors(run(loaded)[0], run(saved)[0], {0, 0}));

    Graph h;
    NodeId x = addInput(h, "x", in.shape(), 0);
    h.setAttr(x, "value", in);
    BlockId b = blocks::instantiateBlock(h, loaded, "mine", 10, 20);
    const Block& nb = h.block(b);
    QCOMPARE(nb.name, std::string("mine"));
    QCOMPARE(nb.type, g.block(id).type);  // still parametric
    QVERIFY(nb.collapsed);
    QCOMPARE(h.blockNodes(b).size(), g.blockNodes(id).size() + (identityEntry ? 1 : 0));
    QVERIFY(h.findByName(block.toStdString() + ".cv1.conv") == nullptr);
    QVERIFY(h.findByName("mine.cv1.conv"));
    QVERIFY(h.findBlockByName("mine.cv1"));
    BlockPorts np = h.blockPorts(b);
    QCOMPARE(np.inputs.size(), size_t(1));
    QVERIFY(!np.inputs[0].source);
    QCOMPARE(np.inputs[0].targets.size(), size_t(1));
    QCOMPARE(h.node(np.inputs[0].targets[0].node).op, std::string(identityEntry ? "Identity" : "Conv"));
    if (identityEntry) QCOMPARE(h.node(np.inputs[0].targets[0].node).name, std::string("mine.in"));
    h.connect({x, 0}, np.inputs[0].targets[0]);
    addOutput(h, "y", blockOutput(h, b));
    NC_CHECK(compareTensors(run(h)[0], expected, {0, 0}));
    // And the instantiated parametric block regenerates (same params: same numbers).
    blocks::regenerateBlock(h, b, {});
    NC_CHECK(compareTensors(run(h)[0], expected, {0, 0}));
  }

  // Regenerating a block inside YOLO11n: model.2 with n = 2 still feeds model.3, the graph
  // evaluates, and only the new bottleneck adds parameters.
  void regenerateInsideYolo11n() {
    yolo::Yolo11Config cfg;
    cfg.imageSize = 64;
    Graph g = yolo::buildYolo11(cfg);
    const int64_t before = yolo::trainableParameterCount(g);
    const BlockId m2 = g.findBlockByName("model.2")->id;
    const size_t blockCount = g.blocks().size();
    blocks::regenerateBlock(g, m2, {{"n", int64_t(2)}});
    QCOMPARE(g.block(m2).name, std::string("model.2"));
    QCOMPARE(g.block(m2).parent, kNoBlock);
    QCOMPARE(g.blocks().size(), blockCount + 3);  // m.1 with its cv1 and cv2
    QCOMPARE(g.blockPorts(m2).outputs.size(), size_t(1));
    const std::vector<PortRef> cs = g.consumers(blockOutput(g, m2));
    QCOMPARE(cs.size(), size_t(1));
    QCOMPARE(g.node(cs[0].node).name, std::string("model.3.conv"));
    // c = 16: Bottleneck(16, 16, e 0.5) + cv2 grows from 48 to 64 inputs (x 64 outputs).
    QCOMPARE(yolo::trainableParameterCount(g) - before, convParams(16, 8, 3) + convParams(8, 16, 3) + 16 * 64);
    QCOMPARE(run(g)[0].shape(), (Shape{1, 84, 84}));
    // A nested block (model.8's C3k, inside the C3k2) rebuilds in place under its parent.
    const Graph old = g;
    const BlockId inner = g.findBlockByName("model.8.m.0")->id;
    blocks::regenerateBlock(g, inner, {{"shortcut", int64_t(0)}});
    QCOMPARE(g.block(inner).parent, g.findBlockByName("model.8")->id);
    QCOMPARE(g.findBlockByName("model.8.m.0.m.1")->parent, inner);
    for (NodeId n : g.blockNodes(inner)) {
      const Node& a = g.node(n);
      const Node* b = old.findByName(a.name);
      QVERIFY2(b && b->id != n, a.name.c_str());
      if (a.op == "Conv") QVERIFY(bitIdentical(a.inputs[1].constant, b->inputs[1].constant));
    }
    QVERIFY(!g.findByName("model.8.m.0.m.0.add"));
    QVERIFY(old.findByName("model.8.m.0.m.0.add"));
    // The head: three inputs in level order; nc 80 -> 3 keeps the box branches and the shared convs.
    const BlockId head = g.findBlockByName("model.23")->id;
    blocks::regenerateBlock(g, head, {{"nc", int64_t(3)}});
    QCOMPARE(run(g)[0].shape(), (Shape{1, 7, 84}));
    QVERIFY(bitIdentical(g.findByName("model.23.cv2.2.2")->inputs[1].constant,
                         old.findByName("model.23.cv2.2.2")->inputs[1].constant));
    QCOMPARE(g.findByName("model.23.cv3.0.2")->inputs[1].constant.shape(), (Shape{3, 64, 1, 1}));
  }
};

QTEST_APPLESS_MAIN(TestBlockLibrary)
#include "test_block_library.moc"
