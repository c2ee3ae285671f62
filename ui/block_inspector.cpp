#include "ui/block_inspector.h"

#include <QCheckBox>
#include <QDoubleSpinBox>
#include <QFormLayout>
#include <QHBoxLayout>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QSpinBox>
#include <QVBoxLayout>
#include <limits>

#include "core/blocks/library.h"
#include "core/eval/stats.h"
#include "ui/block_item.h"
#include "ui/card_style.h"
#include "ui/text_parsers.h"

namespace ncui {

namespace {

bool isFlag(const nc::blocks::BlockParamSpec& p) {
  return std::holds_alternative<int64_t>(p.defaultValue) && p.min == 0 && p.max == 1;
}

}  // namespace

BlockInspector::BlockInspector(QWidget* parent) : QWidget(parent) {
  auto* box = new QVBoxLayout(this);
  box->setContentsMargins(6, 6, 6, 6);
  auto* head = new QFormLayout;
  nameEdit_ = new QLineEdit(this);
  nameEdit_->setObjectName("blockName");
  typeLabel_ = new QLabel(this);
  typeLabel_->setObjectName("blockType");
  head->addRow(tr("Block"), nameEdit_);
  head->addRow(tr("Type"), typeLabel_);
  box->addLayout(head);
  docLabel_ = new QLabel(this);
  docLabel_->setWordWrap(true);
  box->addWidget(docLabel_);
  paramBox_ = new QWidget(this);
  paramForm_ = new QFormLayout(paramBox_);
  paramForm_->setContentsMargins(0, 4, 0, 4);
  box->addWidget(paramBox_);
  errorLabel_ = new QLabel(this);
  errorLabel_->setObjectName("blockError");
  errorLabel_->setWordWrap(true);
  errorLabel_->setStyleSheet("color: #c0392b;");
  errorLabel_->hide();
  box->addWidget(errorLabel_);
  portsLabel_ = new QLabel(this);
  portsLabel_->setObjectName("blockPorts");
  portsLabel_->setWordWrap(true);
  portsLabel_->setTextInteractionFlags(Qt::TextSelectableByMouse);
  box->addWidget(portsLabel_);
  statsLabel_ = new QLabel(this);
  statsLabel_->setObjectName("blockStats");
  box->addWidget(statsLabel_);
  auto* buttons = new QHBoxLayout;
  collapseButton_ = new QPushButton(this);
  auto* ungroup = new QPushButton(tr("Ungroup"), this);
  auto* save = new QPushButton(tr("Save to Library…"), this);
  buttons->addWidget(collapseButton_);
  buttons->addWidget(ungroup);
  buttons->addWidget(save);
  box->addLayout(buttons);
  box->addStretch(1);
  connect(nameEdit_, &QLineEdit::editingFinished, this, [this] {
    if (id_ != nc::kNoBlock && nameEdit_->isModified()) {
      nameEdit_->setModified(false);
      Q_EMIT renameRequested(id_, nameEdit_->text());
    }
  });
  connect(collapseButton_, &QPushButton::clicked, this, [this] {
    Q_EMIT collapseRequested(id_, collapseButton_->property("collapse").toBool());
  });
  connect(ungroup, &QPushButton::clicked, this, [this] { Q_EMIT ungroupRequested(id_); });
  connect(save, &QPushButton::clicked, this, [this] { Q_EMIT saveRequested(id_); });
}

QWidget* BlockInspector::paramEditor(const QString& name) const {
  auto it = editors_.find(name.toStdString());
  return it == editors_.end() ? nullptr : it->second;
}

void BlockInspector::setError(const QString& text) {
  errorLabel_->setText(text);
  errorLabel_->setVisible(!text.isEmpty());
}

QString BlockInspector::error() const { return errorLabel_->text(); }

void BlockInspector::editParam(const std::string& name, const nc::AttrValue& value) {
  if (id_ == nc::kNoBlock) return;
  auto it = params_.find(name);
  if (it != params_.end() && nc::attrEquals(it->second, value)) return;
  std::map<std::string, nc::AttrValue> next = params_;
  next[name] = value;
  Q_EMIT paramsEdited(id_, next);
}

void BlockInspector::rebuildParams(const nc::Block& b) {
  while (paramForm_->rowCount() > 0) paramForm_->removeRow(0);
  editors_.clear();
  const nc::blocks::BlockType* bt = nc::blocks::findBlockType(b.type);
  if (!bt) return;
  for (const nc::blocks::BlockParamSpec& p : bt->params) {
    const std::string name = p.name;
    QWidget* editor = nullptr;
    if (isFlag(p)) {
      auto* cb = new QCheckBox(paramBox_);
      connect(cb, &QCheckBox::toggled, this,
              [this, name](bool on) { editParam(name, nc::AttrValue(int64_t(on ? 1 : 0))); });
      editor = cb;
    } else if (std::holds_alternative<int64_t>(p.defaultValue)) {
      auto* sb = new QSpinBox(paramBox_);
      sb->setKeyboardTracking(false);  // one regeneration per committed value, not per digit
      sb->setRange(p.min != p.max ? int(p.min) : -1000000, p.min != p.max ? int(p.max) : 1000000);
      connect(sb, &QSpinBox::valueChanged, this,
              [this, name](int v) { editParam(name, nc::AttrValue(int64_t(v))); });
      editor = sb;
    } else if (std::holds_alternative<float>(p.defaultValue)) {
      auto* sb = new QDoubleSpinBox(paramBox_);
      sb->setKeyboardTracking(false);
      sb->setDecimals(3);
      sb->setSingleStep(0.05);
      sb->setRange(p.min != p.max ? p.min : -1e6, p.min != p.max ? p.max : 1e6);
      connect(sb, &QDoubleSpinBox::valueChanged, this,
              [this, name](double v) { editParam(name, nc::AttrValue(float(v))); });
      editor = sb;
    } else {
      auto* le = new QLineEdit(paramBox_);
      connect(le, &QLineEdit::editingFinished, this, [this, name, le] {
        QString err;
        auto ints = parseIntList(le->text(), &err);
        if (!ints) {
          setError(tr("%1: %2").arg(QString::fromStdString(name), err));
          return;
        }
        editParam(name, nc::AttrValue(*ints));
      });
      editor = le;
    }
    editor->setObjectName(QString::fromStdString("param_" + name));
    editor->setToolTip(QString::fromStdString(p.doc));
    paramForm_->addRow(QString::fromStdString(name), editor);
    editors_[name] = editor;
  }
}

void BlockInspector::showBlock(const nc::Graph& g, nc::BlockId id, const nc::ShapeInfo* shapes) {
  const nc::Block* b = g.findBlock(id);
  if (!b) return;
  bool fresh = id != id_ || b->type != type_;
  if (fresh) setError({});
  id_ = id;
  type_ = b->type;
  const nc::blocks::BlockType* bt = nc::blocks::findBlockType(b->type);
  // The block's parameters with the library's defaults filled in.
  params_ = b->params;
  if (bt) try {
      params_ = nc::blocks::completeParams(b->type, b->params);
    } catch (const std::exception&) {
    }
  if (!nameEdit_->hasFocus()) {
    nameEdit_->setText(QString::fromStdString(b->name));
    nameEdit_->setModified(false);
  }
  typeLabel_->setText(bt ? QString::fromStdString(bt->caption.empty() ? bt->type : bt->caption)
                      : b->type.empty() ? tr("group (no parameters)")
                                        : QString::fromStdString(b->type));
  docLabel_->setText(bt ? QString::fromStdString(bt->doc) : QString());
  docLabel_->setVisible(bt && !bt->doc.empty());
  if (fresh || editors_.empty() != (!bt || bt->params.empty())) rebuildParams(*b);
  for (auto& [name, editor] : editors_) {
    auto it = params_.find(name);
    if (it == params_.end() || editor->hasFocus()) continue;
    QSignalBlocker block(editor);
    const nc::AttrValue& v = it->second;
    if (auto* cb = qobject_cast<QCheckBox*>(editor)) {
      if (auto* i = std::get_if<int64_t>(&v)) cb->setChecked(*i != 0);
    } else if (auto* sb = qobject_cast<QSpinBox*>(editor)) {
      if (auto* i = std::get_if<int64_t>(&v)) sb->setValue(int(*i));
    } else if (auto* db = qobject_cast<QDoubleSpinBox*>(editor)) {
      if (auto* f = std::get_if<float>(&v)) db->setValue(double(*f));
    } else if (auto* le = qobject_cast<QLineEdit*>(editor)) {
      if (auto* ints = std::get_if<std::vector<int64_t>>(&v)) {
        QStringList parts;
        for (int64_t x : *ints) parts << QString::number(x);
        le->setText(parts.join(", "));
      }
    }
  }
  paramBox_->setVisible(!editors_.empty());

  nc::BlockPorts ports = g.blockPorts(id);
  QStringList lines;
  for (size_t i = 0; i < ports.inputs.size(); ++i) {
    const auto& in = ports.inputs[i];
    QString from = in.source ? QString::fromStdString(g.node(in.source->node).name) : tr("unbound");
    const nc::TensorType* t = in.source && shapes ? shapes->type(*in.source) : nullptr;
    lines << tr("in%1: %2 ← %3 (feeds %n port(s))", nullptr, int(in.targets.size()))
                 .arg(i)
                 .arg(dimsText(t), from);
  }
  for (size_t o = 0; o < ports.outputs.size(); ++o) {
    const nc::TensorType* t = shapes ? shapes->type(ports.outputs[o]) : nullptr;
    lines << tr("out%1: %2 (%3)")
                 .arg(o)
                 .arg(dimsText(t), QString::fromStdString(g.node(ports.outputs[o].node).name));
  }
  portsLabel_->setText(tr("Ports") + "\n" + lines.join('\n'));
  std::vector<nc::NodeId> inside = g.blockNodes(id);
  int64_t params = 0;
  nc::ShapeInfo none;
  for (nc::NodeId n : inside) params += nc::nodeStats(g, n, shapes ? *shapes : none).params;
  statsLabel_->setText(tr("%1 nodes, %2 child blocks, %3 parameters")
                           .arg(inside.size())
                           .arg(g.childBlocks(id).size())
                           .arg(QString::fromStdString(nc::formatCount(params))));
  collapseButton_->setText(b->collapsed ? tr("Expand") : tr("Collapse"));
  collapseButton_->setProperty("collapse", !b->collapsed);
}

}  // namespace ncui
