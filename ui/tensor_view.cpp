#include "ui/tensor_view.h"

#include <QFontDatabase>
#include <QGridLayout>
#include <QHelpEvent>
#include <QLabel>
#include <QMouseEvent>
#include <QPainter>
#include <QScrollBar>
#include <QStackedWidget>
#include <QToolButton>
#include <QToolTip>
#include <QVBoxLayout>
#include <cmath>
#include <limits>

namespace ncui {

namespace {

constexpr int kCell = 88;      // heatmap area of a grid cell
constexpr int kLabel = 16;     // caption line under it
constexpr int kGap = 8;        // space between cells
constexpr int kPitchX = kCell + kGap;
constexpr int kPitchY = kCell + kLabel + kGap;
constexpr int kMinThickness = 6;  // 1-row planes are drawn at least this tall

QFont monoFont() { return QFontDatabase::systemFont(QFontDatabase::FixedFont); }

// Displayed size of a plane (channelImage caps each side).
QSize planeImageSize(const PlaneView& v) {
  return {int(std::max<int64_t>(1, std::min(v.w, kMaxImageSide))), int(std::max<int64_t>(1, std::min(v.h, kMaxImageSide)))};
}

// The image fitted into `box` with its aspect ratio, centred, never thinner than kMinThickness.
QRect fitRect(QSize img, const QRect& box) {
  QSize s = img.scaled(box.size(), Qt::KeepAspectRatio);
  s.setWidth(std::clamp(s.width(), std::min(kMinThickness, box.width()), box.width()));
  s.setHeight(std::clamp(s.height(), std::min(kMinThickness, box.height()), box.height()));
  return QRect(box.x() + (box.width() - s.width()) / 2, box.y() + (box.height() - s.height()) / 2, s.width(), s.height());
}

// Element under p inside `r` showing a plane of `v` (channel c), or -1.
int64_t elementIn(const QRect& r, QPoint p, const PlaneView& v, int64_t c) {
  if (!r.contains(p) || r.width() <= 0 || r.height() <= 0) return -1;
  const QSize img = planeImageSize(v);
  const int64_t x = std::min<int64_t>(img.width() - 1, int64_t(p.x() - r.x()) * img.width() / r.width());
  const int64_t y = std::min<int64_t>(img.height() - 1, int64_t(p.y() - r.y()) * img.height() / r.height());
  return (c * v.h + y) * v.w + x;
}

void setMono(QLabel* l) {
  l->setFont(monoFont());
  l->setTextInteractionFlags(Qt::TextSelectableByMouse);
}

}  // namespace

// ---------------------------------------------------------------------------------------------
// Statistics

TensorStats TensorStats::compute(const nc::Tensor& t, int bins) {
  TensorStats s;
  s.histogram.assign(size_t(std::max(1, bins)), 0);
  if (t.empty()) return s;
  s.count = t.numel();
  std::vector<float> converted;
  const float* p = nullptr;
  if (t.dtype() == nc::DType::Float32) {
    p = t.f32();
  } else {
    converted = t.toFloatVector();
    p = converted.data();
  }
  double lo = std::numeric_limits<double>::infinity(), hi = -lo, sum = 0;
  for (int64_t i = 0; i < s.count; ++i) {
    const float v = p[i];
    if (std::isnan(v)) {
      ++s.nan;
    } else if (std::isinf(v)) {
      ++s.inf;
    } else {
      ++s.finite;
      lo = std::min(lo, double(v));
      hi = std::max(hi, double(v));
      sum += v;
    }
  }
  if (s.finite == 0) {
    s.min = s.max = s.mean = s.std = std::numeric_limits<double>::quiet_NaN();
    return s;
  }
  s.min = lo;
  s.max = hi;
  s.mean = sum / double(s.finite);
  // Second pass for the variance (numerically stable) and the histogram.
  double sq = 0;
  const int nb = int(s.histogram.size());
  const double width = hi - lo;
  for (int64_t i = 0; i < s.count; ++i) {
    const float v = p[i];
    if (!std::isfinite(v)) continue;
    const double d = double(v) - s.mean;
    sq += d * d;
    int b = width > 0 ? int((double(v) - lo) / width * nb) : 0;
    s.histogram[size_t(std::clamp(b, 0, nb - 1))]++;
  }
  s.std = std::sqrt(sq / double(s.finite));
  return s;
}

double TensorStats::binLow(int i) const {
  const int nb = int(histogram.size());
  return nb == 0 ? min : min + (max - min) * double(i) / double(nb);
}

// ---------------------------------------------------------------------------------------------
// Channel grid

ChannelGrid::ChannelGrid(QWidget* parent) : QAbstractScrollArea(parent) {
  setObjectName("channelGrid");
  viewport()->setMouseTracking(true);
  viewport()->setAutoFillBackground(true);
  setHorizontalScrollBarPolicy(Qt::ScrollBarAlwaysOff);
  cache_.setMaxCost(64 * 1024);  // KiB of rendered cells
  setToolTip(tr("Click a channel to zoom in"));
}

void ChannelGrid::setTensor(const nc::Tensor& display, const ValueRange& range) {
  t_ = display;
  range_ = range;
  view_ = display.empty() ? PlaneView{0, 0, 0} : planeView(display);
  cache_.clear();
  rendered_ = 0;
  verticalScrollBar()->setValue(0);
  updateScrollBars();
  viewport()->update();
}

int ChannelGrid::columns() const { return std::max(1, (viewport()->width() - kGap) / kPitchX); }

QRect ChannelGrid::cellRect(int64_t c) const {
  const int cols = columns();
  // Centre the block of columns in the viewport.
  const int left = std::max(kGap, (viewport()->width() - cols * kPitchX + kGap) / 2);
  return QRect(left + int(c % cols) * kPitchX, kGap + int(c / cols) * kPitchY, kCell, kCell + kLabel);
}

QRect ChannelGrid::imageRect(int64_t c) const {
  if (t_.empty() || c < 0 || c >= view_.planes) return {};
  QRect cell = cellRect(c);
  QRect box(cell.x(), cell.y(), kCell, kCell);
  return fitRect(planeImageSize(view_), box).translated(0, -verticalScrollBar()->value());
}

int64_t ChannelGrid::elementAt(QPoint p, int64_t* channel) const {
  if (channel) *channel = -1;
  if (t_.empty()) return -1;
  const int cols = columns();
  const int left = std::max(kGap, (viewport()->width() - cols * kPitchX + kGap) / 2);
  const int cx = p.x() - left, cy = p.y() + verticalScrollBar()->value() - kGap;
  if (cx < 0 || cy < 0) return -1;
  const int col = cx / kPitchX, row = cy / kPitchY;
  if (col >= cols) return -1;
  const int64_t c = int64_t(row) * cols + col;
  if (c >= view_.planes) return -1;
  if (!cellRect(c).translated(0, -verticalScrollBar()->value()).contains(p)) return -1;
  if (channel) *channel = c;
  return elementIn(imageRect(c), p, view_, c);
}

void ChannelGrid::updateScrollBars() {
  const int cols = columns();
  const int64_t rows = view_.planes <= 0 ? 0 : (view_.planes + cols - 1) / cols;
  const int64_t contentH = rows * kPitchY + kGap;
  const int page = viewport()->height();
  verticalScrollBar()->setRange(0, int(std::clamp<int64_t>(contentH - page, 0, std::numeric_limits<int>::max())));
  verticalScrollBar()->setPageStep(page);
  verticalScrollBar()->setSingleStep(kPitchY / 2);
}

const QImage& ChannelGrid::image(int64_t c) {
  if (QImage* img = cache_.object(c)) return *img;
  auto* img = new QImage(channelImage(t_, c, range_));
  ++rendered_;
  cache_.insert(c, img, std::max<qsizetype>(1, img->sizeInBytes() / 1024));
  if (QImage* cached = cache_.object(c)) return *cached;
  static QImage empty;
  return empty;  // larger than the whole cache: not kept (not expected for capped planes)
}

void ChannelGrid::paintEvent(QPaintEvent* e) {
  QPainter p(viewport());
  if (t_.empty()) return;
  const int scroll = verticalScrollBar()->value();
  const int cols = columns();
  const QRect visible = e->rect().translated(0, scroll);
  const int64_t firstRow = std::max(0, (visible.top() - kGap) / kPitchY);
  const int64_t lastRow = std::max<int64_t>(0, (visible.bottom() - kGap) / kPitchY);
  p.setFont(monoFont());
  const QColor textColour = palette().color(QPalette::Text);
  for (int64_t row = firstRow; row <= lastRow; ++row)
    for (int col = 0; col < cols; ++col) {
      const int64_t c = row * cols + col;
      if (c >= view_.planes) return;
      const QRect cell = cellRect(c).translated(0, -scroll);
      if (!cell.intersects(e->rect())) continue;
      const QRect r = imageRect(c);
      p.fillRect(r.adjusted(-1, -1, 1, 1), palette().color(QPalette::Mid));
      const QImage& img = image(c);
      if (!img.isNull()) p.drawImage(r, img);  // nearest neighbour: no smooth transform hint
      p.setPen(textColour);
      p.drawText(QRect(cell.x(), cell.y() + kCell, kCell, kLabel), Qt::AlignCenter, QString("c%1").arg(c));
    }
}

void ChannelGrid::resizeEvent(QResizeEvent* e) {
  QAbstractScrollArea::resizeEvent(e);
  updateScrollBars();
}

void ChannelGrid::mouseMoveEvent(QMouseEvent* e) { Q_EMIT hovered(elementAt(e->position().toPoint())); }

void ChannelGrid::mousePressEvent(QMouseEvent* e) {
  if (e->button() != Qt::LeftButton) return;
  int64_t c = -1;
  elementAt(e->position().toPoint(), &c);
  if (c >= 0) Q_EMIT channelClicked(c);
}

void ChannelGrid::leaveEvent(QEvent*) { Q_EMIT hovered(-1); }

// ---------------------------------------------------------------------------------------------
// Zoomed channel

ChannelZoom::ChannelZoom(QWidget* parent) : QWidget(parent) {
  setObjectName("channelZoom");
  setMouseTracking(true);
  setMinimumSize(64, 64);
}

void ChannelZoom::setChannel(const nc::Tensor& display, const ValueRange& range, int64_t channel) {
  channel_ = channel;
  view_ = display.empty() ? PlaneView{0, 0, 0} : planeView(display);
  image_ = display.empty() ? QImage() : channelImage(display, channel, range);
  update();
}

QRect ChannelZoom::imageRect() const {
  if (image_.isNull()) return {};
  return fitRect(image_.size(), rect().adjusted(4, 4, -4, -4));
}

int64_t ChannelZoom::elementAt(QPoint p) const {
  return image_.isNull() ? -1 : elementIn(imageRect(), p, view_, channel_);
}

void ChannelZoom::paintEvent(QPaintEvent*) {
  if (image_.isNull()) return;
  QPainter p(this);
  const QRect r = imageRect();
  p.fillRect(r.adjusted(-1, -1, 1, 1), palette().color(QPalette::Mid));
  p.drawImage(r, image_);
}

void ChannelZoom::mouseMoveEvent(QMouseEvent* e) { Q_EMIT hovered(elementAt(e->position().toPoint())); }
void ChannelZoom::leaveEvent(QEvent*) { Q_EMIT hovered(-1); }

// ---------------------------------------------------------------------------------------------
// Histogram and colour scale

HistogramWidget::HistogramWidget(QWidget* parent) : QWidget(parent) {
  setObjectName("histogram");
  setMinimumHeight(70);
  setSizePolicy(QSizePolicy::Expanding, QSizePolicy::Fixed);
}

void HistogramWidget::setStats(const TensorStats* s) {
  stats_ = s;
  update();
}

QRect HistogramWidget::plotRect() const { return rect().adjusted(6, 4, -6, -18); }

void HistogramWidget::paintEvent(QPaintEvent*) {
  QPainter p(this);
  const QRect r = plotRect();
  p.fillRect(r, palette().color(QPalette::Base));
  p.setPen(palette().color(QPalette::Mid));
  p.drawRect(r.adjusted(0, 0, -1, -1));
  if (!stats_ || stats_->finite == 0 || stats_->histogram.empty()) {
    p.setPen(palette().color(QPalette::PlaceholderText));
    p.drawText(r, Qt::AlignCenter, tr("no finite values"));
    return;
  }
  const auto& h = stats_->histogram;
  const int64_t peak = *std::max_element(h.begin(), h.end());
  const double bw = double(r.width() - 2) / double(h.size());
  const QColor bar = palette().color(QPalette::Highlight);
  for (size_t i = 0; i < h.size(); ++i) {
    if (h[i] == 0) continue;
    const int bh = std::max(1, int(std::lround(double(r.height() - 2) * double(h[i]) / double(peak))));
    const int x0 = r.x() + 1 + int(std::floor(double(i) * bw)), x1 = r.x() + 1 + int(std::floor(double(i + 1) * bw));
    p.fillRect(QRect(x0, r.bottom() - bh, std::max(1, x1 - x0 - (bw > 3 ? 1 : 0)), bh), bar);
  }
  p.setFont(monoFont());
  p.setPen(palette().color(QPalette::Text));
  const QRect labels(r.x(), r.bottom() + 2, r.width(), 16);
  p.drawText(labels, Qt::AlignLeft | Qt::AlignVCenter, TensorView::formatValue(stats_->min));
  p.drawText(labels, Qt::AlignRight | Qt::AlignVCenter, TensorView::formatValue(stats_->max));
  p.drawText(labels, Qt::AlignHCenter | Qt::AlignVCenter, tr("peak %1").arg(peak));
}

bool HistogramWidget::event(QEvent* e) {
  if (e->type() == QEvent::ToolTip) {
    auto* he = static_cast<QHelpEvent*>(e);
    const QRect r = plotRect();
    if (stats_ && stats_->finite > 0 && r.contains(he->pos())) {
      const int nb = int(stats_->histogram.size());
      const int i = std::clamp(int(double(he->pos().x() - r.x()) / double(r.width()) * nb), 0, nb - 1);
      QToolTip::showText(he->globalPos(), tr("[%1, %2): %3 values")
                                              .arg(TensorView::formatValue(stats_->binLow(i)),
                                                   TensorView::formatValue(stats_->binLow(i + 1)))
                                              .arg(stats_->histogram[size_t(i)]),
                         this);
    } else {
      QToolTip::hideText();
    }
    return true;
  }
  return QWidget::event(e);
}

ColourScale::ColourScale(QWidget* parent) : QWidget(parent) {
  setObjectName("colourScale");
  setMinimumHeight(30);
  setSizePolicy(QSizePolicy::Expanding, QSizePolicy::Fixed);
  setToolTip(tr("Colour scale: viridis for one-signed data, blue-white-red (symmetric around 0) for signed data"));
}

void ColourScale::setRange(const ValueRange& r, bool valid) {
  range_ = r;
  valid_ = valid;
  update();
}

void ColourScale::paintEvent(QPaintEvent*) {
  if (!valid_) return;
  QPainter p(this);
  const QRect bar(6, 2, width() - 12, 12);
  p.drawImage(bar, colourBar(range_, QSize(std::max(2, bar.width()), 1)));
  p.setPen(palette().color(QPalette::Mid));
  p.drawRect(bar.adjusted(0, 0, -1, -1));
  p.setFont(monoFont());
  p.setPen(palette().color(QPalette::Text));
  const QRect labels(bar.x(), bar.bottom() + 1, bar.width(), height() - bar.bottom() - 1);
  p.drawText(labels, Qt::AlignLeft | Qt::AlignTop, TensorView::formatValue(range_.lo));
  p.drawText(labels, Qt::AlignRight | Qt::AlignTop, TensorView::formatValue(range_.hi));
  if (range_.diverging) p.drawText(labels, Qt::AlignHCenter | Qt::AlignTop, "0");
}

// ---------------------------------------------------------------------------------------------
// The view

TensorView::TensorView(QWidget* parent) : QWidget(parent) {
  title_ = new QLabel(this);
  title_->setObjectName("tensorTitle");
  QFont tf = title_->font();
  tf.setBold(true);
  title_->setFont(tf);
  title_->setTextInteractionFlags(Qt::TextSelectableByMouse);

  auto* statsBox = new QGridLayout;
  statsBox->setHorizontalSpacing(10);
  statsBox->setVerticalSpacing(2);
  auto stat = [&](const char* key, const QString& caption, const QString& tip, int row, int col) {
    auto* k = new QLabel(caption, this);
    k->setToolTip(tip);
    auto* v = new QLabel(this);
    v->setObjectName(QString("stat_") + key);
    v->setToolTip(tip);
    setMono(v);
    statsBox->addWidget(k, row, col * 2, Qt::AlignRight);
    statsBox->addWidget(v, row, col * 2 + 1);
    return v;
  };
  shape_ = stat("shape", tr("shape"), tr("Dimensions"), 0, 0);
  dtype_ = stat("dtype", tr("dtype"), tr("Element type"), 0, 1);
  min_ = stat("min", tr("min"), tr("Smallest finite value"), 1, 0);
  max_ = stat("max", tr("max"), tr("Largest finite value"), 1, 1);
  mean_ = stat("mean", tr("mean"), tr("Mean of the finite values"), 2, 0);
  std_ = stat("std", tr("std"), tr("Population standard deviation of the finite values"), 2, 1);
  nan_ = stat("nan", tr("NaN"), tr("Number of NaN values"), 3, 0);
  inf_ = stat("inf", tr("Inf"), tr("Number of +Inf and -Inf values"), 3, 1);
  statsBox->setColumnStretch(1, 1);
  statsBox->setColumnStretch(3, 1);

  grid_ = new ChannelGrid(this);
  zoom_ = new ChannelZoom(this);
  back_ = new QToolButton(this);
  back_->setObjectName("zoomBack");
  back_->setText(tr("◀ All channels"));
  back_->setToolTip(tr("Back to the grid of channels"));
  back_->setAutoRaise(true);
  zoomTitle_ = new QLabel(this);
  zoomTitle_->setObjectName("zoomTitle");
  setMono(zoomTitle_);
  auto* zoomPage = new QWidget(this);
  auto* zoomLayout = new QVBoxLayout(zoomPage);
  zoomLayout->setContentsMargins(0, 0, 0, 0);
  zoomLayout->setSpacing(2);
  auto* zoomBar = new QHBoxLayout;
  zoomBar->addWidget(back_);
  zoomBar->addWidget(zoomTitle_, 1);
  zoomLayout->addLayout(zoomBar);
  zoomLayout->addWidget(zoom_, 1);

  auto* empty = new QLabel(tr("No tensor selected"), this);
  empty->setAlignment(Qt::AlignCenter);
  empty->setEnabled(false);

  pages_ = new QStackedWidget(this);
  pages_->addWidget(empty);     // 0
  pages_->addWidget(grid_);     // 1
  pages_->addWidget(zoomPage);  // 2

  scale_ = new ColourScale(this);
  hover_ = new QLabel(this);
  hover_->setObjectName("hoverValue");
  setMono(hover_);
  hover_->setToolTip(tr("Index and value under the mouse cursor"));
  histogram_ = new HistogramWidget(this);
  histogram_->setToolTip(tr("Histogram of the finite values (64 bins)"));

  auto* layout = new QVBoxLayout(this);
  layout->setContentsMargins(6, 6, 6, 6);
  layout->setSpacing(6);
  layout->addWidget(title_);
  layout->addLayout(statsBox);
  layout->addWidget(pages_, 1);
  layout->addWidget(scale_);
  layout->addWidget(hover_);
  layout->addWidget(histogram_);

  connect(grid_, &ChannelGrid::hovered, this, &TensorView::showHover);
  connect(zoom_, &ChannelZoom::hovered, this, &TensorView::showHover);
  connect(grid_, &ChannelGrid::channelClicked, this, [this](qint64 c) { zoomToChannel(c); });
  connect(back_, &QToolButton::clicked, this, [this] { zoomToChannel(-1); });
  clear();
}

QString TensorView::formatValue(double v) {
  if (std::isnan(v)) return "NaN";
  if (std::isinf(v)) return v > 0 ? "+Inf" : "-Inf";
  return QString::number(v, 'g', 6);
}

QString TensorView::formatIndex(const nc::Shape& shape, int64_t flat) {
  std::vector<int64_t> idx(shape.size());
  for (size_t i = shape.size(); i-- > 0;) {
    const int64_t d = std::max<int64_t>(1, shape[i]);
    idx[i] = flat % d;
    flat /= d;
  }
  QStringList parts;
  for (int64_t i : idx) parts << QString::number(i);
  return "[" + parts.join(", ") + "]";
}

void TensorView::clear() {
  tensor_ = display_ = nc::Tensor();
  stats_ = TensorStats();
  zoomed_ = -1;
  title_->setText(tr("Tensor"));
  grid_->setTensor({}, {});
  zoom_->setChannel({}, {}, 0);
  pages_->setCurrentIndex(0);
  scale_->setRange({}, false);
  histogram_->setStats(nullptr);
  hover_->clear();
  updateStatLabels();
}

void TensorView::setTensor(const nc::Tensor& t, const QString& title) {
  if (t.empty()) {
    clear();
    title_->setText(title);
    return;
  }
  tensor_ = t;
  display_ = t.dtype() == nc::DType::Float32 ? t : nc::Tensor::fromFloats(t.shape(), t.toFloatVector());
  stats_ = TensorStats::compute(display_);
  // The colour range from the statistics already computed (same rule as rangeOf()).
  range_ = ValueRange();
  if (stats_.finite > 0) {
    const float lo = float(stats_.min), hi = float(stats_.max);
    if (lo < 0 && hi > 0) range_ = {-std::max(-lo, hi), std::max(-lo, hi), true};
    else range_ = {lo, hi == lo ? lo + 1 : hi, false};
  }
  title_->setText(title);
  updateStatLabels();
  grid_->setTensor(display_, range_);
  scale_->setRange(range_, stats_.finite > 0);
  histogram_->setStats(&stats_);
  hover_->clear();
  zoomed_ = -2;  // force a page switch
  zoomToChannel(channelCount(display_) == 1 ? 0 : -1);
}

void TensorView::zoomToChannel(int64_t c) {
  const int64_t n = channelCount(display_);
  if (n == 0) {  // no planes to show (a zero-sized dim): the empty grid
    zoomed_ = -1;
    pages_->setCurrentIndex(1);
    return;
  }
  if (c >= n) c = n - 1;
  if (c == zoomed_) return;
  zoomed_ = c;
  if (c < 0) {
    pages_->setCurrentIndex(1);
  } else {
    zoom_->setChannel(display_, range_, c);
    const PlaneView v = planeView(display_);
    zoomTitle_->setText(n == 1 ? tr("%1 x %2").arg(v.h).arg(v.w) : tr("channel %1 of %2 · %3 x %4").arg(c).arg(n).arg(v.h).arg(v.w));
    back_->setVisible(n > 1);
    pages_->setCurrentIndex(2);
  }
  hover_->clear();
  Q_EMIT channelZoomed(c);
}

void TensorView::showHover(qint64 flat) {
  if (flat < 0 || tensor_.empty() || flat >= tensor_.numel()) {
    hover_->clear();
    return;
  }
  const QString value = tensor_.dtype() == nc::DType::Int64 ? QString::number(tensor_.i64()[flat])
                                                              : formatValue(tensor_.f32()[flat]);
  hover_->setText(formatIndex(tensor_.shape(), flat) + " = " + value);
}

QString TensorView::hoverText() const { return hover_->text(); }

void TensorView::updateStatLabels() {
  const bool has = !tensor_.empty();
  shape_->setText(has ? QString::fromStdString(nc::shapeToString(tensor_.shape())) : "—");
  dtype_->setText(has ? QString(nc::dtypeName(tensor_.dtype())) + QString(" · %1 values").arg(tensor_.numel()) : "—");
  min_->setText(has ? formatValue(stats_.min) : "—");
  max_->setText(has ? formatValue(stats_.max) : "—");
  mean_->setText(has ? formatValue(stats_.mean) : "—");
  std_->setText(has ? formatValue(stats_.std) : "—");
  nan_->setText(has ? QString::number(stats_.nan) : "—");
  inf_->setText(has ? QString::number(stats_.inf) : "—");
  for (QLabel* l : {nan_, inf_}) {
    const bool bad = has && l->text() != "0";
    l->setStyleSheet(bad ? "color: #c62828; font-weight: bold;" : QString());
  }
}

}  // namespace ncui
