#pragma once
// Inspects one tensor: shape, dtype, statistics (min/max/mean/std over finite values, NaN and
// Inf counts), a 64-bin histogram, a scrollable grid of per-channel heatmaps with a colour scale
// (only visible cells are rendered), a zoomed single-channel view (click a cell; Back returns),
// and the index and value under the mouse cursor. Statistics are computed once per setTensor.
#include <QAbstractScrollArea>
#include <QCache>
#include <QImage>
#include <QWidget>
#include <vector>

#include "core/tensor/tensor.h"
#include "ui/tensor_image.h"

class QLabel;
class QStackedWidget;
class QToolButton;

namespace ncui {

struct TensorStats {
  int64_t count = 0;   // elements
  int64_t finite = 0;  // elements that are neither NaN nor +-Inf
  int64_t nan = 0;
  int64_t inf = 0;  // +Inf and -Inf
  // Over the finite values; NaN when there are none. std is the population std (ddof = 0).
  double min = 0, max = 0, mean = 0, std = 0;
  // Equal-width bins over [min, max] of the finite values (all in bin 0 when min == max).
  std::vector<int64_t> histogram;

  static TensorStats compute(const nc::Tensor& t, int bins = 64);
  // Bin edges: bin i covers [binLow(i), binLow(i + 1)).
  double binLow(int i) const;
};

class ChannelGrid;
class ChannelZoom;
class HistogramWidget;
class ColourScale;

class TensorView : public QWidget {
  Q_OBJECT
 public:
  explicit TensorView(QWidget* parent = nullptr);

  void setTensor(const nc::Tensor& t, const QString& title);
  void clear();

  const nc::Tensor& tensor() const { return tensor_; }
  const TensorStats& stats() const { return stats_; }
  // Text of the "value under the cursor" label, e.g. "[0, 2, 5, 7] = 0.125".
  QString hoverText() const;
  // Shows channel c large (as a click on its cell does); -1 returns to the grid.
  void zoomToChannel(int64_t c);
  int64_t zoomedChannel() const { return zoomed_; }
  ChannelGrid* grid() const { return grid_; }
  ChannelZoom* zoomView() const { return zoom_; }

  // Full index of a flat element offset, and its value as shown.
  static QString formatIndex(const nc::Shape& shape, int64_t flat);
  static QString formatValue(double v);

 Q_SIGNALS:
  void channelZoomed(qint64 channel);  // -1: back to the grid

 private:
  void showHover(qint64 flat);
  void updateStatLabels();

  nc::Tensor tensor_;   // as given (int64 values are read from here)
  nc::Tensor display_;  // float32 copy for int64 tensors, else the same storage
  TensorStats stats_;
  ValueRange range_;
  int64_t zoomed_ = -1;

  QLabel* title_;
  QLabel* shape_;
  QLabel* dtype_;
  QLabel* min_;
  QLabel* max_;
  QLabel* mean_;
  QLabel* std_;
  QLabel* nan_;
  QLabel* inf_;
  QStackedWidget* pages_;
  ChannelGrid* grid_;
  ChannelZoom* zoom_;
  QToolButton* back_;
  QLabel* zoomTitle_;
  ColourScale* scale_;
  QLabel* hover_;
  HistogramWidget* histogram_;
};

// The grid of channel heatmaps. Cells are rendered on demand when they scroll into view and
// cached (bounded by memory), so thousands of channels are fine.
class ChannelGrid : public QAbstractScrollArea {
  Q_OBJECT
 public:
  explicit ChannelGrid(QWidget* parent = nullptr);
  void setTensor(const nc::Tensor& display, const ValueRange& range);
  // Where channel c's image is drawn, in viewport coordinates (empty when not laid out).
  QRect imageRect(int64_t c) const;
  // Flat element index under a viewport point, -1 if none; `channel` receives the cell.
  int64_t elementAt(QPoint p, int64_t* channel = nullptr) const;
  int64_t renderedCells() const { return rendered_; }  // images rendered since setTensor
  int columns() const;

 Q_SIGNALS:
  void hovered(qint64 flat);  // -1 when leaving
  void channelClicked(qint64 channel);

 protected:
  void paintEvent(QPaintEvent*) override;
  void resizeEvent(QResizeEvent*) override;
  void mouseMoveEvent(QMouseEvent*) override;
  void mousePressEvent(QMouseEvent*) override;
  void leaveEvent(QEvent*) override;

 private:
  QRect cellRect(int64_t c) const;  // in content coordinates
  void updateScrollBars();
  const QImage& image(int64_t c);

  nc::Tensor t_;
  ValueRange range_;
  PlaneView view_;
  QCache<qint64, QImage> cache_;
  int64_t rendered_ = 0;
};

// One channel, scaled to fit with its aspect ratio kept, nearest-neighbour.
class ChannelZoom : public QWidget {
  Q_OBJECT
 public:
  explicit ChannelZoom(QWidget* parent = nullptr);
  void setChannel(const nc::Tensor& display, const ValueRange& range, int64_t channel);
  QRect imageRect() const;
  int64_t elementAt(QPoint p) const;

 Q_SIGNALS:
  void hovered(qint64 flat);

 protected:
  void paintEvent(QPaintEvent*) override;
  void mouseMoveEvent(QMouseEvent*) override;
  void leaveEvent(QEvent*) override;

 private:
  QImage image_;
  PlaneView view_;
  int64_t channel_ = 0;
};

class HistogramWidget : public QWidget {
  Q_OBJECT
 public:
  explicit HistogramWidget(QWidget* parent = nullptr);
  void setStats(const TensorStats* s);
  QSize sizeHint() const override { return {240, 90}; }

 protected:
  void paintEvent(QPaintEvent*) override;
  bool event(QEvent*) override;

 private:
  QRect plotRect() const;
  const TensorStats* stats_ = nullptr;
};

class ColourScale : public QWidget {
  Q_OBJECT
 public:
  explicit ColourScale(QWidget* parent = nullptr);
  void setRange(const ValueRange& r, bool valid);
  QSize sizeHint() const override { return {240, 30}; }

 protected:
  void paintEvent(QPaintEvent*) override;

 private:
  ValueRange range_;
  bool valid_ = false;
};

}  // namespace ncui
