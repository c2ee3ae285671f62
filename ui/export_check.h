#pragma once
// One-click ONNX export with a validation report: the exporter's own checks (ONNX checker and
// strict shape inference), then the written file is imported again, evaluated with our kernels
// on the same input data, and its outputs compared with the tensors shown in the editor.
#include <QString>
#include <QStringList>
#include <map>
#include <string>
#include <vector>

#include "core/graph/graph.h"
#include "core/onnx/export.h"

namespace ncui {

class EvalService;

struct ExportCheck {
  bool written = false;
  nc::ValidationReport validation;
  bool reimported = false;
  int outputsCompared = 0;
  int outputsMatching = 0;
  double maxAbsDiff = 0;
  QStringList problems;  // empty when everything passed
  QString error;         // export itself failed (nothing written)
  bool ok() const { return written && reimported && problems.isEmpty(); }
  QString summary() const;  // multi-line human-readable report
};

// `editorOutputs`: tensor reaching each Output node (by Output node name) as shown in the
// editor; `inputs`: the data of each Input node (by name) used for those previews.
ExportCheck exportAndVerify(const nc::Graph& g, const std::string& path, const nc::ExportOptions& options,
                            const std::map<std::string, nc::Tensor>& inputs,
                            const std::map<std::string, nc::Tensor>& editorOutputs,
                            double tolerance = 1e-4);

// Collects the inputs/outputs of the current previews from an evaluation service.
void editorTensors(const nc::Graph& g, const EvalService& ev,
                   std::map<std::string, nc::Tensor>& inputs,
                   std::map<std::string, nc::Tensor>& outputs);

}  // namespace ncui
