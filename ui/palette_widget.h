#pragma once
// The op palette: every registered op grouped by OpSpec::category ("Graph" first), generated
// from the specs. A search field filters by op type, caption or category; double-click or Enter
// activates an op; dragging an op carries kOpMimeType with the op type as UTF-8.
// Below the ops, "Blocks" lists the block library's types and "My Blocks" the user's saved
// blocks; they carry "block:TYPE" / "userblock:PATH" (blockActivated, and the same text as
// kOpMimeType when dragged).
#include <QWidget>

class QLineEdit;
class QTreeWidget;
class QTreeWidgetItem;

namespace ncui {

inline constexpr char kOpMimeType[] = "application/x-netcanvas-op";

class PaletteWidget : public QWidget {
  Q_OBJECT
 public:
  explicit PaletteWidget(QWidget* parent = nullptr);

  // Case-insensitive filter over op type, caption and category (as typed in the search field).
  void setFilter(const QString& text);
  QString filter() const;
  // Op types currently shown, in display order.
  QStringList visibleOps() const;
  // "block:C3k2", "userblock:/path/x.ncproj" currently shown.
  QStringList visibleBlocks() const;
  // Re-reads the user's saved blocks (Document::userBlockFiles).
  void refreshUserBlocks();

  QLineEdit* searchField() const { return search_; }
  QTreeWidget* tree() const { return tree_; }

 Q_SIGNALS:
  void opActivated(const QString& opType);
  void blockActivated(const QString& spec);

 protected:
  bool eventFilter(QObject* watched, QEvent* event) override;

 private:
  void populate();
  void applyFilter(const QString& text);
  QTreeWidgetItem* firstVisibleOp() const;
  void activate(QTreeWidgetItem* it);
  QTreeWidgetItem* userBlocks_ = nullptr;

  QLineEdit* search_;
  QTreeWidget* tree_;
};

}  // namespace ncui
