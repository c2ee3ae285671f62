// InspectorWidget, the data of a graph input: where previews take it from when nothing is fed
// (random normals with the node's seed, a constant fill of the declared shape, or an image).
#include <QComboBox>
#include <QDoubleSpinBox>
#include <QFormLayout>
#include <QHBoxLayout>
#include <QLabel>
#include <QPushButton>
#include <QVBoxLayout>
#include <cfloat>
#include <cmath>

#include "core/base/error.h"
#include "core/tensor/init.h"
#include "ui/inspector_fields.h"
#include "ui/inspector_widget.h"

namespace ncui {

using fields::errorLabel;
using fields::monoFont;
using fields::ScientificSpinBox;
using fields::sectionTitle;
using fields::tensorSummary;

void InspectorWidget::addInputDataSection(QVBoxLayout* box) {
  box->addWidget(sectionTitle(tr("Preview data"), content_));
  auto* form = fields::formLayout();

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
  useRandom->setToolTip(
      tr("Drop the stored value; previews use standard normals with the seed above"));
  connect(useRandom, &QPushButton::clicked, this,
          [this, id] { Q_EMIT attributeCleared(id, "value"); });
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
    const nc::Shape shape = sv && std::holds_alternative<std::vector<int64_t>>(*sv)
                                ? std::get<std::vector<int64_t>>(*sv)
                                : nc::Shape{};
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
        for (int64_t i = 0; i < t.numel(); ++i)
          t.i64()[i] = int64_t(std::llround(constValue_->value()));
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
  loadImage->setToolTip(
      tr("Use a picture, resized and centre-cropped to the input's height and width"));
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

void InspectorWidget::refreshInputData() {
  auto it = node_.attrs.find("value");
  const bool hasValue = it != node_.attrs.end() && std::holds_alternative<nc::Tensor>(it->second);
  if (hasValue) {
    dataSummary_->setText(tr("stored value: ") + tensorSummary(std::get<nc::Tensor>(it->second)));
  } else {
    const nc::AttrValue* seed = currentValue("seed");
    dataSummary_->setText(
        tr("random normal, seed %1")
            .arg(seed && std::holds_alternative<int64_t>(*seed) ? std::get<int64_t>(*seed) : 0));
  }
  const int mode = dataMode_->currentIndex();
  for (QWidget* w : randomWidgets_) w->setVisible(mode == 0);
  for (QWidget* w : constWidgets_) w->setVisible(mode == 1);
  for (QWidget* w : imageWidgets_) w->setVisible(mode == 2);
  for (QWidget* w : randomWidgets_) w->setEnabled(hasValue);
}

}  // namespace ncui
