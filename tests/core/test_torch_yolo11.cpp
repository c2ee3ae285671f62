// A whole YOLO11n exported by PyTorch (tests/data/make_yolo11n.py: torch.onnx.export, opset 17,
// constant folding, 640x640), generated at test time into the build directory by Debian's
// python3-torch (~10 MB, not committed). Imported: it reads as the 24 library blocks of
// yolo11.yaml with their parameters; it evaluates to PyTorch's output and to ONNX Runtime's on the
// same file; re-exported it runs in ONNX Runtime and re-imports to the same blocks; and
// `netcanvas-cli run` / `export` work on it. The shipped single-block exports
// (tests/data/torch_blocks) each import as one block of the right type and parameters.
#include <QProcess>
#include <QtTest>
#include <chrono>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <regex>

#include "core/blocks/library.h"
#include "core/blocks/recognize.h"
#include "core/blocks/yolo11.h"
#include "core/eval/evaluator.h"
#include "core/base/file_io.h"
#include "core/onnx/export.h"
#include "core/onnx/tensor_proto.h"
#include "tools/ort/ort_bridge.h"
#include "tests/support/cli_run.h"
#include "tests/support/op_case.h"
#include "tests/support/ort.h"
#include "tests/support/torch_data.h"

using namespace nc;
using namespace nctest;
namespace fs = std::filesystem;

namespace {

const fs::path kSource = fs::path(NC_SOURCE_DIR) / "tests" / "data";
fs::path kDir;  // the generated YOLO11n (tests/support/torch_data.h)

// "N <what>" from the data set's README line.
int64_t readmeCount(const fs::path& readme, const std::string& what) {
  std::ifstream f(readme);
  std::string line;
  std::getline(f, line);
  std::smatch m;
  if (!std::regex_search(line, m, std::regex("(\\d+) " + what))) return -1;
  return std::stoll(m[1]);
}

double maxDiff(const Tensor& a, const Tensor& b) {
  double m = 0;
  for (int64_t i = 0; i < std::min(a.numel(), b.numel()); ++i) m = std::max(m, double(std::fabs(a.f32()[i] - b.f32()[i])));
  return m;
}

std::string params(const Block& b) {
  std::string s;
  for (auto& [k, v] : b.params) s += (s.empty() ? "" : " ") + k + "=" + attrToString(v);
  return s;
}

// "Type params" of a block, e.g. "C3k2 c2=64 c3k=0 e=0.25 n=1 shortcut=1".
std::string describe(const Graph& g, const std::string& name) {
  const Block* b = g.findBlockByName(name);
  if (!b) return "(no block " + name + ")";
  std::string p = params(*b);
  return b->type + (p.empty() ? "" : " " + p);
}

}  // namespace

class TestTorchYolo11 : public QObject {
  Q_OBJECT

  Graph g_;
  Tensor x_, expected_;
  double tol_ = 0;

 private Q_SLOTS:
  // Generates the model unless it is there and newer than the scripts. A missing python3-torch
  // is a failure, not a skip: `tools/dev.sh test` installs it.
  void initTestCase() {
    std::string dir;
    const std::string error = ensureTorchYolo11n(&dir);
    if (!error.empty()) QFAIL(error.c_str());
    kDir = dir;
    const fs::path model = kDir / "model.onnx";
    auto t0 = std::chrono::steady_clock::now();
    g_ = blocks::openModel(model.string());
    qInfo("imported %zu nodes, %zu blocks in %.2f s", g_.size(), g_.blocks().size(),
          std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count());
    x_ = readTensorFile((kDir / "test_data_set_0" / "input_0.pb").string());
    expected_ = readTensorFile((kDir / "test_data_set_0" / "output_0.pb").string());
    QCOMPARE(expected_.shape(), (Shape{1, 84, 8400}));
    tol_ = 1e-5 * std::max(1.0f, maxAbs(expected_));  // boxes are in pixels (up to ~640)
  }

