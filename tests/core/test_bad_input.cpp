// Bad input never crashes: garbage and truncated ONNX bytes and files, unsupported ops and
// domains, future opsets, huge tensor shapes, the memory budget, hostile window attributes; and a
// failing export leaves an existing file alone.
#include <onnx/onnx_pb.h>
#include <rapidcheck.h>

#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <csignal>
#include <random>

#include <QtTest>
#include <filesystem>
#include <fstream>

#include "core/eval/evaluator.h"
#include "core/base/file_io.h"
#include "core/onnx/export.h"
#include "core/onnx/import.h"
#include "core/onnx/tensor_proto.h"
#include "core/onnx/validate.h"
#include "core/eval/shape_inference.h"
#include "core/tensor/memory_budget.h"
#include "tests/support/expect_error.h"
#include "tests/support/op_case.h"
#include "tests/support/ort.h"

using namespace nc;
using namespace nctest;
namespace fs = std::filesystem;

namespace {

// x -> Sigmoid -> y as a ModelProto we can then break in specific ways.
onnx::ModelProto sigmoidModel(const std::string& opType = "Sigmoid",
                              const std::string& nodeName = "sig") {
  onnx::ModelProto m;
  m.set_ir_version(8);
  auto* os = m.add_opset_import();
  os->set_domain("");
  os->set_version(17);
  auto* g = m.mutable_graph();
  g->set_name("g");
  auto* n = g->add_node();
  n->set_op_type(opType);
  n->set_name(nodeName);
  const std::string xName = "x", yName = "y";
  n->add_input(xName);
  n->add_output(yName);
  auto declare = [](onnx::ValueInfoProto* vi, const std::string& name) {
    vi->set_name(name);
    auto* tt = vi->mutable_type()->mutable_tensor_type();
    tt->set_elem_type(onnx::TensorProto::FLOAT);
    tt->mutable_shape()->add_dim()->set_dim_value(4);
  };
  declare(g->add_input(), std::string("x"));
  declare(g->add_output(), std::string("y"));
  return m;
}

std::string bytesOf(const onnx::ModelProto& m) {
  std::string s;
  m.SerializeToString(&s);
  return s;
}

Graph sigmoidGraph() {
  Graph g;
  NodeId x = g.addNode("Input", "x");
  g.setAttr(x, "shape", Shape{2, 3});
  NodeId s = g.addNode("Sigmoid", "s"), o = g.addNode("Output", "y");
  g.connect({x, 0}, {s, 0});
  g.connect({s, 0}, {o, 0});
  return g;
}

}  // namespace

class TestBadInput : public QObject {
  Q_OBJECT
 private Q_SLOTS:
  void sanity() {
    // The hand-built model itself is fine, so the failures below are about what we broke.
    Graph g = importModelBytes(bytesOf(sigmoidModel()));
    QVERIFY(g.findByName("sig"));
    validateModelBytes(bytesOf(sigmoidModel()));
  }

  void garbageBytes() {
    EXPECT_ERROR(importModelBytes(""), "empty");
    EXPECT_ERROR(importModelBytes("this is not a protobuf at all \xff\xff\xff\xff"),
                 "not a valid ONNX model");
    EXPECT_ERROR(validateModelBytes("\x08\x96\x01garbage"), "not a valid ONNX model");
    EXPECT_ERROR(tensorFromProtoBytes("\xff\xff\xff"), "TensorProto");
    // Any bytes: a graph or nc::Error, never another exception or a crash.
    QVERIFY(rc::check("random bytes import cleanly or fail with nc::Error",
                      [](const std::string& bytes) {
                        std::string m = errorOf([&] { importModelBytes(bytes); });
                        RC_ASSERT(m.rfind("NOT nc::Error", 0) != 0);
                      }));
  }

  void truncatedBytes() {
    std::string good = exportModelBytes(sigmoidGraph());
    EXPECT_ERROR(importModelBytes(good.substr(0, good.size() / 2)), "not a valid ONNX model");
    for (size_t cut = 0; cut < good.size(); ++cut) {
      std::string m = errorOf([&] { importModelBytes(good.substr(0, cut)); });
      QVERIFY2(m.rfind("NOT nc::Error", 0) != 0, m.c_str());
    }
    // Flipped bytes as well.
    for (size_t i = 0; i < good.size(); i += 3) {
      std::string b = good;
      b[i] = char(b[i] ^ 0x5a);
      std::string m = errorOf([&] { importModelBytes(b); });
      QVERIFY2(m.rfind("NOT nc::Error", 0) != 0, m.c_str());
    }
  }

