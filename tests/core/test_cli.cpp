// netcanvas-cli end to end: export / validate / run / bench on a small project and on ONNX
// conformance models, exit codes, and the one-line stderr on every failure.
#include <QProcess>
#include <QtTest>
#include <filesystem>
#include <fstream>

#include "core/eval/evaluator.h"
#include "core/base/file_io.h"
#include "core/onnx/export.h"
#include "core/onnx/import.h"
#include "core/onnx/tensor_proto.h"
#include "tools/ort/ort_bridge.h"
#include "core/project/project.h"
#include "tests/support/cli_run.h"
#include "tests/support/op_case.h"
#include "tests/support/ort.h"

using namespace nc;
using namespace nctest;
namespace fs = std::filesystem;

namespace {

using Result = CliResult;
Result cli(const QStringList& args) { return runCli(args); }

QString q(const std::string& s) { return QString::fromStdString(s); }

// x [2,3,4,4] -> BatchNorm (constants) -> Sigmoid -> y
Graph smallGraph() {
  Graph g;
  NodeId x = g.addNode("Input", "x");
  g.setAttr(x, "shape", Shape{2, 3, 4, 4});
  g.setAttr(x, "seed", int64_t(5));
  NodeId bn = g.addNode("BatchNormalization", "bn");
  g.setConstant(bn, 1, Tensor::fromFloats({3}, {0.5f, 1.0f, 2.0f}));
  g.setConstant(bn, 2, Tensor::fromFloats({3}, {0.1f, 0.2f, 0.3f}));
  g.setConstant(bn, 3, Tensor::fromFloats({3}, {0.0f, -0.5f, 0.5f}));
  g.setConstant(bn, 4, Tensor::fromFloats({3}, {1.0f, 2.0f, 0.5f}));
  NodeId s = g.addNode("Sigmoid", "sig"), y = g.addNode("Output", "y");
  g.connect({x, 0}, {bn, 0});
  g.connect({bn, 0}, {s, 0});
  g.connect({s, 0}, {y, 0});
  return g;
}

const std::string kNode = NC_ONNX_TESTDATA_DIR;

}  // namespace

// A failure: the given exit code, nothing on stdout, exactly one line "netcanvas-cli: ..." on
// stderr that contains `needle`.
#define EXPECT_FAILURE(args, expectedCode, needle)                                                \
  do {                                                                                            \
    Result r_ = cli(args);                                                                        \
    std::string ctx_ =                                                                            \
        "exit " + std::to_string(r_.code) + ", stdout [" + r_.out + "], stderr [" + r_.err + "]"; \
    QVERIFY2(r_.code == (expectedCode), ctx_.c_str());                                            \
    QVERIFY2(r_.out.empty(), ctx_.c_str());                                                       \
    QVERIFY2(r_.err.rfind("netcanvas-cli: ", 0) == 0, ctx_.c_str());                              \
    QVERIFY2(std::count(r_.err.begin(), r_.err.end(), '\n') == 1 && r_.err.back() == '\n',        \
             ctx_.c_str());                                                                       \
    QVERIFY2(r_.err.find(needle) != std::string::npos, ctx_.c_str());                             \
  } while (0)

class TestCli : public QObject {
  Q_OBJECT
 private:
  std::string project_, dir_;

 private Q_SLOTS:
  void initTestCase() {
    dir_ = tempPath("");
    fs::create_directories(dir_);
    project_ = dir_ + "/small.ncproj";
    saveProject(smallGraph(), project_);
  }

  void helpAndVersion() {
    Result r = cli({"--help"});
    QCOMPARE(r.code, 0);
    QVERIFY(r.out.find("usage: netcanvas-cli") != std::string::npos);
    for (const char* cmd : {"export", "validate", "run", "bench"})
      QVERIFY(r.out.find(cmd) != std::string::npos);
    QVERIFY(r.err.empty());
    QVERIFY2(r.out.find("make-bench-model") == std::string::npos, r.out.c_str());  // hidden
    QCOMPARE(cli({"help"}).out, r.out);
    r = cli({"--version"});
    QCOMPARE(r.code, 0);
    QVERIFY2(r.out.rfind("netcanvas-cli 0.", 0) == 0, r.out.c_str());
  }

