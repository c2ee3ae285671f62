#include "ui/export_check.h"

#include <cmath>

#include "core/blocks/recognize.h"
#include "core/eval/evaluator.h"
#include "ui/eval_service.h"

namespace ncui {

QString ExportCheck::summary() const {
  QStringList lines;
  if (!written) return QObject::tr("Export failed: %1").arg(error);
  lines << (validation.checkerRun ? QObject::tr("✔ ONNX checker passed")
                                  : QObject::tr("– ONNX checker not run"));
  lines << (validation.shapeInferenceRun ? QObject::tr("✔ Strict ONNX shape inference passed")
                                         : QObject::tr("– ONNX shape inference not run"));
  for (const std::string& n : validation.notes) lines << QString("   ") + QString::fromStdString(n);
  if (reimported) {
    lines << QObject::tr("✔ Re-imported the written file");
    if (outputsCompared > 0)
      lines << QObject::tr("%1 %2 of %3 outputs match the editor (max |Δ| = %4)")
                   .arg(outputsMatching == outputsCompared ? "✔" : "✘")
                   .arg(outputsMatching)
                   .arg(outputsCompared)
                   .arg(maxAbsDiff, 0, 'g', 3);
    else
      lines << QObject::tr("– No evaluated outputs to compare");
  }
  for (const QString& p : problems) lines << "✘ " + p;
  return lines.join('\n');
}

void editorTensors(const nc::Graph& g, const EvalService& ev,
                   std::map<std::string, nc::Tensor>& inputs,
                   std::map<std::string, nc::Tensor>& outputs) {
  for (nc::NodeId id : g.inputNodes())
    if (const nc::Tensor* t = ev.output({id, 0})) inputs[g.node(id).name] = *t;
  for (nc::NodeId id : g.outputNodes()) {
    const nc::Node& n = g.node(id);
    if (!n.inputs.empty() && n.inputs[0].source)
      if (const nc::Tensor* t = ev.output(*n.inputs[0].source)) outputs[n.name] = *t;
  }
}

ExportCheck exportAndVerify(const nc::Graph& g, const std::string& path, const nc::ExportOptions& options,
                            const std::map<std::string, nc::Tensor>& inputs,
                            const std::map<std::string, nc::Tensor>& editorOutputs,
                            double tolerance) {
  ExportCheck r;
  try {
    nc::exportModel(g, path, options, &r.validation);
    r.written = true;
  } catch (const std::exception& e) {
    r.error = QString::fromUtf8(e.what());
    return r;
  }
  nc::Graph back;
  try {
    back = nc::blocks::openModel(path);  // as the editor opens it
    r.reimported = true;
  } catch (const std::exception& e) {
    r.problems << QObject::tr("Re-import failed: %1").arg(e.what());
    return r;
  }
  nc::Evaluator ev;
  for (nc::NodeId id : back.inputNodes()) {
    auto it = inputs.find(back.node(id).name);
    if (it != inputs.end()) ev.setFeed(it->first, it->second);
  }
  nc::EvalReport rep = ev.run(back);
  for (const nc::Diagnostic& d : rep.errors)
    r.problems << QObject::tr("Re-imported model failed to evaluate: %1")
                      .arg(QString::fromStdString(d.message));
  for (nc::NodeId id : back.outputNodes()) {
    const nc::Node& n = back.node(id);
    auto want = editorOutputs.find(n.name);
    if (want == editorOutputs.end()) continue;
    ++r.outputsCompared;
    const nc::Tensor* got =
        n.inputs.empty() || !n.inputs[0].source ? nullptr : ev.output(*n.inputs[0].source);
    if (!got) {
      r.problems << QObject::tr("Output '%1' was not computed from the written file")
                        .arg(QString::fromStdString(n.name));
      continue;
    }
    if (got->shape() != want->second.shape()) {
      r.problems << QObject::tr("Output '%1' has shape %2 in the file but %3 in the editor")
                        .arg(QString::fromStdString(n.name),
                             QString::fromStdString(nc::shapeToString(got->shape())),
                             QString::fromStdString(nc::shapeToString(want->second.shape())));
      continue;
    }
    std::vector<float> a = got->toFloatVector(), b = want->second.toFloatVector();
    double maxd = 0;
    for (size_t i = 0; i < a.size(); ++i) {
      double d = std::abs(double(a[i]) - double(b[i]));
      if (std::isnan(d)) d = (std::isnan(a[i]) && std::isnan(b[i])) ? 0 : INFINITY;
      maxd = std::max(maxd, d);
    }
    r.maxAbsDiff = std::max(r.maxAbsDiff, maxd);
    if (maxd <= tolerance)
      ++r.outputsMatching;
    else
      r.problems << QObject::tr("Output '%1' differs from the editor by up to %2")
                        .arg(QString::fromStdString(n.name))
                        .arg(maxd, 0, 'g', 3);
  }
  return r;
}

}  // namespace ncui
