// ONNX export with every block as a model-local function (ExportOptions::functions) and the
// import that inlines functions back into blocks: YOLO11n, grouped here like its PyTorch modules
// (independent of the builder) and with the builder's own blocks, is valid, evaluates in ONNX
// Runtime like the flat export and like us, shares functions between blocks of one structure
// (counted by hand), round-trips byte for byte; nested groups, a two-output block, single-node
// blocks, attribute references, and malformed functions.
#include <QtTest>
#include <onnx/onnx_pb.h>
#include <onnx/shape_inference/implementation.h>

#include <array>
#include <cmath>
#include <functional>
#include <set>

#include "core/blocks/recognize.h"
#include "core/blocks/yolo11.h"
#include "core/base/error.h"
#include "core/eval/evaluator.h"
#include "core/eval/fusion.h"
#include "core/base/file_io.h"
#include "core/onnx/export.h"
#include "core/onnx/functions.h"
#include "core/onnx/import.h"
#include "core/onnx/validate.h"
#include "tools/ort/ort_bridge.h"
#include "tests/support/op_case.h"
#include "tests/support/ort.h"

using namespace nc;
using namespace nctest;

namespace {

bool hasPrefix(const std::string& s, const std::string& p) { return s.size() > p.size() && s.compare(0, p.size(), p) == 0; }

std::string lastComponent(const std::string& s) { return s.substr(s.find_last_of('.') + 1); }

// YOLO11n with blocks following its PyTorch module tree: every proper dotted prefix of a node name
// is a block ("model.2", "model.2.m.0", "model.2.m.0.cv1"), except "model", ModuleLists ("...m",
// Detect's "cv2"/"cv3"), Detect's per-level "cat.i"/"view.i" nodes and names of nodes themselves
// (SPPF's "model.9.m.0" is a MaxPool).
// Types as Ultralytics' classes; Conv blocks carry c2/k/s, C3k2 layers and Detect their arguments.
Graph groupedYolo(int64_t imageSize) {
  yolo::Yolo11Config cfg;
  cfg.imageSize = imageSize;
  Graph g = yolo::buildYolo11(cfg);
  while (!g.blocks().empty()) g.removeBlock(g.blocks().begin()->first);  // whatever the builder opened
  std::set<std::string> prefixes;
  for (NodeId id : g.nodeIds()) {
    const std::string& name = g.node(id).name;
    for (size_t dot = name.find('.'); dot != std::string::npos; dot = name.find('.', dot + 1)) {
      std::string p = name.substr(0, dot);
      const std::string last = lastComponent(p);
      if (p == "model" || last == "m" || p == "model.23.cv2" || p == "model.23.cv3" || last == "cat" || last == "view")
        continue;
      prefixes.insert(p);
    }
  }
  const std::map<std::string, std::string> layerTypes = {
      {"model.0", "Conv"},   {"model.1", "Conv"},   {"model.2", "C3k2"},   {"model.3", "Conv"},
      {"model.4", "C3k2"},   {"model.5", "Conv"},   {"model.6", "C3k2"},   {"model.7", "Conv"},
      {"model.8", "C3k2"},   {"model.9", "SPPF"},   {"model.10", "C2PSA"}, {"model.13", "C3k2"},
      {"model.16", "C3k2"},  {"model.17", "Conv"},  {"model.19", "C3k2"},  {"model.20", "Conv"},
      {"model.22", "C3k2"},  {"model.23", "Detect"}};
  // C3k2 arguments of YOLO11n (width 0.25): c2, c3k, e.
  const std::map<std::string, std::tuple<int64_t, int64_t, float>> c3k2Args = {
      {"model.2", {64, 0, 0.25f}},   {"model.4", {128, 0, 0.25f}}, {"model.6", {128, 1, 0.5f}},
      {"model.8", {256, 1, 0.5f}},   {"model.13", {128, 0, 0.5f}}, {"model.16", {64, 0, 0.5f}},
      {"model.19", {128, 0, 0.5f}},  {"model.22", {256, 1, 0.5f}}};
  auto layerOf = [](const std::string& p) { return p.substr(0, p.find('.', 6)); };
  // Shorter prefixes first, so that every parent exists before its children.
  std::vector<std::string> order(prefixes.begin(), prefixes.end());
  std::stable_sort(order.begin(), order.end(), [](auto& a, auto& b) { return a.size() < b.size(); });
  for (const std::string& p : order) {
    Block b;
    b.name = p;
    for (const std::string& q : order)
      if (hasPrefix(p, q + ".") && (b.parent == kNoBlock || q.size() > g.block(b.parent).name.size()))
        b.parent = g.findBlockByName(q)->id;
    const Node* conv = g.findByName(p + ".conv");
    if (auto it = layerTypes.find(p); it != layerTypes.end()) b.type = it->second;
    else if (conv && g.findByName(p + ".bn")) b.type = "Conv";
    else if (lastComponent(p) == "attn") b.type = "Attention";
    else if (layerTypes.count(layerOf(p)) && hasPrefix(p, layerOf(p) + ".m.")) {
      const std::string layer = layerOf(p);
      const std::string rest = p.substr(layer.size() + 3);  // "0" or "0.m.1"
      const bool direct = rest.find('.') == std::string::npos;  // "m.0", not "m.0.m.1" or "m.0.ffn"
      if (layerTypes.at(layer) == "C2PSA") b.type = direct ? "PSABlock" : "";
      else if (direct) b.type = std::get<1>(c3k2Args.at(layer)) ? "C3k" : "Bottleneck";
      else if (rest.find(".m.") != std::string::npos) b.type = "Bottleneck";  // inside a C3k
    }
    if (b.type == "Conv") {
      const Tensor& w = conv->inputs[1].constant;
      b.params = {{"c2", w.shape()[0]}, {"k", w.shape()[2]}, {"s", std::get<std::vector<int64_t>>(conv->attrs.at("strides"))[0]}};
    } else if (b.type == "C3k2") {
      auto [c2, c3k, e] = c3k2Args.at(p);
      b.params = {{"c2", c2}, {"n", int64_t(1)}, {"c3k", c3k}, {"e", e}, {"shortcut", int64_t(1)}};
    } else if (b.type == "Detect") {
      b.params = {{"nc", int64_t(80)}, {"strides", std::vector<int64_t>{8, 16, 32}}};
    }
    if (g.block(g.addBlock(b)).name != p) throw Error("block name " + p + " taken");
  }
  // Each node goes into the longest block prefix of its name.
  for (NodeId id : g.nodeIds()) {
    const std::string& name = g.node(id).name;
    BlockId best = kNoBlock;
    size_t bestLen = 0;
    for (const std::string& p : order)
      if (hasPrefix(name, p + ".") && p.size() > bestLen) best = g.findBlockByName(p)->id, bestLen = p.size();
    g.setNodeBlock(id, best);
  }
  return g;
}

onnx::ModelProto parse(const std::string& bytes) {
  onnx::ModelProto m;
  if (!m.ParseFromString(bytes)) throw Error("unparsable model");
  return m;
}

std::string functionsExport(const Graph& g, ValidationReport* r = nullptr) {
  ExportOptions opt;
  opt.functions = true;
  return exportModelBytes(g, opt, r);
}

std::vector<Tensor> runOrtBytes(const std::string& bytes, const std::vector<std::pair<std::string, Tensor>>& feeds) {
  std::string path = tempPath(".onnx");
  writeFileAtomic(path, bytes);
  return runOrt(path, feeds).outputs;
}

// The function a name like "Conv_3" belongs to ("Conv").
std::string stem(const std::string& fn) {
  size_t us = fn.find_last_of('_');
  if (us == std::string::npos || fn.find_first_not_of("0123456789", us + 1) != std::string::npos) return fn;
  return fn.substr(0, us);
}

// Block params compared value by value (AttrValue holds a Tensor, which has no operator==).
bool sameParams(const std::map<std::string, AttrValue>& a, const std::map<std::string, AttrValue>& b) {
  if (a.size() != b.size()) return false;
  for (auto& [k, v] : a) {
    auto it = b.find(k);
    if (it == b.end() || it->second.index() != v.index()) return false;
    bool same = std::visit(
        [&](const auto& x) {
          using T = std::decay_t<decltype(x)>;
          if constexpr (std::is_same_v<T, Tensor>) return false;  // no block has tensor params
          else return x == std::get<T>(it->second);
        },
        v);
    if (!same) return false;
  }
  return true;
}

// x -> [outer: [inner: Relu -> Sigmoid] -> Split(2 outputs)] -> a: Add(half0, half1), b: Mul(half1, 2)
// "pair" (the Split and its Neg) has two outputs consumed outside.
struct Nested {
  Graph g;
  BlockId outer, inner, pair;
  Nested() {
    NodeId x = g.addNode("Input", "x");
    g.setAttr(x, "shape", std::vector<int64_t>{2, 6, 3});
    NodeId relu = g.addNode("Relu", "relu"), sig = g.addNode("Sigmoid", "sig");
    NodeId split = g.addNode("Split", "halves"), neg = g.addNode("Neg", "neg");
    g.setAttr(split, "axis", int64_t(1));
    g.setOutputCount(split, 2);
    NodeId add = g.addNode("Add", "add"), mul = g.addNode("Mul", "mul");
    NodeId y1 = g.addNode("Output", "y1"), y2 = g.addNode("Output", "y2");
    g.connect({x, 0}, {relu, 0});
    g.connect({relu, 0}, {sig, 0});
    g.connect({sig, 0}, {split, 0});
    g.connect({split, 1}, {neg, 0});
    g.connect({split, 0}, {add, 0});
    g.connect({neg, 0}, {add, 1});
    g.connect({split, 0}, {mul, 0});
    g.setConstant(mul, 1, Tensor::fromFloats({1}, {2.0f}));
    g.connect({add, 0}, {y1, 0});
    g.connect({mul, 0}, {y2, 0});
    Block o;
    o.name = "outer";
    outer = g.addBlock(o);
    Block i;
    i.name = "inner";
    i.parent = outer;
    inner = g.addBlock(i);
    Block p;
    p.name = "pair";
    p.parent = outer;
    p.params = {{"note", std::string("two outputs")}, {"scale", 2.0f}};
    pair = g.addBlock(p);
    g.setNodeBlock(relu, inner);
    g.setNodeBlock(sig, inner);
    g.setNodeBlock(split, pair);
    g.setNodeBlock(neg, pair);
  }
};

// A one-node graph around a function call: x -> F -> y, with `functions` as the model's functions.
std::string modelCalling(const std::vector<onnx::FunctionProto>& functions, const std::string& op = "F") {
  onnx::ModelProto m;
  m.set_ir_version(8);
  auto* os = m.add_opset_import();
  os->set_version(17);
  os = m.add_opset_import();
  os->set_domain("test.fn");
  os->set_version(1);
  auto* g = m.mutable_graph();
  g->set_name("g");
  auto* in = g->add_input();
  in->set_name("x");
  in->mutable_type()->mutable_tensor_type()->set_elem_type(onnx::TensorProto::FLOAT);
  auto* out = g->add_output();
  out->set_name("y");
  out->mutable_type()->mutable_tensor_type()->set_elem_type(onnx::TensorProto::FLOAT);
  auto* n = g->add_node();
  n->set_name("call");
  n->set_domain("test.fn");
  n->set_op_type(op);
  n->add_input("x");
  n->add_output("y");
  for (auto& f : functions) *m.add_functions() = f;
  std::string bytes;
  m.SerializeToString(&bytes);
  return bytes;
}

onnx::FunctionProto function(const std::string& name, const std::vector<std::array<std::string, 4>>& nodes) {
  onnx::FunctionProto f;
  f.set_name(name);
  f.set_domain("test.fn");
  f.add_input("a");
  f.add_output("b");
  auto* os = f.add_opset_import();
  os->set_version(17);
  for (auto& [op, domain, in, out] : nodes) {
    auto* n = f.add_node();
    n->set_op_type(op);
    n->set_domain(domain);
    n->set_name(op);
    n->add_input(in);
    n->add_output(out);
  }
  return f;
}

// The import's error; validation must refuse the model too (an nc::Error, not a crash).
std::string importError(const std::string& bytes) {
  std::string message = "(no error)";
  try {
    importModelBytes(bytes);
  } catch (const Error& e) {
    message = e.what();
  }
  try {
    validateModelBytes(bytes);
  } catch (const Error&) {
    return message;
  }
  return message + " | validation passed";
}

}  // namespace