  // Every command's generated --help: its usage line and each option with a line of its own.
  void commandHelp_data() {
    QTest::addColumn<QString>("command");
    QTest::addColumn<QStringList>("options");
    QTest::newRow("export") << "export"
                            << QStringList{"PROJECT_OR_MODEL", "-o OUT.onnx", "--opset N",
                                           "--fold-batchnorm", "--functions"};
    QTest::newRow("validate") << "validate" << QStringList{"MODEL"};
    QTest::newRow("run") << "run"
                         << QStringList{"MODEL", "--data DIR", "--input NAME=FILE", "--out DIR"};
    QTest::newRow("bench") << "bench"
                           << QStringList{"MODEL", "--data DIR", "--iters N", "--threads T",
                                          "--ort", "--no-fold",  "--keep",    "--profile"};
    QTest::newRow("template") << "template" << QStringList{"NAME", "-o OUT"};
    QTest::newRow("ops") << "ops" << QStringList{};
    QTest::newRow("make-bench-model") << "make-bench-model" << QStringList{"NAME", "-o OUT"};
  }
  void commandHelp() {
    QFETCH(QString, command);
    QFETCH(QStringList, options);
    for (const QStringList& args : {QStringList{command, "--help"}, QStringList{command, "-h"}}) {
      Result r = cli(args);
      QVERIFY2(r.code == 0 && r.err.empty(), r.err.c_str());
      const std::string usage = "usage: netcanvas-cli " + command.toStdString();
      QVERIFY2(r.out.find(usage) != std::string::npos, r.out.c_str());
      QVERIFY2(r.out.find("-h,--help") != std::string::npos, r.out.c_str());
      for (const QString& o : options) {
        // "  --opset N:1..1000=17     ONNX opset to export (17 or 18)": a line of its own, then
        // (after a gap of spaces) its description.
        const size_t at = r.out.find("\n  " + o.toStdString());
        QVERIFY2(at != std::string::npos, (r.out + " lacks " + o.toStdString()).c_str());
        const std::string line = r.out.substr(at + 1, r.out.find('\n', at + 1) - at - 1);
        const size_t gap = line.find("  ", 2);
        QVERIFY2(gap != std::string::npos && line.find_first_not_of(' ', gap) != std::string::npos,
                 (o.toStdString() + " has no description: " + line).c_str());
      }
    }
    // Help comes first: a command line that would fail otherwise still shows it.
    Result r = cli({command, "--help", "--bogus"});
    QVERIFY2(r.code == 0 && r.out.find("usage: netcanvas-cli") != std::string::npos,
             r.log().c_str());
  }

  // Wrong options and values: exit 2, one line on stderr naming the option or value.
  void badOptions() {
    const QString p = q(project_), o = q(dir_ + "/bad.onnx");
    EXPECT_FAILURE((QStringList{"--bogus"}), 2, "unknown option '--bogus'");
    EXPECT_FAILURE((QStringList{"export", p, "-o", o, "--bogus=3"}), 2,
                   "unknown option '--bogus' for 'export'");
    EXPECT_FAILURE((QStringList{"bench", p, "--fold-batchnorm"}), 2,
                   "unknown option '--fold-batchnorm' for 'bench'");
    EXPECT_FAILURE((QStringList{"validate", p, "extra"}), 2, "unexpected argument 'extra'");
    EXPECT_FAILURE((QStringList{"ops", "extra"}), 2, "unexpected argument 'extra' for 'ops'");
    EXPECT_FAILURE((QStringList{"run"}), 2, "'run' needs MODEL");
    EXPECT_FAILURE((QStringList{"run", p, "--out"}), 2, "--out");
    EXPECT_FAILURE((QStringList{"export", p, "-o", o, "--opset=abc"}), 2,
                   "--opset: must be an integer in 1..1000, got 'abc'");
    EXPECT_FAILURE((QStringList{"export", p, "-o", o, "--opset", "17x"}), 2, "got '17x'");
    EXPECT_FAILURE((QStringList{"bench", p, "--threads", "0"}), 2, "--threads");
    EXPECT_FAILURE((QStringList{"bench", p, "--iters", "-3"}), 2, "--iters");
    EXPECT_FAILURE((QStringList{"bench", p, "--iters", "1.5"}), 2, "--iters");
    EXPECT_FAILURE((QStringList{"make-bench-model", "nope", "-o", o}), 2,
                   "unknown benchmark model 'nope' (c3k2, conv64, bnsilu, yolo11n)");
    EXPECT_FAILURE((QStringList{"template", "yolo11n"}), 2, "'template' needs -o");
    // Integers are decimal: 017 is opset 17, not octal 15; the last of a repeated option counts.
    Result r = cli({"export", p, "-o", o, "--opset", "017"});
    QVERIFY2(r.code == 0 && r.out.find("(opset 17,") != std::string::npos, r.log().c_str());
    r = cli({"export", p, "-o", o, "--opset", "18", "--opset=17"});
    QVERIFY2(r.code == 0 && r.out.find("(opset 17,") != std::string::npos, r.log().c_str());
  }

