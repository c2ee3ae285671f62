// Project files: lossless round trip (ids, names, positions, attributes of every type,
// constants, shared storage, Input data) and clear errors for malformed, truncated, mismatched
// and future-version files.
#include <rapidcheck.h>

#include <QtTest>
#include <cmath>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>

#include "core/eval/evaluator.h"
#include "core/base/file_io.h"
#include "core/onnx/export.h"
#include "core/ops/registry.h"
#include "core/project/project.h"
#include "tests/support/expect_error.h"
#include "tests/support/op_case.h"
#include "tests/support/ort.h"

using namespace nc;
using namespace nctest;
namespace fs = std::filesystem;
using json = nlohmann::json;

namespace {

bool sameBytes(const Tensor& a, const Tensor& b) {
  if (a.empty() || b.empty()) return a.empty() == b.empty();
  return a.dtype() == b.dtype() && a.shape() == b.shape() &&
         std::memcmp(a.raw(), b.raw(), a.bytes()) == 0;
}

// "" when the graphs are identical in everything a project stores.
std::string diffGraphs(const Graph& a, const Graph& b) {
  if (a.nodeIds() != b.nodeIds()) return "different node ids";
  for (NodeId id : a.nodeIds()) {
    const Node &x = a.node(id), &y = b.node(id);
    std::string w = "node " + std::to_string(id) + " '" + x.name + "': ";
    if (x.op != y.op) return w + "op";
    if (x.name != y.name) return w + "name";
    if (x.x != y.x || x.y != y.y) return w + "position";
    if (x.numOutputs != y.numOutputs) return w + "output count";
    if (x.block != y.block) return w + "block";
    if (x.attrs.size() != y.attrs.size()) return w + "attribute count";
    for (auto& [k, v] : x.attrs) {
      auto it = y.attrs.find(k);
      if (it == y.attrs.end()) return w + "attribute " + k + " missing";
      bool eq = attrEquals(v, it->second);
      if (!eq && std::holds_alternative<float>(v) && std::isnan(std::get<float>(v)))
        eq = std::holds_alternative<float>(it->second) && std::isnan(std::get<float>(it->second));
      if (!eq)
        return w + "attribute " + k + ": " + attrToString(v) + " vs " + attrToString(it->second);
    }
    if (x.inputs.size() != y.inputs.size()) return w + "input count";
    for (size_t i = 0; i < x.inputs.size(); ++i) {
      if (x.inputs[i].source != y.inputs[i].source)
        return w + "connection of input " + std::to_string(i);
      if (!sameBytes(x.inputs[i].constant, y.inputs[i].constant))
        return w + "constant of input " + std::to_string(i);
    }
  }
  if (a.blocks().size() != b.blocks().size()) return "different block count";
  for (auto& [id, x] : a.blocks()) {
    const Block* y = b.findBlock(id);
    std::string w = "block " + std::to_string(id) + " '" + x.name + "': ";
    if (!y) return w + "missing";
    if (x.name != y->name || x.type != y->type || x.parent != y->parent || x.collapsed != y->collapsed ||
        x.x != y->x || x.y != y->y)
      return w + "name, type, parent, collapsed or position";
    if (x.params.size() != y->params.size()) return w + "parameter count";
    for (auto& [k, v] : x.params)
      if (!y->params.count(k) || !attrEquals(v, y->params.at(k))) return w + "parameter " + k;
  }
  return {};
}

// Input x (own value) -> bn (shared scale/B storage) -> SiLU -> out; Input z (random, seed) -> Mul
// with a constant that is a reshaped view of bn's mean -> out2; a half-built Sigmoid with no input.
Graph sampleGraph() {
  Graph g;
  NodeId x = g.addNode("Input", "x");
  g.setAttr(x, "shape", Shape{1, 4, 3, 3});
  g.setAttr(x, "value", randn({1, 4, 3, 3}, 11));
  g.setPosition(x, -120.25, 33.125);
  NodeId bn = g.addNode("BatchNormalization", "bn");
  Tensor shared = Tensor::fromFloats({4}, {0.5f, 1.5f, -2.0f, 0.1f});
  g.setConstant(bn, 1, shared);
  g.setConstant(bn, 2, shared);
  Tensor mean = Tensor::fromFloats({4}, {0.1f, 0.2f, 0.3f, 0.4f});
  g.setConstant(bn, 3, mean);
  g.setConstant(bn, 4, Tensor::fromFloats({4}, {1.0f, 0.5f, 2.0f, 1e-6f}));
  g.setAttr(bn, "epsilon", 1e-3f);  // not exactly representable in decimal
  g.setAttr(bn, "momentum", 0.1f);
  g.setAttr(bn, "training_mode", int64_t(0));
  g.setPosition(bn, 10, 20);
  NodeId act = g.addNode("SiLU", "act");
  NodeId out = g.addNode("Output", "out");
  g.connect({x, 0}, {bn, 0});
  g.connect({bn, 0}, {act, 0});
  g.connect({act, 0}, {out, 0});
  NodeId z = g.addNode("Input", "z");
  g.setAttr(z, "shape", Shape{4, 1, 1});
  g.setAttr(z, "seed", int64_t(1234567890123));
  g.setAttr(z, "dtype", std::string("float32"));
  NodeId mul = g.addNode("Mul", "scale_z");
  g.connect({z, 0}, {mul, 0});
  g.setConstant(mul, 1, mean.reshaped({4, 1, 1}));
  NodeId out2 = g.addNode("Output", "out2");
  g.connect({mul, 0}, {out2, 0});
  g.addNode("Sigmoid", "unfinished");
  return g;
}

void writeText(const std::string& path, const std::string& bytes) {
  std::ofstream(path, std::ios::binary).write(bytes.data(), std::streamsize(bytes.size()));
}

}  // namespace

