#pragma once
// ONNX export and import. Export is validated before anything is written (the ONNX checker and
// strict shape inference) and written atomically. Import turns any model whose ops we support
// into an editable graph; anything else is refused with a message naming the node and op.
#include <map>
#include <string>
#include <vector>

#include "core/graph.h"
#include "core/tensor.h"

namespace nc {

struct ExportOptions {
  int opset = 17;  // 17 (default) or 18
  std::string graphName = "netcanvas";
};

struct ValidationReport {
  bool checkerRun = false;         // the ONNX checker ran (libonnx knows opsets up to 17)
  bool shapeInferenceRun = false;  // strict ONNX shape inference ran
  std::vector<std::string> notes;  // what was skipped and why
};

// Builds the model, validates it, returns its serialized bytes. Throws nc::Error naming the
// problem (an invalid graph, a checker or shape-inference failure).
std::string exportModelBytes(const Graph& g, const ExportOptions& opt = {}, ValidationReport* report = nullptr);
// exportModelBytes, then an atomic write (temp file + rename) to `path`.
void exportModel(const Graph& g, const std::string& path, const ExportOptions& opt = {},
                 ValidationReport* report = nullptr);

// Runs the ONNX checker and strict shape inference on serialized model bytes; throws on failure.
ValidationReport validateModelBytes(const std::string& bytes);

struct ImportOptions {
  bool recognizeSilu = true;  // Sigmoid -> Mul on the same input becomes one SiLU node
  // Nodes named by PyTorch module scope ("/model.2/cv1/conv/Conv") are grouped into blocks, typed
  // where they are exactly a library block (core/blocks/recognize.h).
  bool recognizeBlocks = true;
};

Graph importModelBytes(const std::string& bytes, const ImportOptions& opt = {});
Graph importModel(const std::string& path, const ImportOptions& opt = {});

// TensorProto files (the layout of the ONNX backend test data: input_0.pb, output_0.pb, ...).
Tensor readTensorFile(const std::string& path);
void writeTensorFile(const std::string& path, const Tensor& t, const std::string& name = {});
Tensor tensorFromProtoBytes(const std::string& bytes);
std::string tensorToProtoBytes(const Tensor& t, const std::string& name = {});

// File helpers shared by every writer: whole-file read, atomic write.
std::string readFileBytes(const std::string& path);
void writeFileAtomic(const std::string& path, const std::string& bytes);

}  // namespace nc