  void readsAsYolo11Blocks() {
    // yolo11.yaml at scale n (width 0.25, depth 0.50): channels min(c, 1024) * 0.25, n = 1.
    const std::vector<std::pair<std::string, std::string>> layers = {
        {"model.0", "Conv act=1 c2=16 g=1 k=3 s=2"},
        {"model.1", "Conv act=1 c2=32 g=1 k=3 s=2"},
        {"model.2", "C3k2 c2=64 c3k=0 e=0.25 n=1 shortcut=1"},
        {"model.3", "Conv act=1 c2=64 g=1 k=3 s=2"},
        {"model.4", "C3k2 c2=128 c3k=0 e=0.25 n=1 shortcut=1"},
        {"model.5", "Conv act=1 c2=128 g=1 k=3 s=2"},
        {"model.6", "C3k2 c2=128 c3k=1 e=0.5 n=1 shortcut=1"},
        {"model.7", "Conv act=1 c2=256 g=1 k=3 s=2"},
        {"model.8", "C3k2 c2=256 c3k=1 e=0.5 n=1 shortcut=1"},
        {"model.9", "SPPF c2=256 k=5"},
        {"model.10", "C2PSA c2=256 e=0.5 n=1"},
        {"model.11", "Upsample scale=2"},
        {"model.12", "Concat"},
        {"model.13", "C3k2 c2=128 c3k=0 e=0.5 n=1 shortcut=1"},
        {"model.14", "Upsample scale=2"},
        {"model.15", "Concat"},
        {"model.16", "C3k2 c2=64 c3k=0 e=0.5 n=1 shortcut=1"},
        {"model.17", "Conv act=1 c2=64 g=1 k=3 s=2"},
        {"model.18", "Concat"},
        {"model.19", "C3k2 c2=128 c3k=0 e=0.5 n=1 shortcut=1"},
        {"model.20", "Conv act=1 c2=128 g=1 k=3 s=2"},
        {"model.21", "Concat"},
        {"model.22", "C3k2 c2=256 c3k=1 e=0.5 n=1 shortcut=1"},
        {"model.23", "Detect nc=80 strides=[8, 16, 32]"},
    };
    std::vector<std::string> top;
    for (BlockId b : g_.childBlocks(kNoBlock)) top.push_back(g_.block(b).name);
    QCOMPARE(top.size(), layers.size());
    for (auto& [name, want] : layers) QCOMPARE(describe(g_, name), want);
    // Only the graph's input and output stay outside the blocks.
    int loose = 0;
    for (NodeId id : g_.nodeIds()) loose += g_.node(id).block == kNoBlock;
    QCOMPARE(loose, 2);
    // Nested blocks are named by module path and typed too.
    QCOMPARE(describe(g_, "model.2.m.0"), std::string("Bottleneck c2=16 e=0.5 k=[3, 3] shortcut=1"));
    QCOMPARE(describe(g_, "model.6.m.0"), std::string("C3k c2=64 e=0.5 k=3 n=2 shortcut=1"));
    QCOMPARE(describe(g_, "model.6.m.0.m.1.cv2"), std::string("Conv act=1 c2=32 g=1 k=3 s=1"));
    QCOMPARE(describe(g_, "model.10.m.0"), std::string("PSABlock attn_ratio=0.5 num_heads=2 shortcut=1"));
    QCOMPARE(describe(g_, "model.10.m.0.attn"), std::string("Attention attn_ratio=0.5 num_heads=2"));
    QCOMPARE(describe(g_, "model.10.m.0.attn.qkv"), std::string("Conv act=0 c2=256 g=1 k=1 s=1"));
    QCOMPARE(describe(g_, "model.23.cv3.0.0.0"), std::string("Conv act=1 c2=64 g=64 k=3 s=1"));
    // DFL is no library block: grouped, untyped.
    QCOMPARE(describe(g_, "model.23.dfl"), std::string(""));
    int typed = 0;
    for (auto& [id, b] : g_.blocks()) {
      QVERIFY2(b.collapsed, b.name.c_str());
      typed += !b.type.empty();
    }
    QCOMPARE(typed, int(g_.blocks().size()) - 1);  // all but DFL
    // Shape arithmetic PyTorch emits at a scope's root (chunk()) belongs to that block, and the
    // unnamed split sizes to the block that uses them.
    const Node* shape = g_.findByName("/model.2/Shape");
    QVERIFY(shape);
    QCOMPARE(g_.block(shape->block).name, std::string("model.2"));
    for (NodeId id : g_.nodeIds())
      if (g_.node(id).op == "Split") QVERIFY2(g_.node(id).block != kNoBlock, g_.node(id).name.c_str());
  }

