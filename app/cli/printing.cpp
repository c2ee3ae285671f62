#include "app/cli/printing.h"

#include <iostream>

namespace nc::cli {

std::string typeString(const TensorType* t) {
  if (!t) return "unknown";
  return std::string(dtypeName(t->dtype)) +
         (t->rankKnown ? shapeToString(t->dims) : std::string("[?]"));
}

std::string tensorString(const Tensor& t) {
  return std::string(dtypeName(t.dtype())) + shapeToString(t.shape());
}

void printReport(const ValidationReport& r) {
  std::cout << "  ONNX checker: " << (r.checkerRun ? "passed" : "skipped") << "\n";
  std::cout << "  ONNX strict shape inference: " << (r.shapeInferenceRun ? "passed" : "skipped")
            << "\n";
  for (auto& n : r.notes) std::cout << "  note: " << n << "\n";
  if (r.functions.empty()) return;
  std::cout << "functions (" << r.functions.size() << "):\n";
  for (auto& f : r.functions)
    std::cout << "  " << f.domain << ":" << f.name << ": " << f.nodes << " nodes, " << f.calls
              << (f.calls == 1 ? " call\n" : " calls\n");
}

std::string countNoun(size_t n, const char* singular, const char* plural) {
  return std::to_string(n) + " " + (n == 1 ? singular : plural);
}

}  // namespace nc::cli
