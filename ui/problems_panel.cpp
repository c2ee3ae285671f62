#include "ui/problems_panel.h"

#include <QHeaderView>
#include <QLabel>
#include <QStyle>
#include <QTreeWidget>
#include <QVBoxLayout>

#include "core/ops/registry.h"
#include "ui/metatypes.h"

namespace ncui {

namespace {
constexpr int kNodeRole = Qt::UserRole;

// Messages carry a "node 'name' (Op): " prefix for the CLI; the panel shows the node in its own
// column, so the prefix is dropped here.
QString stripNodePrefix(const std::string& msg, const nc::Node* n) {
  QString m = QString::fromStdString(msg);
  if (!n) return m;
  const QString prefix = QString::fromStdString("node '" + n->name + "'");
  if (!m.startsWith(prefix)) return m;
  QString rest = m.mid(prefix.size());
  const QString op = QString::fromStdString(" (" + n->op + ")");
  if (rest.startsWith(op)) rest = rest.mid(op.size());
  if (rest.startsWith(':')) rest = rest.mid(1);
  return rest.trimmed();
}
}  // namespace

ProblemsPanel::ProblemsPanel(QWidget* parent) : QWidget(parent) {
  summary_ = new QLabel(tr("No problems"), this);
  summary_->setObjectName("problemsSummary");
  list_ = new QTreeWidget(this);
  list_->setObjectName("problemsList");
  list_->setColumnCount(3);
  list_->setHeaderLabels({tr("Source"), tr("Node"), tr("Message")});
  list_->setRootIsDecorated(false);
  list_->setUniformRowHeights(true);
  list_->setAlternatingRowColors(true);
  list_->setWordWrap(false);
  list_->header()->setSectionResizeMode(0, QHeaderView::ResizeToContents);
  list_->header()->setSectionResizeMode(1, QHeaderView::ResizeToContents);
  list_->header()->setStretchLastSection(true);
  list_->setToolTip(tr("Double-click a problem to select its node"));

  auto* layout = new QVBoxLayout(this);
  layout->setContentsMargins(4, 4, 4, 4);
  layout->setSpacing(4);
  layout->addWidget(summary_);
  layout->addWidget(list_, 1);

  connect(list_, &QTreeWidget::itemActivated, this, [this](QTreeWidgetItem* it) {
    if (!it) return;
    const nc::NodeId id = it->data(0, kNodeRole).value<nc::NodeId>();
    if (id != nc::kNoNode) Q_EMIT nodeActivated(id);
  });
}

void ProblemsPanel::clear() {
  list_->clear();
  count_ = 0;
  summary_->setText(tr("No problems"));
  Q_EMIT countChanged(0);
}

void ProblemsPanel::setDiagnostics(const nc::Graph& g, const std::vector<nc::Diagnostic>& shapeErrors,
                                   const std::vector<nc::Diagnostic>& evalErrors) {
  list_->clear();
  const QIcon shapeIcon = style()->standardIcon(QStyle::SP_MessageBoxCritical);
  const QIcon evalIcon = style()->standardIcon(QStyle::SP_MessageBoxWarning);
  auto add = [&](const nc::Diagnostic& d, const QString& source, const QIcon& icon) {
    const nc::Node* n = g.findNode(d.node);
    QString node = n ? QString::fromStdString(n->name) : (d.node == nc::kNoNode ? tr("(graph)") : tr("(deleted)"));
    if (n && d.input >= 0) {
      const nc::OpSpec* spec = nc::findOp(n->op);
      const bool named = spec && !spec->inputs.empty();
      const std::string port = !named ? std::to_string(d.input)
                               : size_t(d.input) < spec->inputs.size() ? spec->inputs[size_t(d.input)].name
                                                                       : spec->inputs.back().name + std::to_string(d.input);
      node += " · " + QString::fromStdString(port);
    }
    auto* it = new QTreeWidgetItem(list_, {source, node, stripNodePrefix(d.message, n)});
    it->setIcon(0, icon);
    it->setData(0, kNodeRole, QVariant::fromValue<nc::NodeId>(n ? d.node : nc::kNoNode));
    it->setToolTip(2, QString::fromStdString(d.message).toHtmlEscaped());
    it->setToolTip(1, n ? QString::fromStdString(n->op) : QString());
  };
  for (const auto& d : shapeErrors) add(d, tr("Shape"), shapeIcon);
  for (const auto& d : evalErrors) add(d, tr("Evaluation"), evalIcon);
  count_ = int(shapeErrors.size() + evalErrors.size());
  summary_->setText(count_ == 0 ? tr("No problems")
                                : (count_ == 1 ? tr("1 problem") : tr("%1 problems").arg(count_)) +
                                      tr(" (%1 shape, %2 evaluation)").arg(shapeErrors.size()).arg(evalErrors.size()));
  Q_EMIT countChanged(count_);
}

}  // namespace ncui