  void parameterCount() {
    const fs::path readme = kDir / "README";
    QCOMPARE(readmeCount(readme, "PyTorch parameters"), int64_t(2624080));  // Ultralytics' YOLO11n summary
    // BatchNorm is folded by the exporter: each Conv keeps its weights and gains a bias.
    QCOMPARE(yolo::trainableParameterCount(g_), readmeCount(readme, "after BatchNorm folding"));
  }

  void evaluatesToPyTorch() {
    std::vector<Tensor> ours = evaluate(g_, {{"images", x_}});
    NC_CHECK(compareTensors(ours.at(0), expected_, {tol_, 1e-4}));
    qInfo("ours vs PyTorch: max |diff| %.3g (output scale %.3g, tolerance %.3g)", maxDiff(ours.at(0), expected_),
          double(maxAbs(expected_)), tol_);
  }

  void matchesOnnxRuntime() {
    if (!ortAvailable()) QFAIL("ONNX Runtime (tests/ort/node_modules) is missing; `bash tools/dev.sh test` installs it");
    // ONNX Runtime on PyTorch's own file.
    OrtResult r = runOrt((kDir / "model.onnx").string(), {{"images", x_}});
    NC_CHECK(compareTensors(r.outputs.at(0), expected_, {tol_, 1e-4}));
    std::vector<Tensor> ours = evaluate(g_, {{"images", x_}});
    NC_CHECK(compareTensors(ours.at(0), r.outputs.at(0), {tol_, 1e-4}));
    qInfo("ONNX Runtime vs PyTorch: max |diff| %.3g; ours vs ONNX Runtime: %.3g", maxDiff(r.outputs.at(0), expected_),
          maxDiff(ours.at(0), r.outputs.at(0)));
    // Our re-export: ONNX checker, strict shape inference, ONNX Runtime, re-import.
    NC_CHECK(checkGraphWithOrt(g_, {{"images", x_}}, {tol_, 1e-4}));
  }

  void reexportKeepsBlocks() {
    // Export keeps the node names, so the re-imported model reads as the same blocks.
    Graph again = blocks::openModelBytes(exportModelBytes(g_));
    QCOMPARE(again.blocks().size(), g_.blocks().size());
    for (auto& [id, b] : g_.blocks()) QCOMPARE(describe(again, b.name), describe(g_, b.name));
  }

  // The imported blocks exported as ONNX functions: ONNX Runtime computes PyTorch's numbers from
  // the function form, and importing it gives back the same typed blocks (from the functions, not
  // from scope recognition).
  void exportAsFunctionsKeepsBlocks() {
    ExportOptions opt;
    opt.functions = true;
    ValidationReport report;
    const std::string bytes = exportModelBytes(g_, opt, &report);
    QVERIFY(!report.functions.empty());
    const std::string path = tempPath("_yolo11n_functions.onnx");
    writeFileAtomic(path, bytes);
    OrtResult r = runOrt(path, {{"images", x_}});
    fs::remove(path);
    NC_CHECK(compareTensors(r.outputs.at(0), expected_, {tol_, 1e-4}));
    Graph again = blocks::openModelBytes(bytes);
    QCOMPARE(again.blocks().size(), g_.blocks().size());
    for (auto& [id, b] : g_.blocks()) QCOMPARE(describe(again, b.name), describe(g_, b.name));
    NC_CHECK(compareTensors(evaluate(again, {{"images", x_}}).at(0), expected_, {tol_, 1e-4}));
  }