class TestOnnxFunctions : public QObject {
  Q_OBJECT
 private Q_SLOTS:
  void initTestCase() { QVERIFY2(ortAvailable(), "ONNX Runtime (tests/ort) is needed"); }

  // The blocks the YOLO11 builder opens itself (one per Ultralytics module, library types with
  // their params): the function export runs in ONNX Runtime like the flat one and round-trips
  // byte for byte with every block's name, type and params. Functions: as in functionsAreShared,
  // plus one Upsample and one Concat (single-node layers), and DFL as the only plain group.
  void yoloBuilderBlocks() {
    yolo::Yolo11Config cfg;
    cfg.imageSize = 64;
    Graph g = yolo::buildYolo11(cfg);
    QCOMPARE(int(g.blocks().size()), 115);
    const std::string bytes = functionsExport(g);
    const onnx::ModelProto m = parse(bytes);
    std::map<std::string, int> byType;
    for (auto& f : m.functions()) ++byType[stem(f.name())];
    const std::map<std::string, int> want = {{"Conv", 9},   {"C3k2", 2},   {"Bottleneck", 1}, {"C3k", 1},
                                             {"SPPF", 1},   {"C2PSA", 1},  {"PSABlock", 1},   {"Attention", 1},
                                             {"Upsample", 1}, {"Concat", 1}, {"Detect", 1},   {"Group_model.23.dfl", 1}};
    QVERIFY(byType == want);
    Tensor img = uniform({1, 3, 64, 64}, 0.0f, 1.0f, 22);
    std::vector<Tensor> ours = evaluate(g, {{"images", img}});
    std::vector<Tensor> fn = runOrtBytes(bytes, {{"images", img}});
    const double scale = std::max(1.0f, maxAbs(ours[0]));
    NC_CHECK(compareTensors(fn[0], runOrtBytes(exportModelBytes(g), {{"images", img}})[0], {1e-5 * scale, 1e-5}));
    NC_CHECK(compareTensors(fn[0], ours[0], {1e-4 * scale, 1e-4}));
    Graph back = blocks::openModelBytes(bytes);
    QCOMPARE(back.blocks().size(), g.blocks().size());
    for (auto& [id, b] : g.blocks()) {
      const Block* r = back.findBlockByName(b.name);
      QVERIFY2(r && r->type == b.type && sameParams(r->params, b.params), b.name.c_str());
    }
    QVERIFY(functionsExport(back) == bytes);
  }

