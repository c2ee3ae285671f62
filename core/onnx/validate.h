#pragma once
// Validation of serialized ONNX models with libonnx: the ONNX checker and strict shape
// inference. Export runs it on every model it writes; `netcanvas-cli validate` on any model.
#include <string>
#include <vector>

namespace nc {

struct FunctionInfo {
  std::string domain, name;
  int nodes = 0;  // nodes of its body (a call of another function counts as one)
  int calls = 0;  // call sites in the graph and in other functions
};

struct ValidationReport {
  bool checkerRun = false;         // the ONNX checker ran (libonnx knows opsets up to 17)
  bool shapeInferenceRun = false;  // strict ONNX shape inference ran
  std::vector<std::string> notes;  // what was skipped and why
  std::vector<FunctionInfo> functions;  // the model-local functions, in model order
};

// Runs the ONNX checker and strict shape inference on serialized model bytes; throws nc::Error
// naming the failing stage. A model with model-local functions is also checked with every
// function inlined (core/onnx/inline.h), which refuses recursive functions and undefined values.
// libonnx 1.12's shape inference crashes on some malformed nodes (a Conv whose X and W ranks
// disagree, fixed upstream later), so for bytes from a file libonnx runs in a child process with
// a memory cap and a time limit: a crash, the cap or the limit becomes an nc::Error.
ValidationReport validateModelBytes(const std::string& bytes);
// The same in this process, for models this program has just built (export): no fork.
ValidationReport validateOwnModelBytes(const std::string& bytes);

}  // namespace nc