class TestProject : public QObject {
  Q_OBJECT
 private Q_SLOTS:
  void roundTrip() {
    Graph g = sampleGraph();
    std::string path = tempPath(".ncproj");
    saveProject(g, path);
    QVERIFY(fs::exists(weightsPathFor(path)));
    Graph back = loadProject(path);
    NC_CHECK(diffGraphs(g, back));
    // Identical evaluation, bit for bit (Input `value` and seeded random data both survive).
    // (The half-built Sigmoid fails in both; the Evaluator keeps going.)
    auto outputs = [](const Graph& h) {
      Evaluator ev;
      EvalReport r = ev.run(h);
      if (r.errors.size() != 1) qWarning("expected exactly the unfinished node to fail");
      return ev.graphOutputs(h);
    };
    std::vector<Tensor> a = outputs(g), b = outputs(back);
    QCOMPARE(a.size(), size_t(2));
    for (size_t i = 0; i < a.size(); ++i) QVERIFY(sameBytes(a[i], b[i]));
    // Saving the loaded graph reproduces the same files.
    ProjectBytes p1 = serializeProject(g), p2 = serializeProject(back);
    QCOMPARE(p1.json, p2.json);
    QVERIFY(p1.weights == p2.weights);
  }

  // Composite blocks (format version 2): nested blocks, parameters of every type, membership and
  // collapsed state survive; a version-1 file (no blocks) still loads; bad block references are
  // named.
  void blocksRoundTrip() {
    Graph g = sampleGraph();
    Block outer;
    outer.name = "model.2";
    outer.type = "C3k2";
    outer.params = {{"c2", int64_t(64)}, {"e", 0.5f}, {"k", std::vector<int64_t>{3, 3}}, {"note", std::string("x")}};
    outer.x = 10.5;
    outer.y = -3;
    BlockId o = g.addBlock(outer);
    Block inner;
    inner.name = "model.2.m.0";
    inner.parent = o;
    inner.collapsed = false;
    BlockId i = g.addBlock(inner);
    g.setNodeBlock(g.findByName("bn")->id, i);
    g.setNodeBlock(g.findByName("scale_z")->id, o);
    ProjectBytes p = serializeProject(g);
    Graph back = deserializeProject(p.json, p.weights);
    NC_CHECK(diffGraphs(g, back));
    QVERIFY(back.nodeInBlock(back.findByName("bn")->id, o));
    QCOMPARE(serializeProject(back).json, p.json);

    // Version 1 (written before blocks existed) loads.
    Graph plain = sampleGraph();
    ProjectBytes p1 = serializeProject(plain);
    json v1 = json::parse(p1.json);
    v1["version"] = 1;
    NC_CHECK(diffGraphs(plain, deserializeProject(v1.dump(), p1.weights)));

    json doc = json::parse(p.json);
    json bad = doc;
    bad["nodes"][1]["block"] = 99;
    EXPECT_ERROR(deserializeProject(bad.dump(), p.weights), "refers to block 99, which does not exist");
    bad = doc;
    bad["blocks"][0]["parent"] = 2;  // outer inside inner inside outer
    EXPECT_ERROR(deserializeProject(bad.dump(), p.weights), "refers to parent block 2");
    bad = doc;
    bad["blocks"][1]["name"] = "model.2";
    EXPECT_ERROR(deserializeProject(bad.dump(), p.weights), "two blocks are named 'model.2'");
    bad = doc;
    bad["blocks"][0]["collapsed"] = "yes";
    EXPECT_ERROR(deserializeProject(bad.dump(), p.weights), "collapsed must be true or false");
  }

