#pragma once
// The node inspector: name, op, inferred input/output types, the node's diagnostic, one editor
// per attribute generated from its AttrSpec (ui/attr_editors), initialisers for parameter ports
// (Conv W/B, BatchNorm statistics, ...; shapes and default schemes from core/graph/param_init)
// and the data of graph inputs. It never edits the graph: every change is emitted as a request
// that the Document turns into an undoable command.
//
// Spin boxes emit on every valueChanged (typing, arrows, wheel), so the Document's command
// should merge consecutive edits of the same (node, attribute). List editors ("1, 1") and text
// fields emit when editing finishes (Enter or focus out) and only when the text is valid.
// Calling showNode() again for the same node updates the editors in place (the editor being
// typed in is left alone), so it is safe to call after every command.
#include <QWidget>
#include <memory>
#include <optional>
#include <vector>

#include "core/eval/shape_inference.h"
#include "core/graph/graph.h"
#include "core/ops/op.h"
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

struct AttrEditor;

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
  // The editor of one parameter port (ui/inspector_params.cpp).
  struct ParamRow {
    int port = 0;
    QLabel* summary = nullptr;
    QComboBox* scheme = nullptr;
    QSpinBox* seed = nullptr;
    QDoubleSpinBox* value = nullptr;
    QLabel* valueLabel = nullptr;
    QLineEdit* shape = nullptr;
    QSpinBox* outChannels = nullptr;  // Conv-like W only
    QPushButton* init = nullptr;
    QPushButton* npy = nullptr;
    QLabel* error = nullptr;
    bool shapeEditedByUser = false;
    QWidget* initBox = nullptr;  // hidden while the port is connected
  };
  void rebuild();
  void addHeader(QVBoxLayout* box);
  void addAttributeSection(QVBoxLayout* box);
  void dropContent();
  void refresh();
  // Parameter ports (ui/inspector_params.cpp).
  void addParamRow(QVBoxLayout* box, int port);
  void addSchemeFields(ParamRow* r, QFormLayout* form, const QString& key,
                       const std::optional<nc::Shape>& suggested);
  void addShapeFields(ParamRow* r, QFormLayout* form, const QString& key,
                      const std::optional<nc::Shape>& suggested);
  void refreshParamRow(ParamRow& row);
  void updateParamShape(ParamRow& row);
  void initialiseParam(ParamRow& row);
  // Graph-input data (ui/inspector_input_data.cpp).
  void addInputDataSection(QVBoxLayout* box);
  void refreshInputData();
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
