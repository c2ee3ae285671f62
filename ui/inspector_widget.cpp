#include "ui/inspector_widget.h"

#include <QAbstractSpinBox>
#include <QComboBox>
#include <QCoreApplication>
#include <QFormLayout>
#include <QFrame>
#include <QLabel>
#include <QLineEdit>
#include <QScrollArea>
#include <QScrollBar>
#include <QToolButton>
#include <QVBoxLayout>

#include "core/ops/registry.h"
#include "ui/attr_editors.h"
#include "ui/inspector_fields.h"

namespace ncui {

using fields::errorLabel;
using fields::hasFocusWithin;
using fields::monoFont;
using fields::sectionTitle;
using fields::styleAsDefault;

InspectorWidget::InspectorWidget(QWidget* parent) : QWidget(parent) {
  scroll_ = new QScrollArea(this);
  scroll_->setWidgetResizable(true);
  scroll_->setFrameShape(QFrame::NoFrame);
  placeholder_ = new QLabel(tr("Select a node to inspect it"), this);
  placeholder_->setAlignment(Qt::AlignCenter);
  placeholder_->setEnabled(false);
  auto* layout = new QVBoxLayout(this);
  layout->setContentsMargins(0, 0, 0, 0);
  layout->addWidget(placeholder_);
  layout->addWidget(scroll_, 1);
  clear();
}

InspectorWidget::~InspectorWidget() = default;

void InspectorWidget::clear() {
  id_ = nc::kNoNode;
  spec_ = nullptr;
  node_ = nc::Node();
  dropContent();
  scroll_->hide();
  placeholder_->show();
}

const nc::AttrValue* InspectorWidget::currentValue(const std::string& name) const {
  return spec_ ? nc::AttrReader(*spec_, nc::nodeInfo(node_)).get(name) : nullptr;
}

void InspectorWidget::showNode(const nc::Graph& g, nc::NodeId id, const nc::ShapeInfo* shapes) {
  const nc::Node* n = g.findNode(id);
  const nc::OpSpec* spec = n ? nc::findOp(n->op) : nullptr;
  if (!n || !spec) {
    clear();
    return;
  }
  const bool same = content_ && id == id_ && spec == spec_ && n->inputs.size() == node_.inputs.size();
  id_ = id;
  spec_ = spec;
  node_ = *n;
  inTypes_.assign(n->inputs.size(), std::nullopt);
  inSources_.assign(n->inputs.size(), QString());
  for (int i = 0; i < int(n->inputs.size()); ++i) {
    const auto& b = n->inputs[size_t(i)];
    if (b.source) {
      const nc::Node* src = g.findNode(b.source->node);
      inSources_[size_t(i)] = src ? QString("%1:%2").arg(QString::fromStdString(src->name)).arg(b.source->port) : "?";
    }
    if (shapes) inTypes_[size_t(i)] = shapes->inputType(g, {id, i});
    else if (!b.source && !b.constant.empty()) inTypes_[size_t(i)] = nc::TensorType::of(b.constant.shape(), b.constant.dtype());
    else if (b.source) inTypes_[size_t(i)] = nc::TensorType::unknown();
  }
  outTypes_.assign(size_t(n->numOutputs), std::nullopt);
  for (int p = 0; p < n->numOutputs; ++p)
    if (shapes)
      if (const nc::TensorType* t = shapes->type({id, p})) outTypes_[size_t(p)] = *t;
  diagnostic_.clear();
  diagnosticInput_ = -1;
  if (shapes)
    if (const nc::Diagnostic* d = shapes->diagnosticFor(id)) {
      diagnostic_ = QString::fromStdString(d->message);
      diagnosticInput_ = d->input;
    }
  if (same) refresh();
  else rebuild();
}

// ---------------------------------------------------------------------------------------------
// Building

void InspectorWidget::dropContent() {
  // Disconnect first: hiding the old content moves focus, and a line edit losing focus would
  // otherwise emit editingFinished into editors that are about to go. The old content may be
  // the sender of the signal that led here, so it is deleted later.
  if (QWidget* current = scroll_->widget())
    for (QObject* o : current->findChildren<QObject*>()) QObject::disconnect(o, nullptr, this, nullptr);
  if (QWidget* old = scroll_->takeWidget()) {
    old->hide();
    old->deleteLater();
  }
  content_ = nullptr;
  nameEdit_ = nullptr;
  dataMode_ = nullptr;
  attrEditors_.clear();
  paramRows_.clear();
  randomWidgets_.clear();
  constWidgets_.clear();
  imageWidgets_.clear();
}

void InspectorWidget::rebuild() {
  dropContent();

  content_ = new QWidget;
  content_->setObjectName("inspectorContent");
  auto* box = new QVBoxLayout(content_);
  box->setContentsMargins(8, 8, 8, 8);
  box->setSpacing(6);
  addHeader(box);
  const bool isInput = spec_->type == "Input";
  addAttributeSection(box);
  if (isInput) addInputDataSection(box);

  // Parameters (weight-like ports).
  bool anyParam = false;
  for (int i = 0; i < int(spec_->inputs.size()) && i < int(node_.inputs.size()); ++i)
    if (spec_->inputs[size_t(i)].param) {
      if (!anyParam) box->addWidget(sectionTitle(tr("Parameters"), content_));
      anyParam = true;
      addParamRow(box, i);
    }
  box->addStretch(1);

  // Spin boxes and combos take the wheel only when focused; otherwise it scrolls the inspector
  // (no accidental edits while scrolling past them).
  for (QWidget* w : content_->findChildren<QWidget*>())
    if (qobject_cast<QAbstractSpinBox*>(w) || qobject_cast<QComboBox*>(w)) {
      w->setFocusPolicy(Qt::StrongFocus);
      w->installEventFilter(this);
    }
  scroll_->setWidget(content_);
  placeholder_->hide();
  scroll_->show();
  refresh();
}

// Name, op, its documentation, the types of its ports and its diagnostic.
void InspectorWidget::addHeader(QVBoxLayout* box) {
  auto* head = fields::formLayout();
  nameEdit_ = new QLineEdit(content_);
  nameEdit_->setObjectName("name");
  nameEdit_->setToolTip(tr("Node name (also the ONNX node / graph input name). Enter to rename."));
  connect(nameEdit_, &QLineEdit::editingFinished, this, [this] {
    const QString name = nameEdit_->text().trimmed();
    if (name.isEmpty()) {
      nameEdit_->setText(QString::fromStdString(node_.name));
      return;
    }
    if (name.toStdString() != node_.name) Q_EMIT renameRequested(id_, name);
  });
  head->addRow(tr("Name"), nameEdit_);
  opLabel_ = new QLabel(content_);
  opLabel_->setObjectName("op");
  opLabel_->setTextFormat(Qt::RichText);
  opLabel_->setWordWrap(true);
  QString op = "<b>" + QString::fromStdString(spec_->caption.empty() ? spec_->type : spec_->caption).toHtmlEscaped() + "</b>";
  if (!spec_->caption.empty() && spec_->caption != spec_->type)
    op += " <code>" + QString::fromStdString(spec_->type).toHtmlEscaped() + "</code>";
  if (!spec_->onnxType.empty()) op += QString(" · ONNX v%1").arg(spec_->sinceVersion);
  opLabel_->setText(op);
  opLabel_->setToolTip(QString::fromStdString(spec_->doc));
  head->addRow(tr("Op"), opLabel_);
  box->addLayout(head);
  if (!spec_->doc.empty()) {
    auto* doc = new QLabel(QString::fromStdString(spec_->doc), content_);
    doc->setWordWrap(true);
    doc->setEnabled(false);
    box->addWidget(doc);
  }

  // Types and diagnostic.
  box->addWidget(sectionTitle(tr("Types"), content_));
  typesLabel_ = new QLabel(content_);
  typesLabel_->setObjectName("types");
  typesLabel_->setFont(monoFont());
  typesLabel_->setTextFormat(Qt::RichText);
  typesLabel_->setTextInteractionFlags(Qt::TextSelectableByMouse);
  typesLabel_->setWordWrap(true);
  box->addWidget(typesLabel_);
  diagLabel_ = errorLabel(content_, "diagnostic");
  diagLabel_->setFrameShape(QFrame::StyledPanel);
  diagLabel_->setMargin(4);
  box->addWidget(diagLabel_);
}

// One editor per attribute (Input's `value` is handled by the data section), reporting as this
// inspector's signals for the node shown now.
void InspectorWidget::addAttributeSection(QVBoxLayout* box) {
  const bool isInput = spec_->type == "Input";
  std::vector<const nc::AttrSpec*> attrs;
  for (const auto& a : spec_->attrs)
    if (!(isInput && a.name == "value") && !a.internal) attrs.push_back(&a);
  if (attrs.empty()) return;
  box->addWidget(sectionTitle(tr("Attributes"), content_));
  auto* form = fields::formLayout();
  const nc::NodeId id = id_;
  AttrEditorHost host;
  host.receiver = this;
  host.edited = [this, id](const QString& name, const nc::AttrValue& v) {
    Q_EMIT attributeEdited(id, name, v);
  };
  host.cleared = [this, id](const QString& name) { Q_EMIT attributeCleared(id, name); };
  host.setValue = [this](const std::string& name) -> const nc::AttrValue* {
    auto it = node_.attrs.find(name);
    return it != node_.attrs.end() ? &it->second : nullptr;
  };
  host.shownValue = [this](const std::string& name) { return currentValue(name); };
  for (const nc::AttrSpec* a : attrs)
    attrEditors_.push_back(
        addAttrEditor(form, content_, *a, isInput && a->name == "shape", host));
  box->addLayout(form);
}

bool InspectorWidget::eventFilter(QObject* watched, QEvent* event) {
  if (event->type() == QEvent::Wheel) {
    auto* w = qobject_cast<QWidget*>(watched);
    if (w && !w->hasFocus()) {
      QCoreApplication::sendEvent(scroll_->verticalScrollBar(), event);
      return true;
    }
  }
  return QWidget::eventFilter(watched, event);
}

// ---------------------------------------------------------------------------------------------
// Refreshing in place

void InspectorWidget::refresh() {
  if (!content_ || !spec_) return;
  if (nameEdit_ && !hasFocusWithin(nameEdit_)) nameEdit_->setText(QString::fromStdString(node_.name));

  // Types: one line per port.
  QStringList lines;
  auto typeText = [](const std::optional<nc::TensorType>& t) {
    return t ? QString::fromStdString(t->toString()).toHtmlEscaped() : QObject::tr("<i>unbound</i>");
  };
  for (size_t i = 0; i < node_.inputs.size(); ++i) {
    const QString pname = i < spec_->inputs.size() ? QString::fromStdString(spec_->inputs[i].name)
                                                   : QString::fromStdString(spec_->inputs.back().name) + QString::number(i);
    QString line = "▸ " + pname.toHtmlEscaped() + "&nbsp;&nbsp;" + typeText(inTypes_[i]);
    if (!inSources_[i].isEmpty()) line += " &larr; " + inSources_[i].toHtmlEscaped();
    else if (!node_.inputs[i].constant.empty()) line += tr(" (constant)");
    if (int(i) == diagnosticInput_) line = "<span style='color:#c62828'>" + line + "</span>";
    lines << line;
  }
  for (size_t p = 0; p < outTypes_.size(); ++p) {
    const QString pname = p < spec_->outputs.size() ? QString::fromStdString(spec_->outputs[p].name) : QString::number(p);
    lines << "◂ " + pname.toHtmlEscaped() + "&nbsp;&nbsp;" +
                 (outTypes_[p] ? QString::fromStdString(outTypes_[p]->toString()).toHtmlEscaped() : tr("<i>unknown</i>"));
  }
  typesLabel_->setText(lines.isEmpty() ? tr("<i>no ports</i>") : lines.join("<br>"));
  diagLabel_->setText(diagnostic_);
  diagLabel_->setVisible(!diagnostic_.isEmpty());

  for (auto& e : attrEditors_) {
    const bool isSet = node_.attrs.count(e->name) != 0;
    e->load(currentValue(e->name));
    styleAsDefault(e->editor, !isSet);
    e->reset->setVisible(isSet);
  }
  for (auto& r : paramRows_) refreshParamRow(*r);
  if (dataMode_) refreshInputData();
}

}  // namespace ncui