  void sharedConstantsStoredOnce() {
    Graph g = sampleGraph();
    ProjectBytes p = serializeProject(g);
    // header + shared(16) + mean(16, also the Mul view) + var(16) + x value (144): each padded
    // to 64.
    QCOMPARE(p.weights.size(), size_t(64 + 64 + 64 + 64 + 192));
    json doc = json::parse(p.json);
    QCOMPARE(doc["format"].get<std::string>(), std::string("netcanvas-project"));
    QCOMPARE(doc["version"].get<int>(), kProjectFormatVersion);
    for (auto& t : doc["tensors"]) QCOMPARE(t["offset"].get<int64_t>() % 64, int64_t(0));
    Graph back = deserializeProject(p.json, p.weights);
    const Node& bn = *back.findByName("bn");
    QVERIFY(bn.inputs[1].constant.sharesStorageWith(bn.inputs[2].constant));
    QVERIFY(
        bn.inputs[3].constant.sharesStorageWith(back.findByName("scale_z")->inputs[1].constant));
    QCOMPARE(back.findByName("scale_z")->inputs[1].constant.shape(), (Shape{4, 1, 1}));
    QVERIFY(!bn.inputs[3].constant.sharesStorageWith(bn.inputs[4].constant));
  }

  void attributeTypesAndSpecialFloats() {
    Graph g;
    NodeId bn = g.addNode("BatchNormalization", "bn");
    g.setAttr(bn, "epsilon", std::numeric_limits<float>::denorm_min());
    g.setAttr(bn, "momentum", std::numeric_limits<float>::infinity());
    NodeId bn2 = g.addNode("BatchNormalization", "bn2");
    g.setAttr(bn2, "momentum", std::nanf(""));
    g.setAttr(bn2, "epsilon", -std::numeric_limits<float>::max());
    NodeId x = g.addNode("Input", "ints");
    g.setAttr(x, "dtype", std::string("int64"));
    g.setAttr(x, "shape", Shape{2, -1});
    g.setAttr(x, "value", Tensor::fromInt64({2, 2}, {INT64_MIN, -1, 0, INT64_MAX}));
    g.setAttr(x, "seed", int64_t(INT64_MAX));
    // Scalar and zero-element constants.
    NodeId mul = g.addNode("Mul", "edge_tensors");
    g.setConstant(mul, 0, Tensor::scalar(-0.0f));
    g.setConstant(mul, 1, Tensor(DType::Float32, Shape{0, 3}));
    NodeId name = g.addNode("Sigmoid", "名前 with \"quotes\"\n");
    (void)name;
    ProjectBytes p = serializeProject(g);
    Graph back = deserializeProject(p.json, p.weights);
    NC_CHECK(diffGraphs(g, back));
    QVERIFY(std::isnan(std::get<float>(back.findByName("bn2")->attrs.at("momentum"))));
    // Every AttrType that some registered op declares is exercised by a round trip.
    std::set<AttrType> seen;
    for (const OpSpec* op : allOps())
      for (const AttrSpec& a : op->attrs) seen.insert(a.type);
    for (const OpSpec* op : allOps()) {
      for (const AttrSpec& a : op->attrs) {
        if (a.type != AttrType::Floats && a.type != AttrType::Ints) continue;
        Graph h;
        NodeId n = h.addNode(op->type, "n");
        if (a.type == AttrType::Floats)
          h.setAttr(n, a.name, std::vector<float>{0.1f, -0.0f, 1e30f, std::nanf("")});
        else
          h.setAttr(n, a.name, std::vector<int64_t>{-5, 0, INT64_MAX});
        ProjectBytes q = serializeProject(h);
        Graph hb = deserializeProject(q.json, q.weights);
        const AttrValue& v = hb.node(n).attrs.at(a.name);
        if (a.type == AttrType::Floats) {
          auto fs = std::get<std::vector<float>>(v);
          QCOMPARE(fs.size(), size_t(4));
          QCOMPARE(fs[0], 0.1f);
          QVERIFY(std::signbit(fs[1]));
          QCOMPARE(fs[2], 1e30f);
          QVERIFY(std::isnan(fs[3]));
        } else {
          QCOMPARE(std::get<std::vector<int64_t>>(v), (std::vector<int64_t>{-5, 0, INT64_MAX}));
        }
      }
    }
    if (!seen.count(AttrType::Floats))
      qInfo("no registered op has a floats attribute on this branch");
    QVERIFY(seen.count(AttrType::Int) && seen.count(AttrType::Float) &&
            seen.count(AttrType::String) && seen.count(AttrType::Ints) &&
            seen.count(AttrType::Tensor));
  }