  void exportAndValidateProject() {
    std::string onnx = dir_ + "/small.onnx";
    Result r = cli({"export", q(project_), "-o", q(onnx)});
    QVERIFY2(r.code == 0, r.err.c_str());
    QVERIFY(r.err.empty());
    QVERIFY2(r.out.find("ONNX checker: passed") != std::string::npos, r.out.c_str());
    QVERIFY2(r.out.find("shape inference: passed") != std::string::npos, r.out.c_str());
    QVERIFY(importModel(onnx).findByName("bn"));

    r = cli({"validate", q(onnx)});
    QVERIFY2(r.code == 0, r.err.c_str());
    for (const char* needle : {"BatchNormalization: 1", "Sigmoid: 1", "x: float32[2, 3, 4, 4]",
                               "y: float32[2, 3, 4, 4]", "parameters: 12", "ONNX checker: passed"})
      QVERIFY2(r.out.find(needle) != std::string::npos, (r.out + " lacks " + needle).c_str());

    // Opset 18: libonnx cannot check it; the report says so rather than claiming a pass.
    r = cli({"export", q(project_), "-o", q(dir_ + "/small18.onnx"), "--opset", "18"});
    QVERIFY2(r.code == 0, r.err.c_str());
    QVERIFY2(r.out.find("ONNX checker: skipped") != std::string::npos &&
                 r.out.find("note:") != std::string::npos,
             r.out.c_str());

    // An .onnx input is imported and exported again.
    r = cli({"export", q(onnx), "-o", q(dir_ + "/again.onnx")});
    QVERIFY2(r.code == 0, r.err.c_str());
    QVERIFY(importModel(dir_ + "/again.onnx").findByName("y"));
  }