  void badFiles() {
    EXPECT_ERROR(importModel("/nonexistent/model.onnx"), "cannot open '/nonexistent/model.onnx'");
    std::string empty = tempPath(".onnx");
    std::ofstream(empty).close();
    EXPECT_ERROR(importModel(empty), "empty");
    std::string garbage = tempPath(".onnx");
    std::ofstream(garbage) << "<html>not a model</html>";
    std::string m = errorOf([&] { importModel(garbage); });
    QVERIFY2(m.find(garbage) != std::string::npos &&
                 m.find("not a valid ONNX model") != std::string::npos,
             m.c_str());
    std::string dir = tempPath("");
    fs::create_directory(dir);
    EXPECT_ERROR(importModel(dir), "");  // a directory: nc::Error, whatever the wording
    std::string tensor = tempPath(".pb");
    std::ofstream(tensor) << "\x0a\x05";
    EXPECT_ERROR(readTensorFile(tensor), tensor);
  }

  void unsupportedOp() {
    EXPECT_ERROR(importModelBytes(bytesOf(sigmoidModel("Einsum", "my_einsum"))),
                 "node 'my_einsum' (Einsum)");
    EXPECT_ERROR(importModelBytes(bytesOf(sigmoidModel("Einsum", "my_einsum"))),
                 "operator 'Einsum' is not supported");
    // Unnamed nodes are named by op type and position.
    EXPECT_ERROR(importModelBytes(bytesOf(sigmoidModel("NotAnOp", ""))), "node 'NotAnOp #1'");
    // An attribute we do not know on a supported op.
    onnx::ModelProto m = sigmoidModel();
    auto* a = m.mutable_graph()->mutable_node(0)->add_attribute();
    a->set_name("frobnicate");
    a->set_type(onnx::AttributeProto::INT);
    a->set_i(1);
    EXPECT_ERROR(importModelBytes(bytesOf(m)), "attribute 'frobnicate' is not supported");
  }

  void unknownDomain() {
    onnx::ModelProto m = sigmoidModel();
    auto* os = m.add_opset_import();
    os->set_domain("com.example.custom");
    os->set_version(1);
    EXPECT_ERROR(importModelBytes(bytesOf(m)), "domain 'com.example.custom'");
    onnx::ModelProto n = sigmoidModel();
    n.mutable_graph()->mutable_node(0)->set_domain("com.microsoft");
    EXPECT_ERROR(importModelBytes(bytesOf(n)),
                 "node 'sig' (Sigmoid): operator domain 'com.microsoft'");
  }

  void futureOpset() {
    onnx::ModelProto m = sigmoidModel();
    m.mutable_opset_import(0)->set_version(99);
    EXPECT_ERROR(importModelBytes(bytesOf(m)), "opset 99");
    ExportOptions opt;
    opt.opset = 99;
    EXPECT_ERROR(exportModelBytes(sigmoidGraph(), opt), "opset 99");
  }

  void hugeShapes() {
    EXPECT_ERROR(Tensor(DType::Float32, Shape{int64_t(1) << 40}), "too large");
    EXPECT_ERROR(Tensor(DType::Float32, Shape{int64_t(1) << 31, int64_t(1) << 31, 4}), "too large");
    // An initializer claiming a huge shape.
    onnx::ModelProto m = sigmoidModel("Mul", "mul");
    auto* init = m.mutable_graph()->add_initializer();
    init->set_name("w");
    init->set_data_type(onnx::TensorProto::FLOAT);
    for (int i = 0; i < 3; ++i) init->add_dims(int64_t(1) << 20);
    m.mutable_graph()->mutable_node(0)->add_input(std::string("w"));
    // Refused for its missing data before anything is allocated (it used to be zero-filled).
    EXPECT_ERROR(importModelBytes(bytesOf(m)), "float_data has 0 values");
    // A negative dimension.
    init->clear_dims();
    init->add_dims(-3);
    EXPECT_ERROR(importModelBytes(bytesOf(m)), "negative");
    // Raw data shorter than the shape needs.
    init->clear_dims();
    init->add_dims(1000);
    init->set_raw_data(std::string(16, '\0'));
    EXPECT_ERROR(importModelBytes(bytesOf(m)), "raw data has 16 bytes");
    // A graph input of a huge declared shape evaluates to an error value, not a crash.
    Graph g = sigmoidGraph();
    g.setAttr(g.findByName("x")->id, "shape", Shape{int64_t(1) << 30, int64_t(1) << 30});
    Evaluator ev;
    EvalReport r = ev.run(g);
    QVERIFY(!r.ok());
    QVERIFY2(r.errors[0].message.find("too large") != std::string::npos,
             r.errors[0].message.c_str());
  }