  // Blocks are metadata: the flat export does not change when they are added; without blocks the
  // function export is the flat export.
  void flatExportIgnoresBlocks() {
    yolo::Yolo11Config cfg;
    cfg.imageSize = 64;
    Graph plain = yolo::buildYolo11(cfg);
    while (!plain.blocks().empty()) plain.removeBlock(plain.blocks().begin()->first);
    const std::string flat = exportModelBytes(plain);
    QVERIFY(exportModelBytes(groupedYolo(64)) == flat);
    QVERIFY(functionsExport(plain) == flat);  // no blocks: the function export is the flat one
  }

  void yoloWithFunctionsMatchesFlatAndOurs() {
    Graph g = groupedYolo(64);
    QCOMPARE(int(g.blocks().size()), 122);
    ValidationReport report;
    const std::string fnBytes = functionsExport(g, &report);
    QVERIFY(report.checkerRun);
    QVERIFY(report.shapeInferenceRun);
    onnx::ModelProto m = parse(fnBytes);
    QCOMPARE(int(report.functions.size()), m.functions_size());
    // The top level is the 18 layers' calls plus the 5 Upsample/Concat nodes between them.
    QCOMPARE(m.graph().node_size(), 18 + 2 + 4);
    Tensor img = uniform({1, 3, 64, 64}, 0.0f, 1.0f, 21);
    std::vector<Tensor> ours = evaluate(g, {{"images", img}});
    std::vector<Tensor> flat = runOrtBytes(exportModelBytes(g), {{"images", img}});
    std::vector<Tensor> fn = runOrtBytes(fnBytes, {{"images", img}});
    QCOMPARE(fn.size(), size_t(1));
    const double scale = std::max(1.0f, maxAbs(ours[0]));
    NC_CHECK(compareTensors(fn[0], flat[0], {1e-5 * scale, 1e-5}));
    NC_CHECK(compareTensors(fn[0], ours[0], {1e-4 * scale, 1e-4}));
  }

