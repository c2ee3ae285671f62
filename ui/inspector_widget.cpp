#include "ui/inspector_widget.h"

#include <QApplication>
#include <QComboBox>
#include <QDoubleSpinBox>
#include <QFontDatabase>
#include <QFormLayout>
#include <QFrame>
#include <QGroupBox>
#include <QHBoxLayout>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QRegularExpression>
#include <QScrollBar>
#include <QScrollArea>
#include <QSpinBox>
#include <QStyle>
#include <QToolButton>
#include <QVBoxLayout>
#include <cfloat>
#include <climits>
#include <cmath>

#include "core/tensor/init.h"
#include "core/ops/registry.h"
#include "ui/tensor_view.h"

namespace ncui {

// ---------------------------------------------------------------------------------------------
// Qt-free helpers

const char* initSchemeName(InitScheme s) {
  switch (s) {
    case InitScheme::KaimingNormal: return "Kaiming normal";
    case InitScheme::XavierUniform: return "Xavier uniform";
    case InitScheme::Constant: return "Constant";
    case InitScheme::Zeros: return "Zeros";
    case InitScheme::Ones: return "Ones";
  }
  return "?";
}

nc::Tensor initialise(InitScheme s, const nc::Shape& shape, uint64_t seed, float value) {
  switch (s) {
    case InitScheme::KaimingNormal: return nc::kaimingNormal(shape, seed);
    case InitScheme::XavierUniform: return nc::xavierUniform(shape, seed);
    case InitScheme::Constant: return nc::constantTensor(shape, value);
    case InitScheme::Zeros: return nc::constantTensor(shape, 0.0f);
    case InitScheme::Ones: return nc::constantTensor(shape, 1.0f);
  }
  return {};
}

namespace {

bool isConvLike(const std::string& op) { return op == "Conv" || op == "ConvTranspose"; }
bool isPerChannelNorm(const std::string& op) {
  return op == "BatchNormalization" || op == "InstanceNormalization";
}

const nc::AttrValue* attrOrDefault(const nc::OpSpec& spec, const nc::Node& node, const std::string& name) {
  if (auto it = node.attrs.find(name); it != node.attrs.end()) return &it->second;
  const nc::AttrSpec* a = spec.findAttr(name);
  return a && a->defaultValue ? &*a->defaultValue : nullptr;
}

int64_t intAttr(const nc::OpSpec& spec, const nc::Node& node, const std::string& name, int64_t fallback) {
  const nc::AttrValue* v = attrOrDefault(spec, node, name);
  return v && std::holds_alternative<int64_t>(*v) ? std::get<int64_t>(*v) : fallback;
}

int portIndex(const nc::OpSpec& spec, const std::string& name) {
  for (size_t i = 0; i < spec.inputs.size(); ++i)
    if (spec.inputs[i].name == name) return int(i);
  return -1;
}

const nc::Tensor* constantOf(const nc::Node& node, int port) {
  if (port < 0 || port >= int(node.inputs.size())) return nullptr;
  const auto& b = node.inputs[size_t(port)];
  return !b.source && !b.constant.empty() ? &b.constant : nullptr;
}

}  // namespace

int64_t currentOutChannels(const nc::OpSpec& spec, const nc::Node& node,
                           const std::vector<std::optional<nc::TensorType>>&) {
  if (!isConvLike(spec.type)) return 0;
  const nc::Tensor* w = constantOf(node, portIndex(spec, "W"));
  if (!w || w->rank() < 2) return 0;
  return spec.type == "Conv" ? w->dim(0) : w->dim(1) * std::max<int64_t>(1, intAttr(spec, node, "group", 1));
}

std::optional<nc::Shape> suggestParamShape(const nc::OpSpec& spec, const nc::Node& node, int port,
                                           const std::vector<std::optional<nc::TensorType>>& inputTypes,
                                           int64_t outChannels) {
  if (port < 0 || port >= int(spec.inputs.size())) return std::nullopt;
  const std::string& pname = spec.inputs[size_t(port)].name;
  const nc::Tensor* existing = constantOf(node, port);
  const std::optional<nc::TensorType> x = inputTypes.empty() ? std::nullopt : inputTypes[0];
  auto xdim = [&](size_t i) -> int64_t { return x && x->rankKnown && i < x->dims.size() ? x->dims[i] : -1; };
  auto keep = [&]() -> std::optional<nc::Shape> {
    if (existing) return existing->shape();
    return std::nullopt;
  };

  if (isConvLike(spec.type) && (pname == "W" || pname == "B")) {
    const int64_t group = std::max<int64_t>(1, intAttr(spec, node, "group", 1));
    const int64_t inC = xdim(1);
    int64_t outC = outChannels > 0 ? outChannels : currentOutChannels(spec, node, inputTypes);
    if (outC <= 0) outC = inC > 0 ? inC : 16;
    if (pname == "B") return nc::Shape{outC};
    if (inC < 0) return keep();
    std::vector<int64_t> kernel;
    if (auto it = node.attrs.find("kernel_shape"); it != node.attrs.end() && std::holds_alternative<std::vector<int64_t>>(it->second))
      kernel = std::get<std::vector<int64_t>>(it->second);
    else
      kernel.assign(x && x->rankKnown && x->dims.size() > 2 ? x->dims.size() - 2 : 2, 3);
    nc::Shape s = spec.type == "Conv" ? nc::Shape{outC, inC / group} : nc::Shape{inC, outC / group};
    s.insert(s.end(), kernel.begin(), kernel.end());
    return s;
  }
  if (isPerChannelNorm(spec.type) && port > 0) {
    const int64_t c = xdim(1);
    if (c >= 0) return nc::Shape{c};
  }
  return keep();
}

std::optional<std::vector<int64_t>> parseIntList(const QString& text, QString* error, double lo, double hi) {
  QString t = text.trimmed();
  if (t.startsWith('[') || t.startsWith('(')) t = t.mid(1);
  if (t.endsWith(']') || t.endsWith(')')) t.chop(1);
  std::vector<int64_t> out;
  const QStringList parts = t.split(QRegularExpression("[,\\s]+"), Qt::SkipEmptyParts);
  if (t.trimmed().endsWith(',')) {
    if (error) *error = QObject::tr("missing value after the last comma");
    return std::nullopt;
  }
  for (const QString& p : parts) {
    bool ok = false;
    const qlonglong v = p.toLongLong(&ok);
    if (!ok) {
      if (error) *error = QObject::tr("'%1' is not an integer").arg(p);
      return std::nullopt;
    }
    if (double(v) < lo || double(v) > hi) {
      if (error)
        *error = std::isinf(hi) || hi > 1e18 ? QObject::tr("%1 is below the minimum %2").arg(v).arg(lo)
                                             : QObject::tr("%1 is outside [%2, %3]").arg(v).arg(lo).arg(hi);
      return std::nullopt;
    }
    out.push_back(v);
  }
  return out;
}

std::optional<std::vector<float>> parseFloatList(const QString& text, QString* error) {
  QString t = text.trimmed();
  if (t.startsWith('[') || t.startsWith('(')) t = t.mid(1);
  if (t.endsWith(']') || t.endsWith(')')) t.chop(1);
  if (t.trimmed().endsWith(',')) {
    if (error) *error = QObject::tr("missing value after the last comma");
    return std::nullopt;
  }
  std::vector<float> out;
  for (const QString& p : t.split(QRegularExpression("[,\\s]+"), Qt::SkipEmptyParts)) {
    bool ok = false;
    const double v = p.toDouble(&ok);
    if (!ok || !std::isfinite(v)) {
      if (error) *error = QObject::tr("'%1' is not a number").arg(p);
      return std::nullopt;
    }
    out.push_back(float(v));
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// Widgets

namespace {

QFont monoFont() { return QFontDatabase::systemFont(QFontDatabase::FixedFont); }

QString formatFloat(double v) { return QString::number(v, 'g', 7); }

QString intsText(const std::vector<int64_t>& v) {
  QStringList s;
  for (int64_t x : v) s << QString::number(x);
  return s.join(", ");
}
QString floatsText(const std::vector<float>& v) {
  QStringList s;
  for (float x : v) s << formatFloat(x);
  return s.join(", ");
}

QString tensorSummary(const nc::Tensor& t) {
  if (t.empty()) return QObject::tr("(none)");
  QString s = QString("%1%2").arg(nc::dtypeName(t.dtype()), QString::fromStdString(nc::shapeToString(t.shape())));
  if (t.numel() == 0) return s;
  const TensorStats st = TensorStats::compute(t, 1);
  s += QString("\nmin %1  max %2\nmean %3  std %4")
           .arg(TensorView::formatValue(st.min), TensorView::formatValue(st.max), TensorView::formatValue(st.mean),
                TensorView::formatValue(st.std));
  if (st.nan || st.inf) s += QString("\nNaN %1  Inf %2").arg(st.nan).arg(st.inf);
  return s;
}

bool hasFocusWithin(QWidget* w) {
  QWidget* f = QApplication::focusWidget();
  return f && (f == w || w->isAncestorOf(f));
}

// Greyed italic when showing a default, normal when set.
void styleAsDefault(QWidget* w, bool isDefault) {
  QFont f = monoFont();
  f.setItalic(isDefault);
  w->setFont(f);
  QPalette p = w->parentWidget() ? w->parentWidget()->palette() : QApplication::palette();
  if (isDefault) {
    p.setColor(QPalette::Text, p.color(QPalette::PlaceholderText));
    p.setColor(QPalette::ButtonText, p.color(QPalette::PlaceholderText));
    p.setColor(QPalette::WindowText, p.color(QPalette::PlaceholderText));
  }
  w->setPalette(p);
}

void setError(QLabel* l, QWidget* field, const QString& msg) {
  l->setText(msg);
  l->setVisible(!msg.isEmpty());
  field->setProperty("invalid", !msg.isEmpty());
  field->setStyleSheet(msg.isEmpty() ? QString() : QStringLiteral("border: 1px solid #c62828;"));
}

// A double spin box that reads and writes scientific notation ("1e-05") and steps by about a
// tenth of the value's magnitude, so epsilon-like values are comfortable to edit.
class ScientificSpinBox : public QDoubleSpinBox {
 public:
  explicit ScientificSpinBox(QWidget* parent) : QDoubleSpinBox(parent) {
    setLocale(QLocale::c());
    setDecimals(40);  // no rounding of small values
    setKeyboardTracking(true);
    setAccelerated(true);
  }
  QString textFromValue(double v) const override { return formatFloat(v); }
  double valueFromText(const QString& text) const override { return text.trimmed().toDouble(); }
  QValidator::State validate(QString& text, int&) const override {
    const QString t = text.trimmed();
    if (t.isEmpty()) return QValidator::Intermediate;
    bool ok = false;
    const double v = t.toDouble(&ok);
    if (!ok) {
      static const QRegularExpression partial("^[+-]?(\\d+\\.?\\d*|\\.\\d*)?([eE][+-]?)?$");
      return partial.match(t).hasMatch() ? QValidator::Intermediate : QValidator::Invalid;
    }
    return v >= minimum() && v <= maximum() ? QValidator::Acceptable : QValidator::Intermediate;
  }
  void fixup(QString&) const override {}
  void stepBy(int steps) override {
    const double v = value();
    const double mag = v == 0 ? 0.1 : std::pow(10.0, std::floor(std::log10(std::fabs(v))) - 1);
    setValue(std::clamp(v + steps * mag, minimum(), maximum()));
    selectAll();
  }
};

double clampForSpin(double v, double lim) { return std::isfinite(v) ? std::clamp(v, -lim, lim) : (v < 0 ? -lim : lim); }

QLabel* sectionTitle(const QString& text, QWidget* parent) {
  auto* l = new QLabel(text, parent);
  QFont f = l->font();
  f.setBold(true);
  l->setFont(f);
  l->setContentsMargins(0, 6, 0, 0);
  return l;
}

QLabel* errorLabel(QWidget* parent, const QString& name) {
  auto* l = new QLabel(parent);
  l->setObjectName(name);
  l->setWordWrap(true);
  l->setStyleSheet("color: #c62828;");
  l->hide();
  return l;
}

}  // namespace

// Per-attribute editor: the widget, its reset button, its inline error and how to refresh it.
struct InspectorWidget::AttrEditor {
  std::string name;
  QWidget* editor = nullptr;
  QToolButton* reset = nullptr;
  QLabel* error = nullptr;
  std::function<void(const nc::AttrValue*)> load;  // show a value (set or default)
};

struct InspectorWidget::ParamRow {
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
  return spec_ ? attrOrDefault(*spec_, node_, name) : nullptr;
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

  // Header: name, op, doc.
  auto* head = new QFormLayout;
  head->setFieldGrowthPolicy(QFormLayout::AllNonFixedFieldsGrow);
  head->setLabelAlignment(Qt::AlignRight | Qt::AlignVCenter);
  head->setHorizontalSpacing(8);
  head->setVerticalSpacing(4);
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

  // Attributes (Input's `value` is handled by the data section).
  const bool isInput = spec_->type == "Input";
  std::vector<const nc::AttrSpec*> attrs;
  for (const auto& a : spec_->attrs)
    if (!(isInput && a.name == "value") && !a.internal) attrs.push_back(&a);
  if (!attrs.empty()) {
    box->addWidget(sectionTitle(tr("Attributes"), content_));
    auto* form = new QFormLayout;
    form->setFieldGrowthPolicy(QFormLayout::AllNonFixedFieldsGrow);
    form->setLabelAlignment(Qt::AlignRight | Qt::AlignVCenter);
    form->setHorizontalSpacing(8);
    form->setVerticalSpacing(4);
    for (const nc::AttrSpec* a : attrs) addAttrEditor(form, *a);
    box->addLayout(form);
  }

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

void InspectorWidget::addAttrEditor(QFormLayout* form, const nc::AttrSpec& a) {
  auto ed = std::make_unique<AttrEditor>();
  ed->name = a.name;
  const QString qname = QString::fromStdString(a.name);
  const bool inputShape = spec_->type == "Input" && a.name == "shape";

  QString tip = "<b>" + qname.toHtmlEscaped() + "</b> (" + nc::attrTypeName(a.type) + ")";
  if (!a.doc.empty()) tip += "<br>" + QString::fromStdString(a.doc).toHtmlEscaped();
  if (std::isfinite(a.min) || std::isfinite(a.max))
    tip += QString("<br>range [%1, %2]").arg(std::isfinite(a.min) ? formatFloat(a.min) : "-inf",
                                               std::isfinite(a.max) ? formatFloat(a.max) : "inf");
  if (a.defaultValue) tip += "<br>default " + QString::fromStdString(nc::attrToString(*a.defaultValue)).toHtmlEscaped();
  else if (a.required) tip += "<br><i>required</i>";
  if (inputShape) tip += "<br>-1 marks a dynamic dimension";

  QWidget* row = new QWidget(content_);
  auto* rowLayout = new QHBoxLayout(row);
  rowLayout->setContentsMargins(0, 0, 0, 0);
  rowLayout->setSpacing(4);
  const nc::NodeId id = id_;
  AttrEditor* e = ed.get();
  const QString name = qname;

  switch (a.type) {
    case nc::AttrType::Int:
      if (a.defaultValue) {
        auto* spin = new QSpinBox(row);
        spin->setRange(int(clampForSpin(a.min, INT_MAX)), int(clampForSpin(a.max, INT_MAX)));
        spin->setKeyboardTracking(true);
        spin->setAccelerated(true);
        connect(spin, &QSpinBox::valueChanged, this,
                [this, id, name](int v) { Q_EMIT attributeEdited(id, name, nc::AttrValue(int64_t(v))); });
        e->load = [spin](const nc::AttrValue* v) {
          const int x = v && std::holds_alternative<int64_t>(*v) ? int(std::get<int64_t>(*v)) : 0;
          if (spin->value() != x && !hasFocusWithin(spin)) {
            QSignalBlocker b(spin);
            spin->setValue(x);
          }
        };
        e->editor = spin;
        break;
      }
      [[fallthrough]];  // no default: an optional single value in a line edit
    case nc::AttrType::Ints: {
      const bool single = a.type == nc::AttrType::Int;
      const double lo = inputShape ? -1 : a.min, hi = a.max;
      auto parse = [single, lo, hi](const QString& text, QString* err) -> std::optional<nc::AttrValue> {
        auto v = parseIntList(text, err, lo, hi);
        if (!v) return std::nullopt;
        if (single) {
          if (v->size() != 1) {
            *err = QObject::tr("expected one integer");
            return std::nullopt;
          }
          return nc::AttrValue((*v)[0]);
        }
        return nc::AttrValue(*v);
      };
      e->editor = listAttrEditor(row, e, name, a.required, parse, [](const nc::AttrValue& v) {
        if (auto* i = std::get_if<int64_t>(&v)) return QString::number(*i);
        if (auto* is = std::get_if<std::vector<int64_t>>(&v)) return intsText(*is);
        return QString();
      });
      break;
    }
    case nc::AttrType::Float:
      if (a.defaultValue) {
        auto* spin = new ScientificSpinBox(row);
        spin->setRange(clampForSpin(a.min, FLT_MAX), clampForSpin(a.max, FLT_MAX));
        connect(spin, &QDoubleSpinBox::valueChanged, this,
                [this, id, name](double v) { Q_EMIT attributeEdited(id, name, nc::AttrValue(float(v))); });
        e->load = [spin](const nc::AttrValue* v) {
          const double x = v && std::holds_alternative<float>(*v) ? double(std::get<float>(*v)) : 0.0;
          if (float(spin->value()) != float(x) && !hasFocusWithin(spin)) {
            QSignalBlocker b(spin);
            spin->setValue(x);
          }
        };
        e->editor = spin;
        break;
      }
      [[fallthrough]];
    case nc::AttrType::Floats: {
      const bool single = a.type == nc::AttrType::Float;
      const double lo = a.min, hi = a.max;
      auto parse = [single, lo, hi](const QString& text, QString* err) -> std::optional<nc::AttrValue> {
        auto v = parseFloatList(text, err);
        if (!v) return std::nullopt;
        for (float x : *v)
          if (x < lo || x > hi) {
            *err = QObject::tr("%1 is outside [%2, %3]").arg(formatFloat(x), formatFloat(lo), formatFloat(hi));
            return std::nullopt;
          }
        if (single) {
          if (v->size() != 1) {
            *err = QObject::tr("expected one number");
            return std::nullopt;
          }
          return nc::AttrValue((*v)[0]);
        }
        return nc::AttrValue(*v);
      };
      e->editor = listAttrEditor(row, e, name, a.required, parse, [](const nc::AttrValue& v) {
        if (auto* f = std::get_if<float>(&v)) return formatFloat(*f);
        if (auto* fs = std::get_if<std::vector<float>>(&v)) return floatsText(*fs);
        return QString();
      });
      break;
    }
    case nc::AttrType::String:
      if (!a.choices.empty()) {
        auto* combo = new QComboBox(row);
        if (!a.defaultValue) combo->addItem(tr("(unset)"), QString());
        for (const auto& c : a.choices) combo->addItem(QString::fromStdString(c), QString::fromStdString(c));
        connect(combo, &QComboBox::currentIndexChanged, this, [this, id, name, combo](int) {
          const QString v = combo->currentData().toString();
          if (v.isEmpty()) Q_EMIT attributeCleared(id, name);
          else Q_EMIT attributeEdited(id, name, nc::AttrValue(v.toStdString()));
        });
        e->load = [combo](const nc::AttrValue* v) {
          const QString s = v && std::holds_alternative<std::string>(*v) ? QString::fromStdString(std::get<std::string>(*v)) : QString();
          const int i = combo->findData(s);
          if (i >= 0 && i != combo->currentIndex()) {
            QSignalBlocker b(combo);
            combo->setCurrentIndex(i);
          }
        };
        e->editor = combo;
      } else {
        auto* line = new QLineEdit(row);
        line->setPlaceholderText(a.required ? tr("required") : tr("unset"));
        connect(line, &QLineEdit::editingFinished, this, [this, id, name, line] {
          const std::string v = line->text().toStdString();
          auto it = node_.attrs.find(name.toStdString());
          if (it != node_.attrs.end() && nc::attrEquals(it->second, nc::AttrValue(v))) return;
          if (it == node_.attrs.end() && v.empty()) return;
          Q_EMIT attributeEdited(id, name, nc::AttrValue(v));
        });
        e->load = [line](const nc::AttrValue* v) {
          if (hasFocusWithin(line)) return;
          line->setText(v && std::holds_alternative<std::string>(*v) ? QString::fromStdString(std::get<std::string>(*v)) : QString());
        };
        e->editor = line;
      }
      break;
    case nc::AttrType::Tensor: {
      auto* label = new QLabel(row);
      label->setTextInteractionFlags(Qt::TextSelectableByMouse);
      e->load = [label](const nc::AttrValue* v) {
        label->setText(v && std::holds_alternative<nc::Tensor>(*v) ? tensorSummary(std::get<nc::Tensor>(*v)) : tr("(unset)"));
      };
      e->editor = label;
      break;
    }
  }
  e->editor->setObjectName("attr_" + qname);
  e->editor->setToolTip("<qt>" + tip + "</qt>");
  e->editor->setSizePolicy(QSizePolicy::Expanding, QSizePolicy::Fixed);
  rowLayout->addWidget(e->editor, 1);

  e->reset = new QToolButton(row);
  e->reset->setObjectName("reset_" + qname);
  e->reset->setIcon(style()->standardIcon(QStyle::SP_DialogResetButton));
  e->reset->setAutoRaise(true);
  QSizePolicy keep = e->reset->sizePolicy();
  keep.setRetainSizeWhenHidden(true);  // editors line up whether or not an attribute is set
  e->reset->setSizePolicy(keep);
  e->reset->setToolTip(a.defaultValue ? tr("Reset to the default (%1)").arg(QString::fromStdString(nc::attrToString(*a.defaultValue)))
                                      : tr("Unset"));
  connect(e->reset, &QToolButton::clicked, this, [this, id, name] { Q_EMIT attributeCleared(id, name); });
  rowLayout->addWidget(e->reset);

  auto* cell = new QWidget(content_);
  auto* cellLayout = new QVBoxLayout(cell);
  cellLayout->setContentsMargins(0, 0, 0, 0);
  cellLayout->setSpacing(1);
  cellLayout->addWidget(row);
  e->error = errorLabel(cell, "error_" + qname);
  cellLayout->addWidget(e->error);

  auto* label = new QLabel(qname, content_);
  label->setToolTip(e->editor->toolTip());
  form->addRow(label, cell);
  attrEditors_.push_back(std::move(ed));
}

QWidget* InspectorWidget::listAttrEditor(
    QWidget* row, AttrEditor* e, const QString& name, bool required,
    std::function<std::optional<nc::AttrValue>(const QString&, QString*)> parse,
    std::function<QString(const nc::AttrValue&)> format) {
  auto* line = new QLineEdit(row);
  line->setPlaceholderText(required ? tr("required") : tr("unset"));
  const nc::NodeId id = id_;
  connect(line, &QLineEdit::textEdited, this, [e, line, parse](const QString& text) {
    QString err;
    if (!text.trimmed().isEmpty()) parse(text, &err);
    setError(e->error, line, err);
  });
  connect(line, &QLineEdit::editingFinished, this, [this, id, name, e, line, parse] {
    const QString text = line->text();
    if (text.trimmed().isEmpty()) {
      setError(e->error, line, {});
      if (node_.attrs.count(name.toStdString())) Q_EMIT attributeCleared(id, name);
      else e->load(currentValue(name.toStdString()));
      return;
    }
    QString err;
    std::optional<nc::AttrValue> v = parse(text, &err);
    setError(e->error, line, err);
    if (!v) return;  // invalid: shown inline, nothing emitted
    auto it = node_.attrs.find(name.toStdString());
    if (it != node_.attrs.end() && nc::attrEquals(it->second, *v)) return;
    Q_EMIT attributeEdited(id, name, *v);
  });
  e->load = [line, e, format](const nc::AttrValue* v) {
    if (hasFocusWithin(line) || line->property("invalid").toBool()) return;
    const QString text = v ? format(*v) : QString();
    if (line->text() != text) line->setText(text);
    setError(e->error, line, {});
  };
  return line;
}

void InspectorWidget::addInputDataSection(QVBoxLayout* box) {
  box->addWidget(sectionTitle(tr("Preview data"), content_));
  auto* form = new QFormLayout;
  form->setFieldGrowthPolicy(QFormLayout::AllNonFixedFieldsGrow);
  form->setLabelAlignment(Qt::AlignRight | Qt::AlignVCenter);
  form->setHorizontalSpacing(8);
  form->setVerticalSpacing(4);

  dataSummary_ = new QLabel(content_);
  dataSummary_->setObjectName("input_dataSummary");
  dataSummary_->setFont(monoFont());
  dataSummary_->setTextInteractionFlags(Qt::TextSelectableByMouse);
  form->addRow(tr("Current"), dataSummary_);

  dataMode_ = new QComboBox(content_);
  dataMode_->setObjectName("input_dataMode");
  dataMode_->addItem(tr("Random normal (seed)"));
  dataMode_->addItem(tr("Constant"));
  dataMode_->addItem(tr("Image"));
  dataMode_->setToolTip(tr("Where the data for previews comes from when nothing is fed"));
  form->addRow(tr("Source"), dataMode_);

  const nc::NodeId id = id_;
  auto* useRandom = new QPushButton(tr("Use random data"), content_);
  useRandom->setObjectName("input_useRandom");
  useRandom->setToolTip(tr("Drop the stored value; previews use standard normals with the seed above"));
  connect(useRandom, &QPushButton::clicked, this, [this, id] { Q_EMIT attributeCleared(id, "value"); });
  form->addRow(QString(), useRandom);
  randomWidgets_ = {useRandom};

  constValue_ = new ScientificSpinBox(content_);
  constValue_->setObjectName("input_constValue");
  constValue_->setRange(-FLT_MAX, FLT_MAX);
  constValue_->setValue(1.0);
  constValue_->setFont(monoFont());
  auto* fill = new QPushButton(tr("Fill"), content_);
  fill->setObjectName("input_fillConst");
  fill->setToolTip(tr("Store a tensor of the declared shape filled with this value"));
  auto* constRow = new QWidget(content_);
  auto* constLayout = new QHBoxLayout(constRow);
  constLayout->setContentsMargins(0, 0, 0, 0);
  constLayout->addWidget(constValue_, 1);
  constLayout->addWidget(fill);
  auto* constLabel = new QLabel(tr("Value"), content_);
  form->addRow(constLabel, constRow);
  constWidgets_ = {constLabel, constRow};
  connect(fill, &QPushButton::clicked, this, [this, id] {
    const nc::AttrValue* sv = currentValue("shape");
    const nc::AttrValue* dv = currentValue("dtype");
    const nc::Shape shape = sv && std::holds_alternative<std::vector<int64_t>>(*sv) ? std::get<std::vector<int64_t>>(*sv) : nc::Shape{};
    for (int64_t d : shape)
      if (d < 0) {
        dataError_->setText(tr("The shape %1 has a dynamic (-1) dimension; fix it first")
                                .arg(QString::fromStdString(nc::shapeToString(shape))));
        dataError_->show();
        return;
      }
    dataError_->hide();
    nc::Tensor t;
    try {
      if (dv && std::holds_alternative<std::string>(*dv) && std::get<std::string>(*dv) == "int64") {
        t = nc::Tensor(nc::DType::Int64, shape);
        for (int64_t i = 0; i < t.numel(); ++i) t.i64()[i] = int64_t(std::llround(constValue_->value()));
      } else {
        t = nc::constantTensor(shape, float(constValue_->value()));
      }
    } catch (const nc::Error& e) {
      dataError_->setText(QString::fromStdString(e.what()));
      dataError_->show();
      return;
    }
    Q_EMIT attributeEdited(id, "value", nc::AttrValue(t));
  });

  auto* loadImage = new QPushButton(tr("Load image…"), content_);
  loadImage->setObjectName("input_loadImage");
  loadImage->setToolTip(tr("Use a picture, resized and centre-cropped to the input's height and width"));
  connect(loadImage, &QPushButton::clicked, this, [this, id] { Q_EMIT loadImageRequested(id); });
  form->addRow(QString(), loadImage);
  imageWidgets_ = {loadImage};

  dataError_ = errorLabel(content_, "input_dataError");
  box->addLayout(form);
  box->addWidget(dataError_);

  // Start on the mode matching the current data.
  dataMode_->setCurrentIndex(node_.attrs.count("value") ? 1 : 0);
  connect(dataMode_, &QComboBox::currentIndexChanged, this, [this] { refreshInputData(); });
}

void InspectorWidget::addParamRow(QVBoxLayout* box, int port) {
  auto row = std::make_unique<ParamRow>();
  ParamRow* r = row.get();
  r->port = port;
  const nc::PortSpec& ps = spec_->inputs[size_t(port)];
  const QString pname = QString::fromStdString(ps.name);
  const QString key = "param_" + pname + "_";

  auto* group = new QGroupBox(pname + (ps.optional ? tr(" (optional)") : QString()), content_);
  group->setObjectName(key + "group");
  if (!ps.doc.empty()) group->setToolTip(QString::fromStdString(ps.doc));
  auto* v = new QVBoxLayout(group);
  v->setContentsMargins(6, 6, 6, 6);
  v->setSpacing(4);
  r->summary = new QLabel(group);
  r->summary->setObjectName(key + "summary");
  r->summary->setFont(monoFont());
  r->summary->setTextInteractionFlags(Qt::TextSelectableByMouse);
  r->summary->setWordWrap(true);
  v->addWidget(r->summary);

  r->initBox = new QWidget(group);
  auto* form = new QFormLayout(r->initBox);
  form->setContentsMargins(0, 0, 0, 0);
  form->setFieldGrowthPolicy(QFormLayout::AllNonFixedFieldsGrow);
  form->setLabelAlignment(Qt::AlignRight | Qt::AlignVCenter);
  form->setHorizontalSpacing(8);
  form->setVerticalSpacing(4);

  const std::optional<nc::Shape> suggested = suggestParamShape(*spec_, node_, port, inTypes_);
  r->scheme = new QComboBox(r->initBox);
  r->scheme->setObjectName(key + "scheme");
  for (InitScheme s : {InitScheme::KaimingNormal, InitScheme::XavierUniform, InitScheme::Constant, InitScheme::Zeros,
                       InitScheme::Ones})
    r->scheme->addItem(tr(initSchemeName(s)), int(s));
  r->scheme->setToolTip(tr("Kaiming normal: N(0, 2/fan_in). Xavier uniform: U(±sqrt(6/(fan_in+fan_out))). "
                           "Fans as in torch.nn.init."));
  // A sensible default per port: weights random, biases and means zero, scales and variances one.
  const std::string lower = QString::fromStdString(ps.name).toLower().toStdString();
  InitScheme def = InitScheme::Zeros;
  if (lower == "scale" || lower.find("var") != std::string::npos) def = InitScheme::Ones;
  else if (lower == "b" || lower.find("bias") != std::string::npos || lower.find("mean") != std::string::npos) def = InitScheme::Zeros;
  else if (suggested && suggested->size() >= 2) def = InitScheme::KaimingNormal;
  r->scheme->setCurrentIndex(r->scheme->findData(int(def)));
  form->addRow(tr("Initialise"), r->scheme);

  r->seed = new QSpinBox(r->initBox);
  r->seed->setObjectName(key + "seed");
  r->seed->setRange(0, INT_MAX);
  r->seed->setValue(int(id_) * 16 + port);
  r->seed->setFont(monoFont());
  r->seed->setToolTip(tr("Random seed: the same seed gives the same weights"));
  form->addRow(tr("Seed"), r->seed);

  r->value = new ScientificSpinBox(r->initBox);
  r->value->setObjectName(key + "value");
  r->value->setRange(-FLT_MAX, FLT_MAX);
  r->value->setValue(0.0);
  r->value->setFont(monoFont());
  r->valueLabel = new QLabel(tr("Value"), r->initBox);
  form->addRow(r->valueLabel, r->value);

  if (isConvLike(spec_->type) && ps.name == "W") {
    r->outChannels = new QSpinBox(r->initBox);
    r->outChannels->setObjectName(key + "outChannels");
    r->outChannels->setRange(1, 1 << 20);
    r->outChannels->setFont(monoFont());
    r->outChannels->setToolTip(tr("Output channels: sets W to [outC, inC/group, kH, kW] from the input type and kernel_shape"));
    int64_t outC = currentOutChannels(*spec_, node_, inTypes_);
    if (outC <= 0 && suggested && !suggested->empty()) outC = (*suggested)[spec_->type == "Conv" ? 0 : 1];
    r->outChannels->setValue(int(std::max<int64_t>(1, outC > 0 ? outC : 16)));
    form->addRow(tr("Output channels"), r->outChannels);
    connect(r->outChannels, &QSpinBox::valueChanged, this, [this, r] {
      r->shapeEditedByUser = false;
      updateParamShape(*r);
    });
  }

  r->shape = new QLineEdit(r->initBox);
  r->shape->setObjectName(key + "shape");
  r->shape->setFont(monoFont());
  r->shape->setPlaceholderText(tr("e.g. 64, 3, 3, 3"));
  r->shape->setToolTip(tr("Shape of the tensor to create; suggested from the op and its input type"));
  form->addRow(tr("Shape"), r->shape);
  connect(r->shape, &QLineEdit::textEdited, this, [r](const QString& text) {
    r->shapeEditedByUser = true;
    QString err;
    parseIntList(text, &err, 0, 1e12);
    setError(r->error, r->shape, err);
  });

  auto* buttons = new QHBoxLayout;
  buttons->setSpacing(4);
  r->init = new QPushButton(tr("Initialise"), r->initBox);
  r->init->setObjectName(key + "init");
  r->init->setToolTip(tr("Replace %1 with a new tensor of this shape").arg(pname));
  r->npy = new QPushButton(tr("Load .npy…"), r->initBox);
  r->npy->setObjectName(key + "npy");
  r->npy->setToolTip(tr("Load %1 from a NumPy .npy file").arg(pname));
  buttons->addStretch(1);
  buttons->addWidget(r->npy);
  buttons->addWidget(r->init);
  form->addRow(buttons);
  r->error = errorLabel(r->initBox, key + "error");
  form->addRow(r->error);
  v->addWidget(r->initBox);
  box->addWidget(group);

  const nc::NodeId id = id_;
  connect(r->init, &QPushButton::clicked, this, [this, r] { initialiseParam(*r); });
  connect(r->npy, &QPushButton::clicked, this, [this, id, port] { Q_EMIT loadNpyRequested(id, port); });
  connect(r->scheme, &QComboBox::currentIndexChanged, this, [this, r] { refreshParamRow(*r); });
  paramRows_.push_back(std::move(row));
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

void InspectorWidget::refreshParamRow(ParamRow& r) {
  const auto& b = node_.inputs[size_t(r.port)];
  if (b.source) {
    r.summary->setText(tr("connected from %1").arg(inSources_[size_t(r.port)]));
    r.summary->setStyleSheet({});
  } else if (!b.constant.empty()) {
    r.summary->setText(tensorSummary(b.constant));
    r.summary->setStyleSheet({});
  } else {
    const bool optional = spec_->inputs[size_t(r.port)].optional;
    r.summary->setText(optional ? tr("unset (optional)") : tr("unset: initialise it or connect a value"));
    r.summary->setStyleSheet(optional ? QString() : QStringLiteral("color: #c62828;"));
  }
  r.initBox->setVisible(!b.source);
  const auto scheme = InitScheme(r.scheme->currentData().toInt());
  const bool random = scheme == InitScheme::KaimingNormal || scheme == InitScheme::XavierUniform;
  r.seed->setEnabled(random);
  r.value->setVisible(scheme == InitScheme::Constant);
  r.valueLabel->setVisible(scheme == InitScheme::Constant);
  updateParamShape(r);
}

void InspectorWidget::updateParamShape(ParamRow& r) {
  if (r.shapeEditedByUser || hasFocusWithin(r.shape)) return;
  const int64_t outC = r.outChannels ? r.outChannels->value() : 0;
  std::optional<nc::Shape> s = suggestParamShape(*spec_, node_, r.port, inTypes_, outC);
  // Conv B follows W's output channels when the field belongs to the W row.
  const QString text = s ? intsText(*s) : QString();
  if (r.shape->text() != text) r.shape->setText(text);
  setError(r.error, r.shape, {});
}

void InspectorWidget::initialiseParam(ParamRow& r) {
  QString err;
  std::optional<std::vector<int64_t>> shape = parseIntList(r.shape->text(), &err, 0, 1e12);
  if (shape && r.shape->text().trimmed().isEmpty()) err = tr("give a shape (the input type is not known yet)");
  if (!err.isEmpty() || !shape) {
    setError(r.error, r.shape, err);
    return;
  }
  nc::Tensor t;
  try {
    t = initialise(InitScheme(r.scheme->currentData().toInt()), *shape, uint64_t(r.seed->value()), float(r.value->value()));
  } catch (const nc::Error& e) {
    setError(r.error, r.shape, QString::fromStdString(e.what()));
    return;
  }
  setError(r.error, r.shape, {});
  r.shapeEditedByUser = false;
  Q_EMIT constantEdited(id_, r.port, t);
}

void InspectorWidget::refreshInputData() {
  auto it = node_.attrs.find("value");
  const bool hasValue = it != node_.attrs.end() && std::holds_alternative<nc::Tensor>(it->second);
  if (hasValue) {
    dataSummary_->setText(tr("stored value: ") + tensorSummary(std::get<nc::Tensor>(it->second)));
  } else {
    const nc::AttrValue* seed = currentValue("seed");
    dataSummary_->setText(tr("random normal, seed %1")
                              .arg(seed && std::holds_alternative<int64_t>(*seed) ? std::get<int64_t>(*seed) : 0));
  }
  const int mode = dataMode_->currentIndex();
  for (QWidget* w : randomWidgets_) w->setVisible(mode == 0);
  for (QWidget* w : constWidgets_) w->setVisible(mode == 1);
  for (QWidget* w : imageWidgets_) w->setVisible(mode == 2);
  for (QWidget* w : randomWidgets_) w->setEnabled(hasValue);
}

}  // namespace ncui