  // A TensorProto of 20 bytes declaring 65536 x 65536 floats (16 GiB) and no data is refused for
  // its size before any allocation (fuzz_tensor_proto found it zero-filling gigabytes).
  void declaredSizeWithoutData() {
    onnx::TensorProto p;
    p.set_data_type(onnx::TensorProto::FLOAT);
    p.add_dims(65536);
    p.add_dims(65536);
    EXPECT_ERROR(tensorFromProtoBytes(p.SerializeAsString()), "needs 4294967296");
    p.set_raw_data(std::string(40, '\0'));
    EXPECT_ERROR(tensorFromProtoBytes(p.SerializeAsString()), "raw data has 40 bytes");
    p.set_data_type(onnx::TensorProto::INT64);
    p.clear_raw_data();
    EXPECT_ERROR(tensorFromProtoBytes(p.SerializeAsString()), "int64_data has 0 values");
  }

  // Conv/ConvTranspose with X and W of the wrong rank crash libonnx 1.12's shape inference
  // (SIGSEGV); validation runs it in a child process, so it is an error naming the crash.
  void libonnxCrashIsAnError() {
    for (const char* name : {"conv_wrong_rank.onnx", "convtranspose_wrong_rank.onnx"}) {
      const std::string path = std::string(NC_SOURCE_DIR) + "/tests/data/fuzz-regressions/onnx_validate/" + name;
      EXPECT_ERROR(validateModelBytes(readFileBytes(path)), "crashed on this model");
    }
    // A valid model still validates the same way through the child process.
    const ValidationReport r = validateModelBytes(bytesOf(sigmoidModel()));
    QVERIFY(r.checkerRun);
    QVERIFY(r.shapeInferenceRun);
  }

  // Only regular files are read (issue #12): a FIFO used to block forever, /dev/zero and
  // /dev/urandom were read to exhaustion. Each is now one quick error, through every reader.
  void specialFilesAreRefused() {
    const fs::path dir = fs::temp_directory_path() / ("nc-special-" + std::to_string(::getpid()));
    fs::create_directories(dir);
    const std::string fifo = (dir / "model.onnx").string();
    QCOMPARE(::mkfifo(fifo.c_str(), 0600), 0);
    EXPECT_ERROR(readFileBytes(fifo), "not a regular file");
    EXPECT_ERROR(importModel(fifo), "not a regular file");
    EXPECT_ERROR(readTensorFile(fifo), "not a regular file");
    fs::create_symlink("/dev/zero", dir / "zero.onnx");
    EXPECT_ERROR(importModel((dir / "zero.onnx").string()), "not a regular file");
    EXPECT_ERROR(readFileBytes("/dev/urandom"), "not a regular file");
    EXPECT_ERROR(readFileBytes(dir.string()), "not a regular file");
    // A regular file over the allowed size is refused from its size, before it is read.
    const std::string big = (dir / "big.bin").string();
    writeFileAtomic(big, std::string(100, 'x'));
    EXPECT_ERROR(readFileBytes(big, 99), "more than the 99 allowed");
    QCOMPARE(readFileBytes(big, 100).size(), size_t(100));
    fs::remove_all(dir);
  }

  // An atomic save leaves no temporary file behind and gives the file the mode a plain create
  // would (0666 less the umask), not mkstemp's 0600.
  void atomicSaveModeAndCleanup() {
    const fs::path dir = fs::temp_directory_path() / ("nc-save-" + std::to_string(::getpid()));
    fs::create_directories(dir);
    const std::string path = (dir / "out.onnx").string();
    writeFileAtomic(path, "one");
    writeFileAtomic(path, "two");
    QCOMPARE(readFileBytes(path), std::string("two"));
    const mode_t mask = ::umask(022);
    ::umask(mask);
    struct stat st {};
    QCOMPARE(::stat(path.c_str(), &st), 0);
    QCOMPARE(int(st.st_mode & 0777), int(0666 & ~mask));
    int entries = 0;
    for ([[maybe_unused]] auto& e : fs::directory_iterator(dir)) ++entries;
    QCOMPARE(entries, 1);
    EXPECT_ERROR(writeFileAtomic((dir / "missing" / "x.onnx").string(), "x"), "cannot write");
    fs::remove_all(dir);
  }

