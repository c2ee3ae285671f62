// Runs every ONNX backend node test (libonnx-testdata) whose ops we all support, through our
// fast kernels and our reference kernels, against the stored outputs. Prints a per-op table of
// cases run / passed / skipped. NC_CONFORMANCE_FILTER=substring restricts the cases. Fails when
// no case ran at all, and (unfiltered) when an op listed as covered ran none: a broken listing or
// lost test data must not pass as "0 failed".
#include <QtTest>
#include <cstdlib>
#include <iostream>
#include <map>

#include "core/ops/registry.h"
#include "tests/support/conformance.h"

using namespace nctest;

namespace {
// The ops the README's conformance table reports: each must run at least one case.
const char* const kCoveredOps[] = {
    "Abs",       "Add",         "AveragePool", "BatchNormalization", "Clip",    "Concat",
    "Constant",  "Conv",        "Div",         "Exp",                "Expand",  "Flatten",
    "Gather",    "Gemm",        "GlobalAveragePool", "GlobalMaxPool", "HardSigmoid", "HardSwish",
    "Identity",  "LeakyRelu",   "Log",         "MatMul",             "Max",     "MaxPool",
    "Mean",      "Min",         "Mul",         "Neg",                "Pow",     "Reciprocal",
    "ReduceMax", "ReduceMean",  "Relu",        "Reshape",            "Resize",  "Shape",
    "Sigmoid",   "Slice",       "Softmax",     "Split",              "Sqrt",    "Squeeze",
    "Sub",       "Sum",         "Tanh",        "Transpose",          "Unsqueeze", "Upsample"};
}  // namespace

class TestConformance : public QObject {
  Q_OBJECT
 private Q_SLOTS:
  void nodeTests() {
    const char* filter = std::getenv("NC_CONFORMANCE_FILTER");
    auto cases = listConformanceCases(NC_ONNX_TESTDATA_DIR);
    QVERIFY2(!cases.empty(), "no ONNX conformance data found (install libonnx-testdata)");
    struct Row {
      int run = 0, passed = 0, skipped = 0;
    };
    std::map<std::string, Row> table;
    std::vector<std::string> failures;
    int run = 0;
    for (auto& c : cases) {
      if (filter && c.name.find(filter) == std::string::npos) continue;
      // A case counts for each of our ops it contains; cases of ops we do not offer are ignored.
      std::vector<std::string> ours;
      for (auto& op : c.opTypes)
        if (nc::findOpByOnnxType(op)) ours.push_back(op);
      if (ours.empty()) continue;
      // Cases that need ops we do not offer test those ops (e.g. *_expanded function bodies).
      if (c.skipReason.rfind("uses unsupported op", 0) == 0) continue;
      if (!c.skipReason.empty()) {
        for (auto& op : ours) table[op].skipped++;
        std::cout << "SKIP " << c.name << ": " << c.skipReason << "\n";
        continue;
      }
      ++run;
      std::string fast = runConformanceCase(c, false);
      std::string ref = fast.empty() ? runConformanceCase(c, true) : std::string();
      bool ok = fast.empty() && ref.empty();
      for (auto& op : ours) {
        table[op].run++;
        if (ok) table[op].passed++;
      }
      if (!ok) failures.push_back(c.name + ": " + (fast.empty() ? "reference kernels: " + ref : fast));
    }
    std::cout << "\nONNX conformance (node tests): op | run | passed | skipped\n";
    for (auto& [op, r] : table) std::cout << op << " | " << r.run << " | " << r.passed << " | " << r.skipped << "\n";
    for (auto& f : failures) std::cout << "FAIL " << f << "\n";
    std::cout << "cases run: " << run << ", failed: " << failures.size() << std::endl;
    QVERIFY2(failures.empty(), (std::to_string(failures.size()) + " conformance case(s) failed, first: " +
                                (failures.empty() ? std::string() : failures.front())).c_str());
    QVERIFY2(run > 0, (std::string("no conformance case ran") +
                       (filter ? std::string(" (NC_CONFORMANCE_FILTER='") + filter + "')" : std::string()))
                          .c_str());
    if (filter) return;  // a filtered run covers what it selects
    std::string missing;
    for (const char* op : kCoveredOps)
      if (table[op].run == 0) missing += (missing.empty() ? "" : ", ") + std::string(op);
    QVERIFY2(missing.empty(), ("ops listed as covered ran no conformance case: " + missing).c_str());
  }
};

QTEST_APPLESS_MAIN(TestConformance)
#include "test_conformance.moc"