  void emptyGraphAndNoWeights() {
    Graph g;
    NodeId s = g.addNode("Sigmoid", "s");
    g.setPosition(s, 1, 2);
    std::string path = tempPath(".ncproj");
    writeText(weightsPathFor(path), "stale");
    saveProject(g, path);
    QVERIFY(!fs::exists(weightsPathFor(path)));  // no tensors: no sidecar, a stale one removed
    NC_CHECK(diffGraphs(g, loadProject(path)));
    Graph empty;
    ProjectBytes p = serializeProject(empty);
    QCOMPARE(deserializeProject(p.json, "").size(), size_t(0));
  }

  void malformedFiles() {
    ProjectBytes p = serializeProject(sampleGraph());
    EXPECT_ERROR(deserializeProject("", p.weights), "empty");
    EXPECT_ERROR(deserializeProject("\x89PNG\r\n garbage \x01\x02", p.weights),
                 "JSON syntax error");
    EXPECT_ERROR(deserializeProject(p.json.substr(0, p.json.size() / 2), p.weights), "truncated");
    EXPECT_ERROR(deserializeProject("[1, 2, 3]", p.weights), "not a NetCanvas project");
    EXPECT_ERROR(deserializeProject(R"({"format": "other", "version": 1, "nodes": []})", ""),
                 "not a NetCanvas project");
    // Every truncation of the JSON fails with nc::Error (or, at whitespace, still loads).
    for (size_t cut = 0; cut < p.json.size(); cut += 7) {
      std::string m = errorOf([&] { deserializeProject(p.json.substr(0, cut), p.weights); });
      QVERIFY2(m.rfind("NOT nc::Error", 0) != 0, m.c_str());
    }
    auto edit = [&](auto f) {
      json doc = json::parse(p.json);
      f(doc);
      return doc.dump();
    };
    EXPECT_ERROR(deserializeProject(edit([](json& d) { d["version"] = kProjectFormatVersion + 1; }), p.weights),
                 "format version " + std::to_string(kProjectFormatVersion + 1) + ", newer");
    EXPECT_ERROR(deserializeProject(edit([](json& d) { d["version"] = "1"; }), p.weights),
                 "must be an integer");
    EXPECT_ERROR(deserializeProject(edit([](json& d) { d.erase("nodes"); }), p.weights),
                 "has no \"nodes\"");
    EXPECT_ERROR(
        deserializeProject(edit([](json& d) { d["nodes"][0]["op"] = "Frobnicate"; }), p.weights),
        "unknown op type 'Frobnicate'");
    EXPECT_ERROR(
        deserializeProject(edit([](json& d) {
                             d["nodes"][1]["attrs"]["epsilon"] = {{"type", "int"}, {"value", 1}};
                           }),
                           p.weights),
        "attribute 'epsilon' should be float, got int");
    EXPECT_ERROR(
        deserializeProject(edit([](json& d) { d["nodes"][1]["attrs"]["epsilon"]["type"] = "int"; }),
                           p.weights),
        "must be an integer, got number");
    EXPECT_ERROR(
        deserializeProject(edit([](json& d) {
                             d["nodes"][1]["attrs"]["bogus"] = {{"type", "int"}, {"value", 1}};
                           }),
                           p.weights),
        "no attribute 'bogus'");
    EXPECT_ERROR(deserializeProject(edit([](json& d) {
                                      d["nodes"][1]["inputs"][0] = {{"node", 99}, {"port", 0}};
                                    }),
                                    p.weights),
                 "does not exist");
    EXPECT_ERROR(deserializeProject(edit([](json& d) {
                                      d["nodes"][1]["inputs"][0] = {{"node", 1}, {"port", 5}};
                                    }),
                                    p.weights),
                 "no output port 5");
    EXPECT_ERROR(deserializeProject(
                     edit([](json& d) { d["nodes"][1]["inputs"].push_back(nullptr); }), p.weights),
                 "has 6 inputs");
    // nodes[2] is the SiLU: exactly one output.
    EXPECT_ERROR(deserializeProject(edit([](json& d) { d["nodes"][2]["outputs"] = 3; }), p.weights),
                 "has 3 outputs");
    EXPECT_ERROR(deserializeProject(edit([](json& d) { d["nodes"][2]["id"] = 1; }), p.weights),
                 "used twice");
    EXPECT_ERROR(deserializeProject(edit([](json& d) { d["nodes"][2]["name"] = "bn"; }), p.weights),
                 "two nodes are named 'bn'");
    EXPECT_ERROR(deserializeProject(edit([](json& d) {
                                      d["nodes"][1]["inputs"][1] = {{"constant", 42}};
                                    }),
                                    p.weights),
                 "refers to tensor 42");
    // A cycle written into the file: bn's X comes from act, which consumes bn.
    EXPECT_ERROR(deserializeProject(edit([](json& d) {
                                      d["nodes"][1]["inputs"][0] = {{"node", 3}, {"port", 0}};
                                    }),
                                    p.weights),
                 "cycle");
    // Tensor table problems: huge shape, wrong byte count, out-of-file offset, bad dtype.
    EXPECT_ERROR(
        deserializeProject(edit([](json& d) {
                             d["tensors"][0]["shape"] = {int64_t(1) << 40, int64_t(1) << 40};
                           }),
                           p.weights),
        "too large");
    EXPECT_ERROR(
        deserializeProject(edit([](json& d) { d["tensors"][0]["bytes"] = 12; }), p.weights),
        "do not match");
    EXPECT_ERROR(
        deserializeProject(edit([](json& d) { d["tensors"][0]["offset"] = 1 << 30; }), p.weights),
        "outside the weights file");
    EXPECT_ERROR(
        deserializeProject(edit([](json& d) { d["tensors"][0]["dtype"] = "float16"; }), p.weights),
        "unsupported dtype 'float16'");
  }