  // A process saving in a loop is killed (SIGKILL) at 100 random moments: the file on disk is
  // always one complete version, never a mix or a truncation (issue #12).
  void atomicSaveSurvivesSigkill() {
    const fs::path dir = fs::temp_directory_path() / ("nc-kill-" + std::to_string(::getpid()));
    fs::create_directories(dir);
    const std::string path = (dir / "project.ncproj").string();
    const std::string a(1 << 20, 'a'), b((1 << 20) + 7, 'b');
    writeFileAtomic(path, a);
    std::mt19937 rng(20261203);
    for (int round = 0; round < 100; ++round) {
      const pid_t child = ::fork();
      QVERIFY(child >= 0);
      if (child == 0) {
        for (int i = 0;; ++i) writeFileAtomic(path, i % 2 ? a : b);
      }
      ::usleep(useconds_t(std::uniform_int_distribution<int>(0, 20000)(rng)));
      ::kill(child, SIGKILL);
      int status = 0;
      ::waitpid(child, &status, 0);
      const std::string now = readFileBytes(path);
      QVERIFY2(now == a || now == b, ("round " + std::to_string(round) + ": " + std::to_string(now.size()) +
                                      " bytes, neither version")
                                         .c_str());
    }
    fs::remove_all(dir);
  }

  // The process-wide memory budget (issue #12): a tensor whose bytes exceed it fails before
  // anything is allocated, naming the shape and the size.
  void memoryBudget() {
    QVERIFY(nc::memoryBudget() > 0);
    QCOMPARE(nc::memoryBudget(), defaultMemoryBudget());
    {
      ScopedMemoryBudget budget(int64_t(1) << 20);
      EXPECT_ERROR(Tensor(DType::Float32, Shape{1024, 1024}),
                   "tensor of shape [1024, 1024]: 1048576 elements (4.0 MiB) exceed the memory budget of 1.0 MiB");
      QCOMPARE(Tensor(DType::Float32, Shape{256, 256}).numel(), int64_t(65536));
      EXPECT_ERROR(checkAllocation(int64_t(1) << 20, 8, "initializer 'w'"), "initializer 'w': 1048576 elements (8.0 MiB)");
      EXPECT_ERROR(checkAllocation(INT64_MAX, 8, "x"), "more than 8 EiB");
      // A graph input declared bigger than the budget: an error value naming the node.
      Graph g = sigmoidGraph();
      g.setAttr(g.findByName("x")->id, "shape", Shape{1024, 1024});
      Evaluator ev;
      EvalReport r = ev.run(g);
      QVERIFY(!r.ok());
      QVERIFY2(r.errors[0].message.find("node 'x'") != std::string::npos &&
                   r.errors[0].message.find("memory budget") != std::string::npos,
               r.errors[0].message.c_str());
    }
    QCOMPARE(nc::memoryBudget(), defaultMemoryBudget());
  }