  // BatchNorm folding (export --fold-batchnorm) keeps the blocks: Conv functions lose their
  // BatchNormalization and still agree with ONNX Runtime.
  void foldedBatchNormWithFunctions() {
    Graph g = foldBatchNorms(groupedYolo(64));
    QCOMPARE(int(g.blocks().size()), 122);
    const std::string bytes = functionsExport(g);
    onnx::ModelProto m = parse(bytes);
    for (auto& f : m.functions())
      for (auto& n : f.node()) QVERIFY(n.op_type() != "BatchNormalization");
    Tensor img = uniform({1, 3, 64, 64}, 0.0f, 1.0f, 23);
    std::vector<Tensor> ours = evaluate(g, {{"images", img}});
    const double scale = std::max(1.0f, maxAbs(ours[0]));
    NC_CHECK(compareTensors(runOrtBytes(bytes, {{"images", img}})[0], ours[0], {1e-4 * scale, 1e-4}));
  }

  // Weights are function inputs, so a function is one (type, ops, attributes, wiring, relative
  // names) signature. Hand count of YOLO11n's Conv blocks by (kernel, stride, group, SiLU):
  //   3x3 s2 (model.0/1/3/5/7/17/20), 1x1 s1, 3x3 s1 (Bottleneck, Detect box branch),
  //   1x1 no act (Attention qkv/proj, ffn.1), 3x3 g=128 no act (Attention pe), and Detect's
  //   depthwise 3x3 with SiLU at groups 64, 128, 256 (per level) and 80 (c3): 5 + 4 = 9.
  // C3k2: with Bottleneck inside (model.2/4/13/16/19) and with C3k (model.6/8/22): 2. One each of
  // Bottleneck (C3k2's and C3k's are alike: 3x3, 3x3, shortcut add), C3k, SPPF, C2PSA, PSABlock,
  // Attention, Detect.
  void functionsAreShared() {
    Graph g = groupedYolo(64);
    onnx::ModelProto m = parse(functionsExport(g));
    // Functions per type, and how many times each runs once everything is inlined (the calls in
    // the graph, times the runs of the function holding the call).
    std::map<std::string, const onnx::FunctionProto*> fns;
    for (auto& f : m.functions()) {
      QCOMPARE(f.domain(), std::string(kBlockFunctionDomain));
      fns[f.name()] = &f;
    }
    std::map<std::string, int> runs;
    std::function<void(const google::protobuf::RepeatedPtrField<onnx::NodeProto>&)> walk = [&](const auto& nodes) {
      for (auto& n : nodes)
        if (n.domain() == kBlockFunctionDomain) {
          ++runs[n.op_type()];
          walk(fns.at(n.op_type())->node());
        }
    };
    walk(m.graph().node());
    std::map<std::string, int> byType, runsByType;
    for (auto& f : m.functions()) {
      const std::string t = f.name().rfind("Group_", 0) == 0 ? "Group" : stem(f.name());
      ++byType[t];
      runsByType[t] += runs[f.name()];
    }
    QCOMPARE(byType["Conv"], 9);
    QCOMPARE(byType["C3k2"], 2);
    for (const char* t : {"Bottleneck", "C3k", "SPPF", "C2PSA", "PSABlock", "Attention", "Detect"})
      QVERIFY2(byType[t] == 1, t);
    // A plain group is its own function (named after it): Detect's 3 x (cv2.i, cv3.i, cv3.i.0,
    // cv3.i.1), its DFL, and PSABlock's ffn.
    QCOMPARE(byType["Group"], 14);
    // Every block runs exactly once: runs per type = blocks per type.
    std::map<std::string, int> blocksByType;
    for (auto& [id, b] : g.blocks()) ++blocksByType[b.type.empty() ? std::string("Group") : b.type];
    QCOMPARE(blocksByType["Conv"], 81);
    QVERIFY(runsByType == blocksByType);
    // The 3x3 stride-2 Conv's body: Conv, BatchNormalization, Sigmoid, Mul; its params declared.
    const onnx::FunctionProto* conv = nullptr;
    for (auto& f : m.functions())
      for (auto& n : f.node())
        if (n.op_type() == "Conv")
          for (auto& a : n.attribute())
            if (a.name() == "strides" && a.ints(0) == 2) conv = &f;
    QVERIFY(conv);
    QCOMPARE(conv->node_size(), 4);
    QCOMPARE(conv->input_size(), 6);  // x, W, BatchNorm scale, B, mean, var
    QCOMPARE(conv->node(0).name(), std::string("conv"));
    QCOMPARE(conv->attribute_size(), 3);
    QCOMPARE(runs[conv->name()], 7);
    // Nested params: C3k2's body passes its attribute "cv1.c2" to the cv1 call as "c2"; the
    // call of model.2 sets it to model.2.cv1's c2 (32).
    const onnx::NodeProto& cv1 = fns.at("C3k2")->node(0);
    QCOMPARE(cv1.name(), std::string("cv1"));
    QCOMPARE(cv1.attribute(0).name(), std::string("c2"));
    QCOMPARE(cv1.attribute(0).ref_attr_name(), std::string("cv1.c2"));
    const onnx::NodeProto* model2 = nullptr;
    for (auto& n : m.graph().node())
      if (n.name() == "model.2") model2 = &n;
    QVERIFY(model2 && model2->op_type() == "C3k2");
    bool found = false;
    for (auto& a : model2->attribute())
      if (a.name() == "cv1.c2") found = a.i() == 32;
    QVERIFY(found);
  }