  // A recognised block is parametric, and regenerating it keeps PyTorch's weights (matched by
  // module path; a folded Conv bias becomes the new BatchNorm's shift). The same parameters give
  // the same network output; the Detect head regenerated for 3 classes (levels taken finest first
  // whatever the imported node order) keeps its box rows exactly.
  void regenerateImportedBlocksKeepsWeights() {
    Graph g = g_;
    blocks::regenerateBlock(g, g.findBlockByName("model.2")->id, {});
    QCOMPARE(describe(g, "model.2"), describe(g_, "model.2"));
    NC_CHECK(compareTensors(evaluate(g, {{"images", x_}}).at(0), expected_, {tol_, 1e-4}));

    Graph h = g_;
    const Block* detect = h.findBlockByName("model.23");
    QVERIFY(detect && detect->type == "Detect");
    blocks::regenerateBlock(h, detect->id, {{"nc", int64_t(3)}});
    Evaluator ev;
    ev.setFeed("images", x_);
    QVERIFY(ev.run(h).ok());
    const Tensor out = ev.graphOutputs(h).at(0);
    QCOMPARE(out.shape(), (Shape{1, 7, 8400}));
    const Tensor before = evaluate(g_, {{"images", x_}}).at(0);
    for (int64_t i = 0; i < 4 * 8400; ++i)
      QVERIFY2(std::fabs(out.f32()[i] - before.f32()[i]) <= tol_, qPrintable(QString("box value %1 differs").arg(i)));
  }

  void cliRunAndExport() {
    const std::string dir = tempPath("_yolo11n_cli");
    const std::string model = (kDir / "model.onnx").string(), data = (kDir / "test_data_set_0").string();
    const std::string out1 = dir + "/run1", exported = dir + "/reexported.onnx", out2 = dir + "/run2";
    fs::create_directories(dir);
    auto q = [](const std::string& s) { return QString::fromStdString(s); };
    CliResult r = runCli({"run", q(model), "--data", q(data), "--out", q(out1)});
    QVERIFY2(r.code == 0, r.log().c_str());
    NC_CHECK(compareTensors(readTensorFile(out1 + "/output_0.pb"), expected_, {tol_, 1e-4}));
    r = runCli({"export", q(model), "-o", q(exported)});
    QVERIFY2(r.code == 0, r.log().c_str());
    r = runCli({"run", q(exported), "--data", q(data), "--out", q(out2)});
    QVERIFY2(r.code == 0, r.log().c_str());
    NC_CHECK(compareTensors(readTensorFile(out2 + "/output_0.pb"), expected_, {tol_, 1e-4}));
    fs::remove_all(dir);
  }

