// YOLO11 blocks exported by PyTorch (tests/data/make_yolo_blocks.py: torch.onnx.export, opset
// 17, constant folding): imported, evaluated by our fast and reference kernels against
// PyTorch's own output, re-exported and run by ONNX Runtime, and the block library's parameter
// counts compared with PyTorch's for the same configuration. These are the op patterns the
// exporter really emits (attention: Reshape/Split/Transpose/MatMul/Softmax; chunk():
// Shape/Gather/Div/Slice; detect head: Concat/Split/Softmax/Expand/...).
#include <QtTest>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <regex>

#include "core/blocks/recognize.h"
#include "core/blocks/yolo11.h"
#include "core/eval/evaluator.h"
#include "core/onnx/tensor_proto.h"
#include "tests/support/op_case.h"
#include "tests/support/ort.h"

using namespace nc;
using namespace nctest;
namespace fs = std::filesystem;

namespace {
const fs::path kDir = fs::path(NC_SOURCE_DIR) / "tests" / "data" / "torch_blocks";

int64_t torchParams(const std::string& block) {
  std::ifstream f(kDir / block / "README");
  std::string line;
  std::getline(f, line);
  std::smatch m;
  if (!std::regex_search(line, m, std::regex("(\\d+) PyTorch parameters"))) return -1;
  return std::stoll(m[1]);
}

// Our builder's version of a block, with the same configuration as make_yolo_blocks.py.
int64_t builderParams(const std::string& block) {
  Graph g;
  yolo::Builder b(g, 1);
  using V = yolo::Value;
  if (block == "conv") b.conv("m", b.input("x", 8, 16, 16), 16, 3, 2);
  else if (block == "bottleneck") b.bottleneck("m", b.input("x", 16, 12, 12), 16, true, 3, 3, 0.5);
  else if (block == "c3k") b.c3k("m", b.input("x", 16, 12, 12), 32, 2, true, 0.5, 3);
  else if (block == "c3k2") b.c3k2("m", b.input("x", 32, 16, 16), 64, 1, false, 0.25);
  else if (block == "c3k2_c3k") b.c3k2("m", b.input("x", 32, 16, 16), 32, 1, true, 0.5);
  else if (block == "sppf") b.sppf("m", b.input("x", 32, 13, 13), 32, 5);
  else if (block == "attention") b.attention("m", b.input("x", 128, 5, 5), 2, 0.5);
  else if (block == "psablock") b.psaBlock("m", b.input("x", 64, 7, 7), 0.5, 1);
  else if (block == "c2psa") b.c2psa("m", b.input("x", 128, 6, 6), 128, 1);
  else if (block == "detect") {
    V x = b.input("x", 16, 16, 16);
    V p0 = b.conv("p0", x, 16);
    V f1 = x, f2 = x;
    f1.height = f1.width = 8;
    f2.height = f2.width = 4;
    V p1 = b.conv("p1", f1, 32), p2 = b.conv("p2", f2, 64);
    b.detect("d", {p0, p1, p2}, 8, {8, 16, 32});
  } else {
    return -1;
  }
  return yolo::trainableParameterCount(g);
}
}  // namespace

class TestTorchBlocks : public QObject {
  Q_OBJECT
 private Q_SLOTS:
  void blocks_data() {
    QTest::addColumn<QString>("block");
    QVERIFY(fs::exists(kDir));
    std::vector<std::string> names;
    for (auto& e : fs::directory_iterator(kDir)) names.push_back(e.path().filename().string());
    std::sort(names.begin(), names.end());
    for (auto& n : names) QTest::newRow(n.c_str()) << QString::fromStdString(n);
  }
  void blocks() {
    QFETCH(QString, block);
    const fs::path dir = kDir / block.toStdString();
    Graph g = nc::blocks::openModel((dir / "model.onnx").string());
    Tensor x = readTensorFile((dir / "test_data_set_0" / "input_0.pb").string());
    Tensor expected = readTensorFile((dir / "test_data_set_0" / "output_0.pb").string());
    const std::string in = g.node(g.inputNodes().at(0)).name;
    const double tol = 1e-4 * std::max(1.0f, maxAbs(expected));
    for (bool reference : {false, true}) {  // fast kernels, then the naive reference kernels
      std::vector<Tensor> ours = evaluate(g, {{in, x}}, reference);
      NC_CHECK(compareTensors(ours[0], expected, {tol, 1e-4}));
    }
    // PyTorch writes SiLU as Sigmoid -> Mul; the import reads it back as SiLU nodes. The only
    // Sigmoid left is Detect's class-score activation (no Mul after it).
    int sig = 0, silu = 0;
    for (NodeId id : g.nodeIds()) sig += g.node(id).op == "Sigmoid", silu += g.node(id).op == "SiLU";
    if (block != "attention" && block != "detect") QVERIFY2(silu > 0, "no SiLU recognised");
    QCOMPARE(sig, block == "detect" ? 1 : 0);
    // Re-export (SiLU back to Sigmoid -> Mul) and let ONNX Runtime run it.
    NC_CHECK(checkGraphWithOrt(g, {{in, x}}, {tol, 1e-4}));
    // The block library builds the same architecture: same parameter count as PyTorch.
    const int64_t ours = builderParams(block.toStdString()), torch = torchParams(block.toStdString());
    QVERIFY2(ours >= 0, "builderParams() does not know this block: add its configuration");
    QVERIFY2(torch >= 0, "the block's README does not state 'N PyTorch parameters'");
    QCOMPARE(ours, torch);
  }
};

QTEST_APPLESS_MAIN(TestTorchBlocks)
#include "test_torch_blocks.moc"