  // libonnx 1.12's strict shape inference goes through model-local functions (it infers the
  // calls' outputs) but drops errors inside their bodies; validation therefore also checks the
  // model with the functions inlined, which catches a mismatch inside a function.
  void shapeInferenceEntersFunctions() {
    Graph g = groupedYolo(64);
    onnx::ModelProto m = parse(functionsExport(g));
    onnx::shape_inference::InferShapes(m, onnx::OpSchemaRegistry::Instance(), onnx::ShapeInferenceOptions{true, 1, false});
    std::map<std::string, std::vector<int64_t>> shapes;
    for (auto& vi : m.graph().value_info()) {
      std::vector<int64_t> dims;
      for (auto& d : vi.type().tensor_type().shape().dim()) dims.push_back(d.has_dim_value() ? d.dim_value() : -1);
      shapes[vi.name()] = dims;
    }
    QVERIFY(shapes["model.0.act"] == (std::vector<int64_t>{1, 16, 32, 32}));
    QVERIFY(shapes["model.2.cv2.act"] == (std::vector<int64_t>{1, 64, 16, 16}));
    QVERIFY(validateModelBytes(functionsExport(g)).shapeInferenceRun);
    // model.1's BatchNorm scale gets 16 channels instead of 32: a mismatch inside function Conv.
    for (auto& t : *m.mutable_graph()->mutable_initializer())
      if (t.name() == "model.1.bn.scale") {
        t.set_dims(0, 16);
        t.set_raw_data(t.raw_data().substr(0, t.raw_data().size() / 2));
      }
    std::string bad;
    m.SerializeToString(&bad);
    // libonnx alone lets it pass (if this starts failing, libonnx reports errors inside functions).
    onnx::ModelProto copy = m;
    onnx::shape_inference::InferShapes(copy, onnx::OpSchemaRegistry::Instance(), onnx::ShapeInferenceOptions{true, 1, false});
    try {
      validateModelBytes(bad);
      QFAIL("a channel mismatch inside a function passed validation");
    } catch (const Error& e) {
      QVERIFY2(std::string(e.what()).find("ONNX shape inference failed (functions inlined): ") == 0, e.what());
      QVERIFY2(std::string(e.what()).find("Dimension mismatch in unification between 16 and 32") != std::string::npos,
               e.what());
    }
  }

