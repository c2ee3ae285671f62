#pragma once
// The inspector for a composite block: its name (editable), type and documentation, one editor
// per parameter generated from the block library's BlockParamSpec (flags as check boxes, ints
// and floats as spin boxes within the spec's range, int lists as text), its ports with shapes,
// node and parameter counts, and the last error of an edit. Like InspectorWidget it never edits
// the graph: every change is a request signal that the Document turns into one undo step.
// showBlock() again for the same block updates the editors in place.
#include <QWidget>
#include <map>
#include <string>

#include "core/tensor/attr.h"
#include "core/graph/graph.h"
#include "core/eval/shape_inference.h"
#include "ui/metatypes.h"

class QFormLayout;
class QLabel;
class QLineEdit;
class QPushButton;

namespace ncui {

class BlockInspector : public QWidget {
  Q_OBJECT
 public:
  explicit BlockInspector(QWidget* parent = nullptr);

  void showBlock(const nc::Graph& g, nc::BlockId id, const nc::ShapeInfo* shapes);
  nc::BlockId blockId() const { return id_; }
  // Shown under the parameters until the next successful edit.
  void setError(const QString& text);
  QString error() const;
  QLineEdit* nameEdit() const { return nameEdit_; }
  // The editor of a parameter (QSpinBox, QDoubleSpinBox, QCheckBox or QLineEdit), or null.
  QWidget* paramEditor(const QString& name) const;

 Q_SIGNALS:
  void renameRequested(nc::BlockId id, const QString& name);
  void paramsEdited(nc::BlockId id, const std::map<std::string, nc::AttrValue>& params);
  void collapseRequested(nc::BlockId id, bool collapsed);
  void ungroupRequested(nc::BlockId id);
  void saveRequested(nc::BlockId id);

 private:
  void rebuildParams(const nc::Block& b);
  void editParam(const std::string& name, const nc::AttrValue& value);

  nc::BlockId id_ = nc::kNoBlock;
  std::string type_;
  std::map<std::string, nc::AttrValue> params_;
  QLineEdit* nameEdit_;
  QLabel* typeLabel_;
  QLabel* docLabel_;
  QWidget* paramBox_;
  QFormLayout* paramForm_;
  QLabel* portsLabel_;
  QLabel* statsLabel_;
  QLabel* errorLabel_;
  QPushButton* collapseButton_;
  std::map<std::string, QWidget*> editors_;
};

}  // namespace ncui