  // Every shipped single-block export imports as one block of its type, with the parameters
  // make_yolo_blocks.py constructed it with.
  void torchBlocks_data() {
    QTest::addColumn<QString>("block");
    QTest::addColumn<QString>("name");
    QTest::addColumn<QString>("expected");
    auto row = [](const char* dir, const char* name, const char* want) { QTest::newRow(dir) << dir << name << want; };
    row("conv", "conv", "Conv act=1 c2=16 g=1 k=3 s=2");
    row("bottleneck", "bottleneck", "Bottleneck c2=16 e=0.5 k=[3, 3] shortcut=1");
    row("c3k", "c3k", "C3k c2=32 e=0.5 k=3 n=2 shortcut=1");
    row("c3k2", "c3k2", "C3k2 c2=64 c3k=0 e=0.25 n=1 shortcut=1");
    row("c3k2_c3k", "c3k2", "C3k2 c2=32 c3k=1 e=0.5 n=1 shortcut=1");
    row("sppf", "sppf", "SPPF c2=32 k=5");
    row("attention", "attention", "Attention attn_ratio=0.5 num_heads=2");
    row("psablock", "psablock", "PSABlock attn_ratio=0.5 num_heads=1 shortcut=1");
    row("c2psa", "c2psa", "C2PSA c2=128 e=0.5 n=1");
    row("detect", "detect", "Detect nc=8 strides=[8, 16, 32]");
  }
  void torchBlocks() {
    QFETCH(QString, block);
    QFETCH(QString, name);
    QFETCH(QString, expected);
    Graph g = blocks::openModel((kSource / "torch_blocks" / block.toStdString() / "model.onnx").string());
    QCOMPARE(describe(g, name.toStdString()), expected.toStdString());
    const Block* b = g.findBlockByName(name.toStdString());
    if (block == "detect") {
      // DetectWrapper: three Conv projections feed the Detect block; two MaxPools stay loose.
      QCOMPARE(b->parent, kNoBlock);
      for (const char* p : {"proj.0", "proj.1", "proj.2"}) QCOMPARE(g.findBlockByName(p)->type, std::string("Conv"));
      QCOMPARE(g.childBlocks(kNoBlock).size(), size_t(4));
    } else {
      // The whole model is that one block: every node but the graph's input and output.
      QCOMPARE(g.childBlocks(kNoBlock), std::vector<BlockId>{b->id});
      QCOMPARE(g.blockNodes(b->id).size(), g.size() - 2);
    }
    // Grouping is metadata: the numbers are PyTorch's with or without it.
    Tensor x = readTensorFile((kSource / "torch_blocks" / block.toStdString() / "test_data_set_0" / "input_0.pb").string());
    Tensor y = readTensorFile((kSource / "torch_blocks" / block.toStdString() / "test_data_set_0" / "output_0.pb").string());
    NC_CHECK(compareTensors(evaluate(g, {{g.node(g.inputNodes().at(0)).name, x}}).at(0), y,
                            {1e-4 * std::max(1.0f, maxAbs(y)), 1e-4}));
  }

  // A scope that is not exactly a library block stays a plain group: in a C3k2 whose inner
  // Bottleneck has lost its second activation, "m.0" is grouped but untyped (as is the whole, so
  // the top-level scopes become the blocks), while every intact Conv is still recognised.
  void inexactScopeStaysPlain() {
    Graph g = blocks::openModel((kSource / "torch_blocks" / "c3k2" / "model.onnx").string(), {.blocks = false});
    QVERIFY(g.blocks().empty());
    const Node* act = g.findByName("/m.0/cv2/act/Mul");  // the SiLU read back from Sigmoid -> Mul
    QVERIFY(act);
    QCOMPARE(act->op, std::string("SiLU"));
    const NodeId actId = act->id;
    const PortRef in = *act->inputs[0].source;
    for (const PortRef& c : g.consumers({actId, 0})) {
      g.disconnect(c);
      g.connect(in, c);
    }
    g.removeNode(actId);
    blocks::RecognizeReport r = blocks::recognizeBlocks(g);
    QCOMPARE(r.blocks, 5);  // cv1, cv2, m.0, m.0.cv1, m.0.cv2
    QCOMPARE(r.typed, 4);
    QCOMPARE(describe(g, "m.0"), std::string(""));
    QCOMPARE(describe(g, "m.0.cv1"), std::string("Conv act=1 c2=8 g=1 k=3 s=1"));
    QCOMPARE(describe(g, "m.0.cv2"), std::string("Conv act=0 c2=16 g=1 k=3 s=1"));
    QCOMPARE(describe(g, "cv1"), std::string("Conv act=1 c2=32 g=1 k=1 s=1"));
    QCOMPARE(g.childBlocks(kNoBlock).size(), size_t(3));
    QCOMPARE(g.block(g.findByName("/m.0/Add")->block).name, std::string("m.0"));
  }