  void roundTripIsByteIdentical() {
    Graph g = groupedYolo(64);
    const std::string first = functionsExport(g);
    Graph back = blocks::openModelBytes(first);
    if (getenv("NC_DUMP")) writeFileAtomic("/tmp/of_first.onnx", first), writeFileAtomic("/tmp/of_second.onnx", functionsExport(back));
    QCOMPARE(back.blocks().size(), g.blocks().size());
    for (auto& [id, b] : g.blocks()) {
      const Block* r = back.findBlockByName(b.name);
      QVERIFY2(r, b.name.c_str());
      QCOMPARE(r->type, b.type);
      QVERIFY2(sameParams(r->params, b.params), b.name.c_str());
      QCOMPARE(r->parent == kNoBlock ? std::string() : back.block(r->parent).name,
               b.parent == kNoBlock ? std::string() : g.block(b.parent).name);
      std::set<std::string> want, got;
      for (NodeId n : g.blockNodes(id, false)) want.insert(g.node(n).name);
      for (NodeId n : back.blockNodes(r->id, false)) got.insert(back.node(n).name);
      QVERIFY2(want == got, b.name.c_str());
    }
    QCOMPARE(back.size(), g.size());
    QVERIFY(functionsExport(back) == first);
    // ... and the flat export of the re-imported graph is the flat export of the original.
    QVERIFY(exportModelBytes(back) == exportModelBytes(g));
  }

  void deterministic() {
    Graph g = groupedYolo(64);
    const std::string a = functionsExport(g);
    Graph copy = g;
    QVERIFY(functionsExport(copy) == a);
    QVERIFY(functionsExport(groupedYolo(64)) == a);
  }

  void nestedGroupsAndTwoOutputs() {
    Nested n;
    ValidationReport r;
    const std::string bytes = functionsExport(n.g, &r);
    QVERIFY(r.checkerRun && r.shapeInferenceRun);
    onnx::ModelProto m = parse(bytes);
    std::map<std::string, const onnx::FunctionProto*> fns;
    for (auto& f : m.functions()) fns[f.name()] = &f;
    QCOMPARE(fns.size(), size_t(3));
    QVERIFY(fns.count("Group_outer") && fns.count("Group_inner") && fns.count("Group_pair"));
    QCOMPARE(fns["Group_pair"]->output_size(), 2);   // half 0 (to Add and Mul), Neg (to Add)
    QCOMPARE(fns["Group_outer"]->node_size(), 2);    // calls of inner and pair
    QCOMPARE(fns["Group_outer"]->output_size(), 2);
    QCOMPARE(m.graph().node_size(), 3);              // outer, add, mul
    QCOMPARE(m.graph().node(0).name(), std::string("outer"));
    QCOMPARE(fns["Group_inner"]->node(0).name(), std::string("/relu"));  // not under "inner."
    Tensor x = randn({2, 6, 3}, 5);
    std::vector<Tensor> ours = evaluate(n.g, {{"x", x}});
    std::vector<Tensor> ort = runOrtBytes(bytes, {{"x", x}});
    QCOMPARE(ort.size(), size_t(2));
    for (size_t i = 0; i < 2; ++i) NC_CHECK(compareTensors(ort[i], ours[i], {1e-5, 1e-5}));
    // Hand-computed first element: s = sigmoid(relu(x)); y1 = s[:, :3] - s[:, 3:]; y2 = 2 s[:, :3].
    auto s = [](float v) { return 1.0f / (1.0f + std::exp(-std::max(v, 0.0f))); };
    QVERIFY(std::fabs(ours[0].f32()[0] - (s(x.f32()[0]) - s(x.f32()[9]))) < 1e-6f);
    QVERIFY(std::fabs(ours[1].f32()[0] - 2 * s(x.f32()[0])) < 1e-6f);

    // Opset 18 (libonnx cannot check it; ONNX Runtime runs it).
    ExportOptions opt18;
    opt18.functions = true;
    opt18.opset = 18;
    ValidationReport r18;
    const std::string bytes18 = exportModelBytes(n.g, opt18, &r18);
    QVERIFY(!r18.checkerRun && !r18.notes.empty());
    std::vector<Tensor> ort18 = runOrtBytes(bytes18, {{"x", x}});
    for (size_t i = 0; i < 2; ++i) NC_CHECK(compareTensors(ort18[i], ours[i], {1e-5, 1e-5}));

    Graph back = blocks::openModelBytes(bytes);
    const Block* pair = back.findBlockByName("pair");
    QVERIFY(pair && pair->type.empty());
    QCOMPARE(back.block(pair->parent).name, std::string("outer"));
    QVERIFY(sameParams(pair->params, n.g.block(n.pair).params));
    QCOMPARE(back.node(back.findByName("relu")->id).block, back.findBlockByName("inner")->id);
    QCOMPARE(back.findByName("add")->block, kNoBlock);
    QVERIFY(functionsExport(back) == bytes);
    std::vector<Tensor> again = evaluate(back, {{"x", x}});
    for (size_t i = 0; i < 2; ++i) NC_CHECK(compareTensors(again[i], ours[i], {0, 0}));
  }

