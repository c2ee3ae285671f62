#include "ui/palette_widget.h"

#include <QKeyEvent>
#include <QLineEdit>
#include <QMimeData>
#include <QTreeWidget>
#include <QVBoxLayout>
#include <map>

#include "core/ops/registry.h"

namespace ncui {

namespace {

constexpr int kOpTypeRole = Qt::UserRole;
constexpr int kSearchRole = Qt::UserRole + 1;

QString html(const std::string& s) { return QString::fromStdString(s).toHtmlEscaped(); }

QString portList(const std::vector<nc::PortSpec>& ports) {
  QStringList out;
  for (const auto& p : ports) {
    QString s = "<code>" + html(p.name) + "</code>";
    QStringList tags;
    if (p.param) tags << "parameter";
    if (p.optional) tags << "optional";
    if (p.variadic) tags << "variadic";
    if (!tags.isEmpty()) s += " <i>(" + tags.join(", ") + ")</i>";
    if (!p.doc.empty()) s += " &mdash; " + html(p.doc);
    out << s;
  }
  return out.join("<br>");
}

QString tooltipFor(const nc::OpSpec& s) {
  QString t = "<b>" + html(s.caption.empty() ? s.type : s.caption) + "</b>";
  if (!s.caption.empty() && s.caption != s.type) t += " <code>" + html(s.type) + "</code>";
  if (!s.onnxType.empty()) t += QString(" &middot; ONNX %1 (since v%2)").arg(html(s.onnxType)).arg(s.sinceVersion);
  if (!s.doc.empty()) t += "<p>" + html(s.doc) + "</p>";
  if (!s.inputs.empty()) t += "<p><b>Inputs</b><br>" + portList(s.inputs) + "</p>";
  if (!s.outputs.empty()) t += "<p><b>Outputs</b><br>" + portList(s.outputs) + "</p>";
  if (!s.attrs.empty()) {
    QStringList as;
    for (const auto& a : s.attrs) {
      QString line = "<code>" + html(a.name) + "</code>: " + nc::attrTypeName(a.type);
      if (a.defaultValue) line += " = " + html(nc::attrToString(*a.defaultValue));
      else if (a.required) line += " <i>(required)</i>";
      if (!a.doc.empty()) line += " &mdash; " + html(a.doc);
      as << line;
    }
    t += "<p><b>Attributes</b><br>" + as.join("<br>") + "</p>";
  }
  return "<qt>" + t + "</qt>";
}

// Carries the op type of the dragged item as kOpMimeType; QTreeWidget starts the QDrag.
class OpTree : public QTreeWidget {
 public:
  using QTreeWidget::QTreeWidget;