  // Random corruption of either file: a graph or nc::Error, never another exception or a crash.
  void corruptedBytesNeverCrash() {
    const ProjectBytes p = serializeProject(sampleGraph());
    QVERIFY(rc::check("corrupted project bytes fail cleanly", [&p] {
      std::string json = p.json, weights = p.weights;
      std::string& target = *rc::gen::arbitrary<bool>() ? json : weights;
      const int flips = *rc::gen::inRange(1, 8);
      for (int i = 0; i < flips; ++i) {
        size_t at = *rc::gen::inRange<size_t>(0, target.size());
        target[at] = *rc::gen::arbitrary<char>();
      }
      std::string m = errorOf([&] { deserializeProject(json, weights); });
      RC_ASSERT(m.rfind("NOT nc::Error", 0) != 0);
    }));
  }

  void weightsProblems() {
    ProjectBytes p = serializeProject(sampleGraph());
    EXPECT_ERROR(deserializeProject(p.json, ""), "missing or empty");
    EXPECT_ERROR(deserializeProject(p.json, p.weights.substr(0, p.weights.size() - 100)),
                 "truncated");
    std::string other = p.weights;
    other[100] ^= 0x40;
    EXPECT_ERROR(deserializeProject(p.json, other), "from another save");
    std::string bad = p.weights;
    bad[0] = 'X';
    EXPECT_ERROR(deserializeProject(p.json, bad), "bad header");
    // Through files: the path is named, a missing sidecar is reported.
    std::string path = tempPath(".ncproj");
    saveProject(sampleGraph(), path);
    fs::remove(weightsPathFor(path));
    std::string m = errorOf([&] { loadProject(path); });
    QVERIFY2(m.find(path) != std::string::npos && m.find("missing") != std::string::npos,
             m.c_str());
    EXPECT_ERROR(loadProject(tempPath(".ncproj")), "cannot open");
  }