  // Single-node blocks named like their node (YOLO11's Upsample and Concat layers) share one
  // function: the node is "." inside it. A type that is not in the block library comes back as a
  // plain group.
  void singleNodeBlocksShare() {
    Graph g;
    NodeId x = g.addNode("Input", "x");
    g.setAttr(x, "shape", std::vector<int64_t>{2, 3});
    NodeId c1 = g.addNode("Concat", "layer.1"), c2 = g.addNode("Concat", "layer.2"), y = g.addNode("Output", "y");
    NodeId r = g.addNode("Relu", "relu");
    for (NodeId c : {c1, c2}) {
      g.setInputCount(c, 2);
      g.setAttr(c, "axis", int64_t(1));
    }
    g.connect({x, 0}, {c1, 0});
    g.connect({x, 0}, {c1, 1});
    g.connect({c1, 0}, {c2, 0});
    g.connect({c1, 0}, {c2, 1});
    g.connect({c2, 0}, {r, 0});
    g.connect({r, 0}, {y, 0});
    for (NodeId n : {c1, c2, r}) {
      Block b;
      b.name = g.node(n).name;
      b.type = n == r ? "Act" : "Concat";
      g.setNodeBlock(n, g.addBlock(b));
    }
    const std::string bytes = functionsExport(g);
    onnx::ModelProto m = parse(bytes);
    QCOMPARE(m.functions_size(), 2);
    QCOMPARE(m.functions(0).name(), std::string("Concat"));
    QCOMPARE(m.functions(0).node(0).name(), std::string("."));
    QCOMPARE(m.functions(1).name(), std::string("Act"));
    QCOMPARE(m.graph().node(1).name(), std::string("layer.2"));
    QCOMPARE(m.graph().node(1).op_type(), std::string("Concat"));
    Graph back = blocks::openModelBytes(bytes);
    QCOMPARE(back.findByName("layer.2")->block, back.findBlockByName("layer.2")->id);
    QCOMPARE(back.findBlockByName("layer.2")->type, std::string("Concat"));
    // A plain import leaves the lookup of library types to the caller: plain groups.
    QCOMPARE(importModelBytes(bytes).findBlockByName("layer.2")->type, std::string());
    QCOMPARE(back.findBlockByName("relu")->type, std::string());  // "Act" is no library type
    Tensor xv = Tensor::fromFloats({2, 1}, {-1, 2});
    g.setAttr(x, "shape", std::vector<int64_t>{2, 1});
    Tensor want = Tensor::fromFloats({2, 4}, {0, 0, 0, 0, 2, 2, 2, 2});
    NC_CHECK(compareTensors(runOrtBytes(functionsExport(g), {{"x", xv}})[0], want));
    NC_CHECK(compareTensors(evaluate(back, {{"x", xv}})[0], want));
  }

  // A block that a path leaves and re-enters cannot be one function call.
  void openBlockIsRefused() {
    Nested n;
    n.g.setNodeBlock(n.g.findByName("add")->id, n.pair);
    n.g.setNodeBlock(n.g.findByName("neg")->id, kNoBlock);  // Split -> Neg (outside) -> Add (inside)
    try {
      functionsExport(n.g);
      QFAIL("exported an open block");
    } catch (const Error& e) {
      QVERIFY2(std::string(e.what()).find("block 'pair' cannot be exported as an ONNX function") != std::string::npos,
               e.what());
      QVERIFY2(std::string(e.what()).find("'neg'") != std::string::npos, e.what());
    }
  }

