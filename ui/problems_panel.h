#pragma once
// Shape-inference and evaluation diagnostics as a list: source, node name, message.
// Double-click (or Enter) on a row emits nodeActivated so the canvas can select and show it.
#include <QWidget>
#include <vector>

#include "core/graph/graph.h"
#include "core/eval/shape_inference.h"

class QLabel;
class QTreeWidget;

namespace ncui {

class ProblemsPanel : public QWidget {
  Q_OBJECT
 public:
  explicit ProblemsPanel(QWidget* parent = nullptr);

  void setDiagnostics(const nc::Graph& g, const std::vector<nc::Diagnostic>& shapeErrors,
                      const std::vector<nc::Diagnostic>& evalErrors);
  void clear();
  int count() const { return count_; }
  QTreeWidget* list() const { return list_; }

 Q_SIGNALS:
  void nodeActivated(nc::NodeId id);
  // Number of problems after each setDiagnostics (for a dock title such as "Problems (3)").
  void countChanged(int count);

 private:
  QLabel* summary_;
  QTreeWidget* list_;
  int count_ = 0;
};

}  // namespace ncui