  void saveIsAtomic() {
    std::string path = tempPath(".ncproj");
    saveProject(sampleGraph(), path);
    std::string before = readFileBytes(path), beforeW = readFileBytes(weightsPathFor(path));
    Graph g = sampleGraph();
    g.setName(g.findByName("bn")->id, "bad\xff\xfe name");  // not UTF-8: cannot be written as JSON
    EXPECT_ERROR(saveProject(g, path), "UTF-8");
    QCOMPARE(readFileBytes(path), before);
    QVERIFY(readFileBytes(weightsPathFor(path)) == beforeW);
    EXPECT_ERROR(saveProject(sampleGraph(), "/nonexistent-dir/x.ncproj"), "cannot write");
    // No temporary files left behind.
    int files = 0;
    for (auto& e : fs::directory_iterator(fs::path(path).parent_path()))
      if (e.path().filename().string().rfind(".", 0) == 0) ++files;
    QCOMPARE(files, 0);
  }

  void loadGraphFileDispatches() {
    Graph g = sampleGraph();
    g.removeNode(g.findByName("unfinished")->id);
    std::string onnx = tempPath(".ONNX"), proj = tempPath(".ncproj");
    exportModel(g, onnx);
    saveProject(g, proj);
    Graph a = loadGraphFile(onnx), b = loadGraphFile(proj);
    QVERIFY(a.findByName("bn"));
    NC_CHECK(diffGraphs(g, b));
    EXPECT_ERROR(loadGraphFile(proj + ".missing.onnx"), "cannot open");
  }
};

QTEST_APPLESS_MAIN(TestProject)
#include "test_project.moc"