  // A function attribute referenced by an op of the body takes the call's value (absent: the op's
  // default) and stays a param of the block.
  void attributeReferences() {
    onnx::FunctionProto f = function("F", {{{"LeakyRelu", "", "a", "b"}}});
    f.add_attribute("slope");
    auto* ref = f.mutable_node(0)->add_attribute();
    ref->set_name("alpha");
    ref->set_type(onnx::AttributeProto::FLOAT);
    ref->set_ref_attr_name("slope");
    onnx::ModelProto m = parse(modelCalling({f}));
    auto* slope = m.mutable_graph()->mutable_node(0)->add_attribute();
    slope->set_name("slope");
    slope->set_type(onnx::AttributeProto::FLOAT);
    slope->set_f(0.25f);
    std::string bytes;
    m.SerializeToString(&bytes);
    Tensor x = Tensor::fromFloats({2}, {-4.0f, 2.0f});
    Graph g = importModelBytes(bytes);
    NC_CHECK(compareTensors(evaluate(g, {{"x", x}})[0], Tensor::fromFloats({2}, {-1.0f, 2.0f})));
    NC_CHECK(compareTensors(runOrtBytes(bytes, {{"x", x}})[0], Tensor::fromFloats({2}, {-1.0f, 2.0f})));
    QVERIFY(sameParams(g.findBlockByName("call")->params, {{"slope", 0.25f}}));
    Graph defaults = importModelBytes(modelCalling({f}));  // no slope: LeakyRelu's alpha 0.01
    NC_CHECK(compareTensors(evaluate(defaults, {{"x", x}})[0], Tensor::fromFloats({2}, {-0.04f, 2.0f})));
  }

  void malformedFunctions() {
    // A good function first: Relu -> Neg, called once.
    onnx::FunctionProto good = function("F", {{{"Relu", "", "a", "t"}}, {{"Neg", "", "t", "b"}}});
    Graph g = importModelBytes(modelCalling({good}));
    QCOMPARE(g.blocks().size(), size_t(1));
    QCOMPARE(g.blocks().begin()->second.name, std::string("call"));
    QCOMPARE(g.blocks().begin()->second.type, std::string());  // a foreign domain: plain group
    QVERIFY(g.findByName("call.Relu") && g.findByName("call.Neg"));
    Tensor x = Tensor::fromFloats({3}, {-1.0f, 0.5f, 2.0f});
    NC_CHECK(compareTensors(evaluate(g, {{"x", x}})[0], Tensor::fromFloats({3}, {0.0f, -0.5f, -2.0f})));

    const std::string undefined =
        importError(modelCalling({function("F", {{{"Relu", "", "nowhere", "t"}}, {{"Neg", "", "t", "b"}}})}));
    QVERIFY2(undefined.find("function 'F' (called by node 'call'): node 'Relu' uses 'nowhere', which is neither") !=
                 std::string::npos,
             undefined.c_str());

    const std::string recursive =
        importError(modelCalling({function("F", {{{"G", "test.fn", "a", "b"}}}), function("G", {{{"F", "test.fn", "a", "b"}}})}));
    QVERIFY2(recursive.find("calls itself recursively: test.fn:F -> test.fn:G -> test.fn:F") != std::string::npos,
             recursive.c_str());

    // Validation inlines the functions before libonnx sees them (it would recurse forever).
    for (const std::string& bytes : {modelCalling({function("F", {{{"Relu", "", "nowhere", "b"}}})}),
                                     modelCalling({function("F", {{{"F", "test.fn", "a", "b"}}})})})
      try {
        validateModelBytes(bytes);
        QFAIL("validated a malformed function");
      } catch (const Error& e) {
        QVERIFY2(std::string(e.what()).rfind("invalid model-local function: function 'F'", 0) == 0, e.what());
      }

    const std::string unknown = importError(modelCalling({function("F", {{{"Gelu", "com.other", "a", "b"}}})}));
    QVERIFY2(unknown.find("node 'call.Gelu' (Gelu): operator domain 'com.other' is not supported") != std::string::npos,
             unknown.c_str());

    const std::string missingOut = importError(modelCalling({function("F", {{{"Relu", "", "a", "t"}}})}));
    QVERIFY2(missingOut.find("function output 'b' is not produced") != std::string::npos, missingOut.c_str());

    const std::string noFunction = importError(modelCalling({good}, "H"));
    QVERIFY2(noFunction.find("node 'call' (H): the model defines no function 'H' in domain 'test.fn'") != std::string::npos,
             noFunction.c_str());
  }
};

QTEST_APPLESS_MAIN(TestOnnxFunctions)
#include "test_onnx_functions.moc"