  // Window geometry with hostile attributes (issue #12): overflow-checked, one clear error.
  void hostileWindows() {
    // A model file with a Conv whose pads are 1e9: import works, shape inference and `run`
    // refuse it at once (it used to spend minutes in oneDNN, then bad_alloc).
    onnx::ModelProto m = sigmoidModel("Conv", "conv");
    auto* g = m.mutable_graph();
    for (auto* vi : {g->mutable_input(0), g->mutable_output(0)}) {
      auto* shape = vi->mutable_type()->mutable_tensor_type()->mutable_shape();
      shape->clear_dim();
      for (int i = 0; i < 4; ++i) shape->add_dim()->set_dim_value(i < 2 ? 1 : 3);
    }
    auto* w = g->add_initializer();
    w->set_name("w");
    w->set_data_type(onnx::TensorProto::FLOAT);
    for (int i = 0; i < 4; ++i) w->add_dims(i < 2 ? 1 : 3);
    for (int i = 0; i < 9; ++i) w->add_float_data(1.0f);
    auto* conv = g->mutable_node(0);
    conv->add_input(std::string("w"));
    auto* pads = conv->add_attribute();
    pads->set_name("pads");
    pads->set_type(onnx::AttributeProto::INTS);
    for (int i = 0; i < 4; ++i) pads->add_ints(1000000000);
    Graph graph = importModelBytes(bytesOf(m));
    ShapeInfo info = inferShapes(graph);
    QVERIFY(!info.diagnostics.empty());
    QVERIFY2(info.diagnostics[0].message.find("node 'conv' (Conv)") != std::string::npos &&
                 info.diagnostics[0].message.find("memory budget") != std::string::npos,
             info.diagnostics[0].message.c_str());
    EXPECT_ERROR(evaluate(graph, {{"x", Tensor(DType::Float32, Shape{1, 1, 3, 3})}}), "Conv output of shape");
    // Pools: a dilation whose window size overflows int64, in shape inference and the kernels.
    for (const char* op : {"MaxPool", "AveragePool"}) {
      Graph p;
      NodeId x = p.addNode("Input", "x");
      p.setAttr(x, "shape", Shape{1, 1, 3, 3});
      NodeId pool = p.addNode(op, "pool");
      p.setAttr(pool, "kernel_shape", std::vector<int64_t>{3, 3});
      if (std::string(op) == "MaxPool") p.setAttr(pool, "dilations", std::vector<int64_t>{INT64_MAX, 1});
      else p.setAttr(pool, "strides", std::vector<int64_t>{INT64_MAX, INT64_MAX});
      p.connect({x, 0}, {pool, 0});
      NodeId o = p.addNode("Output", "y");
      p.connect({pool, 0}, {o, 0});
      const std::string needle = std::string(op) == "MaxPool" ? "overflows int64" : "";
      ShapeInfo pi = inferShapes(p);
      if (!needle.empty()) {
        QVERIFY(!pi.diagnostics.empty());
        QVERIFY2(pi.diagnostics[0].message.find(needle) != std::string::npos, pi.diagnostics[0].message.c_str());
        EXPECT_ERROR(evaluate(p, {{"x", Tensor(DType::Float32, Shape{1, 1, 3, 3})}}), needle);
      } else {  // huge strides are fine: one window
        QVERIFY(pi.diagnostics.empty());
        QCOMPARE(evaluate(p, {{"x", Tensor(DType::Float32, Shape{1, 1, 3, 3})}})[0].shape(), (Shape{1, 1, 1, 1}));
      }
    }
  }

  void failingExportLeavesFileUntouched() {
    std::string path = tempPath(".onnx");
    exportModel(sigmoidGraph(), path);
    std::string before = readFileBytes(path);
    // An invalid graph (BatchNorm scale length vs channels) fails before anything is written.
    Graph bad = sigmoidGraph();
    NodeId bn = bad.addNode("BatchNormalization", "bn");
    bad.disconnect({bad.findByName("s")->id, 0});
    bad.connect({bad.findByName("x")->id, 0}, {bn, 0});
    bad.connect({bn, 0}, {bad.findByName("s")->id, 0});
    for (int i = 1; i < 5; ++i) bad.setConstant(bn, i, Tensor::fromFloats({4}, {1, 1, 1, 1}));
    EXPECT_ERROR(exportModel(bad, path), "'bn'");
    QCOMPARE(readFileBytes(path), before);
    ExportOptions opt;
    opt.opset = 3;
    EXPECT_ERROR(exportModel(sigmoidGraph(), path, opt), "opset 3");
    QCOMPARE(readFileBytes(path), before);
    Graph noOutput;
    noOutput.addNode("Input", "x");
    EXPECT_ERROR(exportModel(noOutput, path), "no Output node");
    QCOMPARE(readFileBytes(path), before);
    // Unwritable target directory: an error, nothing created.
    EXPECT_ERROR(exportModel(sigmoidGraph(), "/nonexistent-dir/m.onnx"), "cannot write");
    int hidden = 0;
    for (auto& e : fs::directory_iterator(fs::path(path).parent_path()))
      if (e.path().filename().string().rfind(".", 0) == 0) ++hidden;
    QCOMPARE(hidden, 0);
  }
};

QTEST_APPLESS_MAIN(TestBadInput)
#include "test_bad_input.moc"
