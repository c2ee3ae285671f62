#pragma once
// The node inspector: name, op, inferred input/output types, the node's diagnostic, one editor
// per attribute generated from its AttrSpec, initialisers for parameter ports (Conv W/B,
// BatchNorm statistics, ...) and the data of graph inputs. It never edits the graph: every
// change is emitted as a request that the Document turns into an undoable command.
//
// Spin boxes emit on every valueChanged (typing, arrows, wheel), so the Document's command
// should merge consecutive edits of the same (node, attribute). List editors ("1, 1") and text
// fields emit when editing finishes (Enter or focus out) and only when the text is valid.
// Calling showNode() again for the same node updates the editors in place (the editor being
// typed in is left alone), so it is safe to call after every command.
#include <QWidget>
#include <functional>
#include <optional>
#include <vector>

#include "core/graph/graph.h"
#include "core/ops/op.h"
#include "core/eval/shape_inference.h"
#include "ui/metatypes.h"

class QComboBox;
class QDoubleSpinBox;
class QFormLayout;
class QLabel;
class QLineEdit;
class QPushButton;
class QScrollArea;
class QSpinBox;
class QVBoxLayout;

namespace ncui {

enum class InitScheme { KaimingNormal, XavierUniform, Constant, Zeros, Ones };
const char* initSchemeName(InitScheme s);
nc::Tensor initialise(InitScheme s, const nc::Shape& shape, uint64_t seed, float value);

// The shape a parameter port's tensor should have, from the op and the node's input types:
// Conv W = [outC, inC/group, k...] (ConvTranspose W = [inC, outC/group, k...]) with
// kernel_shape defaulting to 3 per spatial dim, Conv B = [outC], per-channel statistics of
// Batch/InstanceNormalization = [C]; otherwise the current constant's shape. outChannels <= 0
// keeps the current W's output channels (or the input channels for a new W). nullopt: unknown.
std::optional<nc::Shape> suggestParamShape(const nc::OpSpec& spec, const nc::Node& node, int port,
                                           const std::vector<std::optional<nc::TensorType>>& inputTypes,
                                           int64_t outChannels = 0);
// The output-channel count implied by the node's current weights (Conv-like ops), else 0.
int64_t currentOutChannels(const nc::OpSpec& spec, const nc::Node& node,
                           const std::vector<std::optional<nc::TensorType>>& inputTypes);
// "1, 2, 3" / "[1 2 3]" -> values; nullopt with `error` set when invalid or out of [lo, hi].
std::optional<std::vector<int64_t>> parseIntList(const QString& text, QString* error, double lo = -1e300,
                                                 double hi = 1e300);
std::optional<std::vector<float>> parseFloatList(const QString& text, QString* error);

class InspectorWidget : public QWidget {
  Q_OBJECT
 public:
  explicit InspectorWidget(QWidget* parent = nullptr);
  ~InspectorWidget() override;

  // `shapes` may be null (types then show as unknown). The graph is not kept.
  void showNode(const nc::Graph& g, nc::NodeId id, const nc::ShapeInfo* shapes);
  void clear();
  nc::NodeId nodeId() const { return id_; }

 protected:
  bool eventFilter(QObject* watched, QEvent* event) override;

 Q_SIGNALS:
  void attributeEdited(nc::NodeId id, const QString& name, const nc::AttrValue& value);
  void attributeCleared(nc::NodeId id, const QString& name);
  void renameRequested(nc::NodeId id, const QString& name);
  void constantEdited(nc::NodeId id, int port, const nc::Tensor& value);
  void loadNpyRequested(nc::NodeId id, int port);
  void loadImageRequested(nc::NodeId id);

 private:
  struct AttrEditor;
  struct ParamRow;
  void rebuild();
  void dropContent();
  void refresh();
  void addAttrEditor(QFormLayout* form, const nc::AttrSpec& a);
  // The line editor of a list (or optional single) attribute: `parse` checks the text (errors
  // shown inline while typing, nothing emitted for invalid text), `format` writes a value back;
  // an emptied field unsets the attribute.
  QWidget* listAttrEditor(QWidget* row, AttrEditor* e, const QString& name, bool required,
                          std::function<std::optional<nc::AttrValue>(const QString&, QString*)> parse,
                          std::function<QString(const nc::AttrValue&)> format);
  void addParamRow(QVBoxLayout* box, int port);
  void addInputDataSection(QVBoxLayout* box);
  void refreshParamRow(ParamRow& row);
  void refreshInputData();
  void updateParamShape(ParamRow& row);
  void initialiseParam(ParamRow& row);
  const nc::AttrValue* currentValue(const std::string& name) const;  // set or default

  QScrollArea* scroll_;
  QWidget* content_ = nullptr;
  QLabel* placeholder_;

  // What is shown (copied: the graph is not kept).
  nc::NodeId id_ = nc::kNoNode;
  nc::Node node_;
  const nc::OpSpec* spec_ = nullptr;
  std::vector<std::optional<nc::TensorType>> inTypes_;
  std::vector<std::optional<nc::TensorType>> outTypes_;
  std::vector<QString> inSources_;  // "conv1:0" for connected inputs
  QString diagnostic_;
  int diagnosticInput_ = -1;

  QLineEdit* nameEdit_ = nullptr;
  QLabel* opLabel_ = nullptr;
  QLabel* typesLabel_ = nullptr;
  QLabel* diagLabel_ = nullptr;
  std::vector<std::unique_ptr<AttrEditor>> attrEditors_;
  std::vector<std::unique_ptr<ParamRow>> paramRows_;
  // Graph-input data.
  QComboBox* dataMode_ = nullptr;
  QLabel* dataSummary_ = nullptr;
  QDoubleSpinBox* constValue_ = nullptr;
  QLabel* dataError_ = nullptr;
  std::vector<QWidget*> randomWidgets_, constWidgets_, imageWidgets_;
};

}  // namespace ncui