  // --functions: each block becomes a model-local function; validate lists them and imports the
  // blocks back. A block that a path leaves and re-enters is refused in one line.
  void exportWithFunctions() {
    Graph g = smallGraph();
    Block norm, act;
    norm.name = "norm";
    act.name = "act";
    g.setNodeBlock(g.findByName("bn")->id, g.addBlock(norm));
    g.setNodeBlock(g.findByName("sig")->id, g.addBlock(act));
    const std::string project = dir_ + "/blocks.ncproj", onnx = dir_ + "/blocks.onnx";
    saveProject(g, project);
    Result r = cli({"export", q(project), "-o", q(onnx), "--functions"});
    QVERIFY2(r.code == 0, r.err.c_str());
    for (const char* needle : {"2 blocks as functions", "ONNX checker: passed", "shape inference: passed",
                               "functions (2):", "netcanvas.blocks:Group_norm: 1 nodes, 1 call"})
      QVERIFY2(r.out.find(needle) != std::string::npos, (r.out + " lacks " + needle).c_str());
    r = cli({"validate", q(onnx)});
    QVERIFY2(r.code == 0, r.err.c_str());
    for (const char* needle : {"functions (2):", "netcanvas.blocks:Group_act: 1 nodes, 1 call",
                               "NetCanvas import: ok (4 nodes, 2 blocks)", "BatchNormalization: 1", "parameters: 12"})
      QVERIFY2(r.out.find(needle) != std::string::npos, (r.out + " lacks " + needle).c_str());
    // Re-exporting the .onnx with --functions gives the same bytes (import restored the blocks).
    r = cli({"export", q(onnx), "-o", q(dir_ + "/blocks_again.onnx"), "--functions"});
    QVERIFY2(r.code == 0, r.err.c_str());
    QVERIFY(readFileBytes(dir_ + "/blocks_again.onnx") == readFileBytes(onnx));
    // The flat export of the same project has no functions.
    r = cli({"export", q(project), "-o", q(dir_ + "/blocks_flat.onnx")});
    QVERIFY2(r.code == 0 && r.out.find("functions") == std::string::npos, r.out.c_str());

    g.setNodeBlock(g.findByName("sig")->id, g.findBlockByName("norm")->id);  // bn, sig
    NodeId neg = g.addNode("Neg", "neg");  // bn -> neg (outside) -> sig
    g.disconnect({g.findByName("sig")->id, 0});
    g.connect({g.findByName("bn")->id, 0}, {neg, 0});
    g.connect({neg, 0}, {g.findByName("sig")->id, 0});
    saveProject(g, project);
    EXPECT_FAILURE(QStringList({"export", q(project), "-o", q(onnx), "--functions"}), 1,
                   "block 'norm' cannot be exported as an ONNX function: a path leaves it and comes back in "
                   "through node 'neg'");
  }

  void runProject() {
    Graph g = smallGraph();
    std::string out = dir_ + "/run1";
    Result r = cli({"run", q(project_), "--out", q(out)});
    QVERIFY2(r.code == 0, r.err.c_str());
    // Without data the Input node's own data (seeded random normal) is used.
    NC_CHECK(compareTensors(readTensorFile(out + "/output_0.pb"), evaluate(g)[0], {0, 0}));

    // --input NAME=FILE
    Tensor x = uniform({2, 3, 4, 4}, -3, 3, 77);
    std::string xf = dir_ + "/x.pb";
    writeTensorFile(xf, x, "x");
    r = cli({"run", q(project_), "--input", q("x=" + xf), "--out", q(dir_ + "/run2")});
    QVERIFY2(r.code == 0, r.err.c_str());
    Tensor expected = evaluate(g, {{"x", x}})[0];
    NC_CHECK(compareTensors(readTensorFile(dir_ + "/run2/output_0.pb"), expected, {0, 0}));

    // --data DIR (input_0.pb) on the exported model gives the same numbers.
    fs::create_directories(dir_ + "/data");
    writeTensorFile(dir_ + "/data/input_0.pb", x, "x");
    std::string onnx = dir_ + "/small_run.onnx";
    exportModel(g, onnx);
    r = cli({"run", q(onnx), "--data", q(dir_ + "/data"), "--out", q(dir_ + "/run3")});
    QVERIFY2(r.code == 0, r.err.c_str());
    NC_CHECK(compareTensors(readTensorFile(dir_ + "/run3/output_0.pb"), expected, {1e-6, 1e-6}));

    // Without --out: a summary per output.
    r = cli({"run", q(project_)});
    QVERIFY2(r.code == 0, r.err.c_str());
    QVERIFY2(r.out.find("output 0 'y': float32[2, 3, 4, 4]") != std::string::npos, r.out.c_str());
  }