 protected:
  QStringList mimeTypes() const override { return {QString::fromLatin1(kOpMimeType)}; }
  QMimeData* mimeData(const QList<QTreeWidgetItem*>& items) const override {
    for (auto* it : items) {
      QString op = it->data(0, kOpTypeRole).toString();
      if (op.isEmpty()) continue;
      auto* mime = new QMimeData;
      mime->setData(kOpMimeType, op.toUtf8());
      mime->setText(op);
      return mime;
    }
    return nullptr;
  }
  // The model reports these as its drag actions (the view is DragOnly, so nothing is dropped here).
  Qt::DropActions supportedDropActions() const override { return Qt::CopyAction; }
};

}  // namespace

PaletteWidget::PaletteWidget(QWidget* parent) : QWidget(parent) {
  search_ = new QLineEdit(this);
  search_->setObjectName("paletteSearch");
  search_->setPlaceholderText(tr("Search ops…"));
  search_->setClearButtonEnabled(true);
  search_->setToolTip(tr("Filter by op type, caption or category. Enter adds the first match; Down moves to the list."));
  search_->installEventFilter(this);

  tree_ = new OpTree(this);
  tree_->setObjectName("paletteTree");
  tree_->setHeaderHidden(true);
  tree_->setRootIsDecorated(true);
  tree_->setUniformRowHeights(true);
  tree_->setDragEnabled(true);
  tree_->setDragDropMode(QAbstractItemView::DragOnly);
  tree_->setDefaultDropAction(Qt::CopyAction);
  tree_->setSelectionMode(QAbstractItemView::SingleSelection);
  tree_->setExpandsOnDoubleClick(true);

  auto* layout = new QVBoxLayout(this);
  layout->setContentsMargins(4, 4, 4, 4);
  layout->setSpacing(4);
  layout->addWidget(search_);
  layout->addWidget(tree_, 1);

  populate();

  connect(search_, &QLineEdit::textChanged, this, &PaletteWidget::applyFilter);
  connect(search_, &QLineEdit::returnPressed, this, [this] {
    if (auto* it = tree_->currentItem(); it && !it->isHidden() && !it->data(0, kOpTypeRole).toString().isEmpty())
      Q_EMIT opActivated(it->data(0, kOpTypeRole).toString());
    else if (auto* first = firstVisibleOp())
      Q_EMIT opActivated(first->data(0, kOpTypeRole).toString());
  });
  // itemActivated covers double-click and Enter/Return on the list.
  connect(tree_, &QTreeWidget::itemActivated, this, [this](QTreeWidgetItem* it) {
    QString op = it ? it->data(0, kOpTypeRole).toString() : QString();
    if (!op.isEmpty()) Q_EMIT opActivated(op);
  });
}

void PaletteWidget::populate() {
  // Categories in order of first appearance in the registry, "Graph" first.
  std::vector<std::string> order;
  std::map<std::string, std::vector<const nc::OpSpec*>> byCategory;
  for (const nc::OpSpec* s : nc::allOps()) {
    std::string cat = s->category.empty() ? "Other" : s->category;
    if (!byCategory.count(cat)) order.push_back(cat);
    byCategory[cat].push_back(s);
  }
  std::stable_partition(order.begin(), order.end(), [](const std::string& c) { return c == "Graph"; });

  QFont catFont = tree_->font();
  catFont.setBold(true);
  for (const std::string& cat : order) {
    auto* catItem = new QTreeWidgetItem(tree_, {QString::fromStdString(cat)});
    catItem->setFlags(Qt::ItemIsEnabled);
    catItem->setFont(0, catFont);
    catItem->setData(0, kSearchRole, QString::fromStdString(cat));
    for (const nc::OpSpec* s : byCategory[cat]) {
      const QString type = QString::fromStdString(s->type);
      const QString caption = s->caption.empty() ? type : QString::fromStdString(s->caption);
      auto* it = new QTreeWidgetItem(catItem, {caption});
      it->setFlags(Qt::ItemIsEnabled | Qt::ItemIsSelectable | Qt::ItemIsDragEnabled);
      it->setData(0, kOpTypeRole, type);
      it->setData(0, kSearchRole, QStringList{type, caption, QString::fromStdString(cat)}.join('\n'));
      it->setToolTip(0, tooltipFor(*s));
      if (caption != type) it->setStatusTip(0, type);
    }
  }
  tree_->expandAll();
}

void PaletteWidget::setFilter(const QString& text) { search_->setText(text); }
QString PaletteWidget::filter() const { return search_->text(); }

void PaletteWidget::applyFilter(const QString& raw) {
  const QString text = raw.trimmed();
  for (int i = 0; i < tree_->topLevelItemCount(); ++i) {
    QTreeWidgetItem* cat = tree_->topLevelItem(i);
    const bool catMatches = !text.isEmpty() && cat->data(0, kSearchRole).toString().contains(text, Qt::CaseInsensitive);
    int shown = 0;
    for (int j = 0; j < cat->childCount(); ++j) {
      QTreeWidgetItem* op = cat->child(j);
      const bool match = text.isEmpty() || catMatches || op->data(0, kSearchRole).toString().contains(text, Qt::CaseInsensitive);
      op->setHidden(!match);
      shown += match;
    }
    cat->setHidden(shown == 0);
    if (shown) cat->setExpanded(true);
  }
  QTreeWidgetItem* cur = tree_->currentItem();
  if (!text.isEmpty() && (!cur || cur->isHidden() || cur->data(0, kOpTypeRole).toString().isEmpty()))
    tree_->setCurrentItem(firstVisibleOp());
}

QTreeWidgetItem* PaletteWidget::firstVisibleOp() const {
  for (int i = 0; i < tree_->topLevelItemCount(); ++i) {
    QTreeWidgetItem* cat = tree_->topLevelItem(i);
    if (cat->isHidden()) continue;
    for (int j = 0; j < cat->childCount(); ++j)
      if (!cat->child(j)->isHidden()) return cat->child(j);
  }
  return nullptr;
}

QStringList PaletteWidget::visibleOps() const {
  QStringList out;
  for (int i = 0; i < tree_->topLevelItemCount(); ++i) {
    QTreeWidgetItem* cat = tree_->topLevelItem(i);
    if (cat->isHidden()) continue;
    for (int j = 0; j < cat->childCount(); ++j)
      if (!cat->child(j)->isHidden()) out << cat->child(j)->data(0, kOpTypeRole).toString();
  }
  return out;
}

bool PaletteWidget::eventFilter(QObject* watched, QEvent* event) {
  if (watched == search_ && event->type() == QEvent::KeyPress) {
    auto* ke = static_cast<QKeyEvent*>(event);
    if (ke->key() == Qt::Key_Down) {
      if (!tree_->currentItem() || tree_->currentItem()->isHidden()) tree_->setCurrentItem(firstVisibleOp());
      tree_->setFocus();
      return true;
    }
    if (ke->key() == Qt::Key_Escape && !search_->text().isEmpty()) {
      search_->clear();
      return true;
    }
  }
  return QWidget::eventFilter(watched, event);
}

}  // namespace ncui
