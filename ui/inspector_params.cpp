// InspectorWidget, the parameter ports (Conv W/B, BatchNorm statistics, ...): the current
// tensor's summary and a form that initialises a new one (scheme, seed, value, shape; shapes and
// default schemes from core/graph/param_init) or loads it from a .npy file.
#include <QComboBox>
#include <QDoubleSpinBox>
#include <QFormLayout>
#include <QGroupBox>
#include <QHBoxLayout>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QSpinBox>
#include <QVBoxLayout>
#include <cfloat>
#include <climits>

#include "core/base/error.h"
#include "core/graph/param_init.h"
#include "core/tensor/init.h"
#include "ui/inspector_fields.h"
#include "ui/inspector_widget.h"
#include "ui/text_parsers.h"

namespace ncui {

using fields::errorLabel;
using fields::hasFocusWithin;
using fields::monoFont;
using fields::ScientificSpinBox;
using fields::setError;
using fields::tensorSummary;

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
  auto* form = fields::formLayout(r->initBox);
  form->setContentsMargins(0, 0, 0, 0);

  const std::optional<nc::Shape> suggested = nc::suggestParamShape(*spec_, node_, port, inTypes_);
  addSchemeFields(r, form, key, suggested);
  addShapeFields(r, form, key, suggested);

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
  connect(r->npy, &QPushButton::clicked, this,
          [this, id, port] { Q_EMIT loadNpyRequested(id, port); });
  connect(r->scheme, &QComboBox::currentIndexChanged, this, [this, r] { refreshParamRow(*r); });
  paramRows_.push_back(std::move(row));
}

// The initialiser (the port's default selected), its seed and its constant value.
void InspectorWidget::addSchemeFields(ParamRow* r, QFormLayout* form, const QString& key,
                                      const std::optional<nc::Shape>& suggested) {
  r->scheme = new QComboBox(r->initBox);
  r->scheme->setObjectName(key + "scheme");
  using nc::InitScheme;
  for (InitScheme s : {InitScheme::KaimingNormal, InitScheme::XavierUniform, InitScheme::Constant,
                       InitScheme::Zeros, InitScheme::Ones})
    r->scheme->addItem(tr(nc::initSchemeName(s)), int(s));
  r->scheme->setToolTip(
      tr("Kaiming normal: N(0, 2/fan_in). Xavier uniform: U(±sqrt(6/(fan_in+fan_out))). "
         "Fans as in torch.nn.init."));
  // A sensible default per port: weights random, biases and means zero, scales and variances one.
  const InitScheme def = nc::defaultInitScheme(*spec_, r->port, suggested);
  r->scheme->setCurrentIndex(r->scheme->findData(int(def)));
  form->addRow(tr("Initialise"), r->scheme);

  r->seed = new QSpinBox(r->initBox);
  r->seed->setObjectName(key + "seed");
  r->seed->setRange(0, INT_MAX);
  r->seed->setValue(int(nc::defaultInitSeed(id_, r->port)));
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
}

// The shape of the tensor to create (suggested from the op and its input type) and, for a
// Conv-like W, the output channels that set it.
void InspectorWidget::addShapeFields(ParamRow* r, QFormLayout* form, const QString& key,
                                     const std::optional<nc::Shape>& suggested) {
  if (nc::isConvLike(spec_->type) && spec_->inputs[size_t(r->port)].name == "W") {
    r->outChannels = new QSpinBox(r->initBox);
    r->outChannels->setObjectName(key + "outChannels");
    r->outChannels->setRange(1, 1 << 20);
    r->outChannels->setFont(monoFont());
    r->outChannels->setToolTip(
        tr("Output channels: sets W to [outC, inC/group, kH, kW] from the input type and "
           "kernel_shape"));
    int64_t outC = nc::currentOutChannels(*spec_, node_);
    if (outC <= 0 && suggested && !suggested->empty())
      outC = (*suggested)[spec_->type == "Conv" ? 0 : 1];
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
  r->shape->setToolTip(
      tr("Shape of the tensor to create; suggested from the op and its input type"));
  form->addRow(tr("Shape"), r->shape);
  connect(r->shape, &QLineEdit::textEdited, this, [r](const QString& text) {
    r->shapeEditedByUser = true;
    QString err;
    parseIntList(text, &err, 0, 1e12);
    setError(r->error, r->shape, err);
  });
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
    r.summary->setText(optional ? tr("unset (optional)")
                                : tr("unset: initialise it or connect a value"));
    r.summary->setStyleSheet(optional ? QString() : QStringLiteral("color: #c62828;"));
  }
  r.initBox->setVisible(!b.source);
  const auto scheme = nc::InitScheme(r.scheme->currentData().toInt());
  r.seed->setEnabled(nc::isRandomScheme(scheme));
  r.value->setVisible(scheme == nc::InitScheme::Constant);
  r.valueLabel->setVisible(scheme == nc::InitScheme::Constant);
  updateParamShape(r);
}

void InspectorWidget::updateParamShape(ParamRow& r) {
  if (r.shapeEditedByUser || hasFocusWithin(r.shape)) return;
  const int64_t outC = r.outChannels ? r.outChannels->value() : 0;
  std::optional<nc::Shape> s = nc::suggestParamShape(*spec_, node_, r.port, inTypes_, outC);
  // Conv B follows W's output channels when the field belongs to the W row.
  const QString text = s ? intsText(*s) : QString();
  if (r.shape->text() != text) r.shape->setText(text);
  setError(r.error, r.shape, {});
}

void InspectorWidget::initialiseParam(ParamRow& r) {
  QString err;
  std::optional<std::vector<int64_t>> shape = parseIntList(r.shape->text(), &err, 0, 1e12);
  if (shape && r.shape->text().trimmed().isEmpty())
    err = tr("give a shape (the input type is not known yet)");
  if (!err.isEmpty() || !shape) {
    setError(r.error, r.shape, err);
    return;
  }
  nc::Tensor t;
  try {
    t = nc::initialise(nc::InitScheme(r.scheme->currentData().toInt()), *shape,
                       uint64_t(r.seed->value()), float(r.value->value()));
  } catch (const nc::Error& e) {
    setError(r.error, r.shape, QString::fromStdString(e.what()));
    return;
  }
  setError(r.error, r.shape, {});
  r.shapeEditedByUser = false;
  Q_EMIT constantEdited(id_, r.port, t);
}

}  // namespace ncui