  // The YOLO11n template from the command line: written as a project with its 24 blocks, run,
  // exported (flat and with functions) and run again on the same input; ONNX Runtime computes our
  // numbers from both exports (tolerance relative to the output's scale: boxes are in pixels).
  void yolo11nTemplate() {
    const std::string project = dir_ + "/yolo11n.ncproj";
    Result r = cli({"template", "yolo11n", "-o", q(project)});
    QVERIFY2(r.code == 0, r.err.c_str());
    Graph g = loadProject(project);
    size_t top = 0;
    for (auto& [id, b] : g.blocks()) top += b.parent == kNoBlock ? 1 : 0;
    QCOMPARE(top, size_t(24));
    // The Input node's own (seeded) data, as input_0.pb for every run.
    Evaluator ev;
    QVERIFY(ev.run(g).ok());
    const Tensor x = *ev.output({g.inputNodes().front(), 0});
    const std::string data = dir_ + "/y_data";
    fs::create_directories(data);
    writeTensorFile(data + "/input_0.pb", x, "images");
    r = cli({"run", q(project), "--data", q(data), "--out", q(dir_ + "/y_run")});
    QVERIFY2(r.code == 0, r.err.c_str());
    const Tensor ours = readTensorFile(dir_ + "/y_run/output_0.pb");
    QCOMPARE(ours.shape(), (Shape{1, 84, 8400}));
    const double tol = 1e-5 * std::max(1.0f, maxAbs(ours));
    for (bool functions : {false, true}) {
      const std::string onnx = dir_ + (functions ? "/yolo11n_functions.onnx" : "/yolo11n.onnx");
      QStringList args{"export", q(project), "-o", q(onnx)};
      if (functions) args << "--functions";
      r = cli(args);
      QVERIFY2(r.code == 0, r.err.c_str());
      const std::string out = dir_ + (functions ? "/y_run_functions" : "/y_run_flat");
      r = cli({"run", q(onnx), "--data", q(data), "--out", q(out)});
      QVERIFY2(r.code == 0, r.err.c_str());
      NC_CHECK(compareTensors(readTensorFile(out + "/output_0.pb"), ours, {tol, 1e-4}));
      OrtResult ort = runOrt(onnx, {{"images", x}});
      NC_CHECK(compareTensors(ort.outputs.at(0), ours, {tol, 1e-4}));
    }
    EXPECT_FAILURE((QStringList{"template", "yolo99", "-o", q(dir_ + "/t.ncproj")}), 2, "unknown template 'yolo99'");
  }

  // ONNX backend test data: run --data test_data_set_0 and compare with the stored outputs.
  void conformanceModels() {
    for (const char* name : {"test_sigmoid", "test_batchnorm_example", "test_batchnorm_epsilon"}) {
      std::string d = kNode + "/" + name;
      if (!fs::exists(d + "/model.onnx")) QFAIL(("missing conformance model " + d).c_str());
      std::string out = dir_ + "/" + name;
      Result r =
          cli({"run", q(d + "/model.onnx"), "--data", q(d + "/test_data_set_0"), "--out", q(out)});
      QVERIFY2(r.code == 0, (std::string(name) + ": " + r.err).c_str());
      NC_CHECK(compareTensors(readTensorFile(out + "/output_0.pb"),
                              readTensorFile(d + "/test_data_set_0/output_0.pb"), {1e-5, 1e-5}));
      r = cli({"validate", q(d + "/model.onnx")});
      QVERIFY2(r.code == 0, r.err.c_str());
    }
  }

  void bench() {
    Result r = cli({"bench", q(project_), "--iters", "3"});
    QVERIFY2(r.code == 0, r.err.c_str());
    QVERIFY2(r.out.find("ours:   median") != std::string::npos &&
                 r.out.find("RESULT threads=1") != std::string::npos,
             r.out.c_str());
    QVERIFY2(ortAvailable(), "ONNX Runtime (tests/ort/node_modules) is missing; `bash tools/dev.sh test` installs it");
    r = cli({"bench", q(project_), "--iters", "3", "--threads", "2", "--ort"});
    QVERIFY2(r.code == 0, r.err.c_str());
    QVERIFY2(r.out.find("ratio ours/ORT") != std::string::npos &&
                 r.out.find("threads: 2") != std::string::npos,
             r.out.c_str());
  }