  // Same ops, same shapes, different wiring is no match either: in a C3k whose first Bottleneck
  // adds its cv1 output instead of its input, m.0 is untyped and m.1 still a Bottleneck.
  void rewiredScopeStaysPlain() {
    Graph g = blocks::openModel((kSource / "torch_blocks" / "c3k" / "model.onnx").string(), {.blocks = false});
    const Node* add = g.findByName("/m/m.0/Add");
    const Node* cv1 = g.findByName("/m/m.0/cv1/act/Mul");
    QVERIFY(add && cv1);
    const NodeId addId = add->id;
    const PortRef cv1Out{cv1->id, 0}, x = *add->inputs[0].source;
    QVERIFY(x != cv1Out);
    g.disconnect({addId, 0});
    g.connect(cv1Out, {addId, 0});
    blocks::recognizeBlocks(g);
    QCOMPARE(describe(g, "m.0"), std::string(""));
    QCOMPARE(describe(g, "m.1"), std::string("Bottleneck c2=16 e=1 k=[3, 3] shortcut=1"));
    QCOMPARE(describe(g, "m.0.cv2"), std::string("Conv act=1 c2=16 g=1 k=3 s=1"));
    QVERIFY(!g.findBlockByName("c3k"));  // the whole is no C3k: its top-level scopes are the blocks
  }

  // The unfolded form Conv -> BatchNormalization -> SiLU is a Conv block too: our own YOLO11n
  // builder's graph, its node names rewritten to PyTorch's scope style ("model.2.m.0.cv1.conv" ->
  // "/model.2/m.0/cv1/conv/Conv"), imports as the same 24 typed blocks.
  void unfoldedBatchNormIsConvBlock() {
    Graph built = yolo::buildYolo11({.imageSize = 64});
    for (NodeId id : built.nodeIds()) {
      const Node& n = built.node(id);
      if (n.op == "Input" || n.op == "Output") continue;
      std::string scoped;
      size_t start = 0;
      for (;;) {  // numbered segments stay with their container, as PyTorch names them
        const size_t dot = n.name.find('.', start);
        const std::string seg = n.name.substr(start, dot == std::string::npos ? std::string::npos : dot - start);
        const bool number = !seg.empty() && std::all_of(seg.begin(), seg.end(), ::isdigit);
        scoped += (number ? "." : "/") + seg;
        if (dot == std::string::npos) break;
        start = dot + 1;
      }
      built.setName(id, scoped + "/" + n.op);
    }
    Graph g = blocks::openModelBytes(exportModelBytes(built));
    int bn = 0;
    for (NodeId id : g.nodeIds()) bn += g.node(id).op == "BatchNormalization";
    QVERIFY(bn > 0);
    QCOMPARE(g.childBlocks(kNoBlock).size(), size_t(24));
    for (auto& [id, b] : g_.blocks()) QCOMPARE(describe(g, b.name), describe(g_, b.name));
    QCOMPARE(g.findBlockByName("model.2.cv1")->type, std::string("Conv"));
    QCOMPARE(g.block(g.findByName("/model.2/cv1/bn/BatchNormalization")->block).name, std::string("model.2.cv1"));
  }

  // Graphs without PyTorch scope names (our own exports, hand-made models) are left as they are.
  void unscopedGraphUnchanged() {
    Graph built = yolo::buildYolo11({.imageSize = 64});
    Graph g = blocks::openModelBytes(exportModelBytes(built));
    QVERIFY(g.blocks().empty());
    QCOMPARE(blocks::recognizeBlocks(g).blocks, 0);
  }
};

QTEST_GUILESS_MAIN(TestTorchYolo11)
#include "test_torch_yolo11.moc"
