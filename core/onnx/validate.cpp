#include "core/onnx/validate.h"

#include <onnx/checker.h>
#include <onnx/defs/schema.h>
#include <onnx/shape_inference/implementation.h>

#include <map>
#include <optional>
#include <utility>

#include "core/base/error.h"
#include "core/onnx/inline.h"
#include "core/onnx/proto_util.h"

namespace nc {

namespace {

std::vector<FunctionInfo> functionInfo(const onnx::ModelProto& model) {
  std::vector<FunctionInfo> out;
  std::map<std::pair<std::string, std::string>, int> calls;
  auto count = [&](const auto& nodes) {
    for (auto& n : nodes) ++calls[{n.domain(), n.op_type()}];
  };
  count(model.graph().node());
  for (auto& f : model.functions()) count(f.node());
  for (auto& f : model.functions()) out.push_back({f.domain(), f.name(), f.node_size(), calls[{f.domain(), f.name()}]});
  return out;
}

ValidationReport validate(onnx::ModelProto& model) {
  ValidationReport r;
  r.functions = functionInfo(model);
  int opset = 0;
  for (auto& o : model.opset_import())
    if (o.domain().empty() || o.domain() == "ai.onnx") opset = int(o.version());
  if (opset > 17) {
    r.notes.push_back("libonnx 1.12 knows operator schemas up to opset 17: the checker and shape inference "
                      "were not run for opset " + std::to_string(opset) + " (ONNX Runtime validates it in tests)");
    return r;
  }
  // Functions are inlined first: that refuses recursive functions and undefined values, which
  // libonnx 1.12 does not guard against, before libonnx sees them.
  std::optional<onnx::ModelProto> flat;
  if (model.functions_size() > 0) {
    try {
      flat = inlinedModel(model);
    } catch (const Error& e) {
      throw Error(std::string("invalid model-local function: ") + e.what());
    }
  }
  const char* stage = "ONNX checker failed: ";
  try {
    onnx::checker::check_model(model);  // checks the model-local functions too
    r.checkerRun = true;
    stage = "ONNX shape inference failed: ";
    onnx::shape_inference::InferShapes(model, onnx::OpSchemaRegistry::Instance(),
                                       onnx::ShapeInferenceOptions{true, 1, false});
    if (flat) {
      stage = "ONNX checker failed (functions inlined): ";
      onnx::checker::check_model(*flat);
      stage = "ONNX shape inference failed (functions inlined): ";
      onnx::shape_inference::InferShapes(*flat, onnx::OpSchemaRegistry::Instance(),
                                         onnx::ShapeInferenceOptions{true, 1, false});
      r.notes.push_back("libonnx 1.12 infers shapes through model-local functions but does not report errors "
                        "inside them: the checker and strict shape inference also ran with every function inlined");
    }
    r.shapeInferenceRun = true;
  } catch (const std::exception& e) {
    throw Error(stage + std::string(e.what()));
  }
  return r;
}

}  // namespace

ValidationReport validateModelBytes(const std::string& bytes) {
  onnx::ModelProto m = proto::parseModel(bytes);
  return validate(m);
}

}  // namespace nc
