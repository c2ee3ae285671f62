#include "ui/palette_widget.h"

#include <QKeyEvent>
#include <QLineEdit>
#include <QMimeData>
#include <QTreeWidget>
#include <QVBoxLayout>
#include <map>

#include <QFileInfo>

#include "core/blocks/library.h"
#include "core/ops/registry.h"
#include "ui/document.h"

namespace ncui {

namespace {

constexpr int kOpTypeRole = Qt::UserRole;
constexpr int kSearchRole = Qt::UserRole + 1;
constexpr int kBlockRole = Qt::UserRole + 2;

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
      if (op.isEmpty()) op = it->data(0, kBlockRole).toString();
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
    if (auto* it = tree_->currentItem(); it && !it->isHidden() && it->parent())
      activate(it);
    else if (auto* first = firstVisibleOp())
      activate(first);
  });
  // itemActivated covers double-click and Enter/Return on the list.
  connect(tree_, &QTreeWidget::itemActivated, this, [this](QTreeWidgetItem* it) { activate(it); });
}

void PaletteWidget::activate(QTreeWidgetItem* it) {
  if (!it) return;
  QString op = it->data(0, kOpTypeRole).toString();
  QString block = it->data(0, kBlockRole).toString();
  if (!op.isEmpty()) Q_EMIT opActivated(op);
  if (!block.isEmpty()) Q_EMIT blockActivated(block);
}

void PaletteWidget::refreshUserBlocks() {
  if (!userBlocks_) return;
  qDeleteAll(userBlocks_->takeChildren());
  for (const QString& path : Document::userBlockFiles()) {
    QString name = QFileInfo(path).completeBaseName();
    auto* it = new QTreeWidgetItem(userBlocks_, {name});
    it->setFlags(Qt::ItemIsEnabled | Qt::ItemIsSelectable | Qt::ItemIsDragEnabled);
    it->setData(0, kBlockRole, "userblock:" + path);
    it->setData(0, kSearchRole, name + "\nMy Blocks");
    it->setToolTip(0, path);
  }
  userBlocks_->setHidden(userBlocks_->childCount() == 0);
  if (!search_->text().isEmpty()) applyFilter(search_->text());
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
  // Composite blocks: the library's types, then the user's saved blocks.
  auto* blocks = new QTreeWidgetItem(tree_, {tr("Blocks")});
  blocks->setFlags(Qt::ItemIsEnabled);
  blocks->setFont(0, catFont);
  blocks->setData(0, kSearchRole, QStringLiteral("Blocks"));
  for (const nc::blocks::BlockType& bt : nc::blocks::blockLibrary()) {
    const QString type = QString::fromStdString(bt.type);
    auto* it = new QTreeWidgetItem(blocks, {QString::fromStdString(bt.caption.empty() ? bt.type : bt.caption)});
    it->setFlags(Qt::ItemIsEnabled | Qt::ItemIsSelectable | Qt::ItemIsDragEnabled);
    it->setData(0, kBlockRole, "block:" + type);
    it->setData(0, kSearchRole, QStringList{type, it->text(0), "Blocks"}.join('\n'));
    QString tip = "<qt><b>" + html(bt.caption.empty() ? bt.type : bt.caption) + "</b>";
    if (!bt.doc.empty()) tip += "<p>" + html(bt.doc) + "</p>";
    QStringList ps;
    for (const nc::blocks::BlockParamSpec& p : bt.params)
      ps << "<code>" + html(p.name) + "</code> = " + html(nc::attrToString(p.defaultValue)) +
                (p.doc.empty() ? QString() : " &mdash; " + html(p.doc));
    if (!ps.isEmpty()) tip += "<p><b>Parameters</b><br>" + ps.join("<br>") + "</p>";
    tip += "<p>Inserted fed by the selected node(s).</p></qt>";
    it->setToolTip(0, tip);
  }
  userBlocks_ = new QTreeWidgetItem(tree_, {tr("My Blocks")});
  userBlocks_->setFlags(Qt::ItemIsEnabled);
  userBlocks_->setFont(0, catFont);
  userBlocks_->setData(0, kSearchRole, QStringLiteral("My Blocks"));
  refreshUserBlocks();
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
      if (!cat->child(j)->isHidden() && !cat->child(j)->data(0, kOpTypeRole).toString().isEmpty())
        out << cat->child(j)->data(0, kOpTypeRole).toString();
  }
  return out;
}

QStringList PaletteWidget::visibleBlocks() const {
  QStringList out;
  for (int i = 0; i < tree_->topLevelItemCount(); ++i) {
    QTreeWidgetItem* cat = tree_->topLevelItem(i);
    if (cat->isHidden()) continue;
    for (int j = 0; j < cat->childCount(); ++j)
      if (!cat->child(j)->isHidden() && !cat->child(j)->data(0, kBlockRole).toString().isEmpty())
        out << cat->child(j)->data(0, kBlockRole).toString();
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