  void failures() {
    EXPECT_FAILURE(QStringList{}, 2, "no command");
    EXPECT_FAILURE(QStringList{"frobnicate"}, 2, "unknown command 'frobnicate'");
    EXPECT_FAILURE((QStringList{"export", q(project_)}), 2, "-o");
    EXPECT_FAILURE((QStringList{"export", q(project_), "-o", "x.onnx", "--bogus"}), 2,
                   "unknown option '--bogus'");
    EXPECT_FAILURE(
        (QStringList{"export", q(project_), "-o", q(dir_ + "/o.onnx"), "--opset", "abc"}), 2,
        "--opset");
    EXPECT_FAILURE((QStringList{"export", q(project_), "-o", q(dir_ + "/o.onnx"), "--opset", "99"}),
                   1, "opset 99");
    EXPECT_FAILURE((QStringList{"export", q(project_), "-o", "/nonexistent-dir/o.onnx"}), 1,
                   "cannot write");
    EXPECT_FAILURE((QStringList{"validate", "/nonexistent/m.onnx"}), 1, "/nonexistent/m.onnx");
    EXPECT_FAILURE((QStringList{"validate"}), 2, "needs");
    std::string garbage = dir_ + "/garbage.onnx";
    std::ofstream(garbage) << "definitely not protobuf \xff\xff\xff\xff";
    EXPECT_FAILURE((QStringList{"validate", q(garbage)}), 1, "not a valid ONNX model");
    EXPECT_FAILURE((QStringList{"run", q(garbage)}), 1, "not a valid ONNX model");
    // A truncated model.
    std::string good = readFileBytes(kNode + "/test_sigmoid/model.onnx");
    std::string truncated = dir_ + "/truncated.onnx";
    std::ofstream(truncated, std::ios::binary) << good.substr(0, good.size() / 2);
    EXPECT_FAILURE((QStringList{"validate", q(truncated)}), 1, "truncated");
    // An unsupported op names op and node.
    std::string det = kNode + "/test_det_2d/model.onnx";
    QVERIFY(fs::exists(det));
    EXPECT_FAILURE((QStringList{"run", q(det)}), 1, "operator 'Det' is not supported");
    // Bad inputs for run.
    EXPECT_FAILURE((QStringList{"run", q(project_), "--input", "nosuch=/tmp/x.pb"}), 1,
                   "no input named 'nosuch'");
    EXPECT_FAILURE((QStringList{"run", q(project_), "--input", "x"}), 2, "NAME=FILE");
    std::string wrong = dir_ + "/wrong.pb";
    writeTensorFile(wrong, Tensor::fromFloats({3}, {1, 2, 3}));
    EXPECT_FAILURE((QStringList{"run", q(project_), "--input", q("x=" + wrong)}), 1,
                   "expects float32[2, 3, 4, 4]");
    EXPECT_FAILURE((QStringList{"run", q(project_), "--data", "/nonexistent-dir"}), 1,
                   "does not exist");
    EXPECT_FAILURE((QStringList{"bench", q(project_), "--iters", "0"}), 2, "--iters");
    // Projects: future version, truncated.
    std::string text = readFileBytes(project_);
    std::string future = dir_ + "/future.ncproj";
    std::string ft = text;
    const std::string current = "\"version\": " + std::to_string(kProjectFormatVersion);
    ft.replace(ft.find(current), current.size(), "\"version\": 7");
    std::ofstream(future) << ft;
    fs::copy_file(weightsPathFor(project_), weightsPathFor(future));
    EXPECT_FAILURE((QStringList{"run", q(future)}), 1, "format version 7, newer");
    std::string cut = dir_ + "/cut.ncproj";
    std::ofstream(cut) << text.substr(0, text.size() / 3);
    EXPECT_FAILURE((QStringList{"export", q(cut), "-o", q(dir_ + "/cut.onnx")}), 1, "truncated");
    QVERIFY(!fs::exists(dir_ + "/cut.onnx"));
    // A failing export does not touch an existing file.
    std::string existing = dir_ + "/existing.onnx";
    std::ofstream(existing) << "old";
    EXPECT_FAILURE((QStringList{"export", q(cut), "-o", q(existing)}), 1, "truncated");
    QCOMPARE(readFileBytes(existing), std::string("old"));
  }
};

QTEST_GUILESS_MAIN(TestCli)
#include "test_cli.moc"
