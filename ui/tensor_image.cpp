#include "ui/tensor_image.h"

#include <QObject>
#include <QPainter>
#include <algorithm>
#include <cmath>

namespace ncui {

namespace {

// Viridis sampled at 9 points; linear interpolation between them.
const float kViridis[9][3] = {{0.267f, 0.005f, 0.329f}, {0.283f, 0.141f, 0.458f}, {0.254f, 0.265f, 0.530f},
                              {0.207f, 0.372f, 0.553f}, {0.164f, 0.471f, 0.558f}, {0.128f, 0.567f, 0.551f},
                              {0.135f, 0.659f, 0.518f}, {0.478f, 0.821f, 0.318f}, {0.993f, 0.906f, 0.144f}};

QColor viridis(float t) {
  t = std::clamp(t, 0.0f, 1.0f) * 8.0f;
  int i = std::min(7, int(t));
  float f = t - float(i);
  auto mix = [&](int k) { return kViridis[i][k] * (1 - f) + kViridis[i + 1][k] * f; };
  return QColor::fromRgbF(mix(0), mix(1), mix(2));
}

QColor diverging(float t) {  // t in [-1, 1]: blue - white - red
  t = std::clamp(t, -1.0f, 1.0f);
  if (t < 0) return QColor::fromRgbF(1 + t * 0.75f, 1 + t * 0.6f, 1.0f);
  return QColor::fromRgbF(1.0f, 1 - t * 0.75f, 1 - t * 0.8f);
}

}  // namespace

PlaneView planeView(const nc::Tensor& t) {
  const auto& s = t.shape();
  PlaneView v;
  switch (s.size()) {
    case 0: break;
    case 1: v.w = s[0]; break;
    case 2: v.h = s[0], v.w = s[1]; break;
    case 3: v.planes = s[0], v.h = s[1], v.w = s[2]; break;
    default: {
      v.planes = s[1];
      v.h = s[2];
      v.w = 1;
      for (size_t i = 3; i < s.size(); ++i) v.w *= s[i];
    }
  }
  return v;
}

ValueRange rangeOf(const nc::Tensor& t) {
  ValueRange r;
  if (t.empty() || t.numel() == 0) return r;
  std::vector<float> vals = t.toFloatVector();
  float lo = INFINITY, hi = -INFINITY;
  for (float v : vals)
    if (std::isfinite(v)) lo = std::min(lo, v), hi = std::max(hi, v);
  if (!std::isfinite(lo)) return r;
  if (lo < 0 && hi > 0) {
    float m = std::max(-lo, hi);
    return {-m, m, true};
  }
  if (hi == lo) hi = lo + 1;
  return {lo, hi, false};
}

QColor colourFor(float v, const ValueRange& r) {
  if (std::isnan(v)) return QColor(255, 0, 255);
  if (r.diverging) return diverging(r.hi > 0 ? v / r.hi : 0.0f);
  return viridis((v - r.lo) / (r.hi - r.lo));
}

int64_t channelCount(const nc::Tensor& t) { return t.empty() ? 0 : planeView(t).planes; }

QImage channelImage(const nc::Tensor& t, int64_t channel, const ValueRange& r) {
  if (t.empty() || t.numel() == 0) return {};
  PlaneView v = planeView(t);
  channel = std::clamp<int64_t>(channel, 0, v.planes - 1);
  // Cap very large planes for display.
  const int64_t maxSide = kMaxImageSide;
  int w = int(std::min(v.w, maxSide)), h = int(std::min(v.h, maxSide));
  QImage img(std::max(1, w), std::max(1, h), QImage::Format_RGB32);
  std::vector<float> vals = t.dtype() == nc::DType::Float32 ? std::vector<float>() : t.toFloatVector();
  const float* p = t.dtype() == nc::DType::Float32 ? t.f32() : vals.data();
  const int64_t base = channel * v.h * v.w;
  // A lookup table over the range instead of colourFor() per pixel (same colours to within
  // 1/1024 of the range; about 10x faster on large planes).
  constexpr int kLut = 1024;
  QRgb lut[kLut];
  for (int i = 0; i < kLut; ++i) {
    const float f = float(i) / float(kLut - 1);
    lut[i] = (r.diverging ? diverging(2 * f - 1) : viridis(f)).rgb();
  }
  const QRgb nanColour = colourFor(NAN, r).rgb();
  const float lo = r.diverging ? -r.hi : r.lo, span = r.diverging ? 2 * r.hi : r.hi - r.lo;
  const float scale = span > 0 ? float(kLut - 1) / span : 0.0f;
  for (int y = 0; y < h; ++y) {
    auto* line = reinterpret_cast<QRgb*>(img.scanLine(y));
    const float* row = p + base + int64_t(y) * v.w;
    for (int x = 0; x < w; ++x) {
      const float val = row[x];
      if (std::isnan(val)) {
        line[x] = nanColour;
        continue;
      }
      float f = (val - lo) * scale;
      f = f >= 0.0f ? std::min(f, float(kLut - 1)) : 0.0f;  // also maps inf * 0 (NaN) to 0
      line[x] = lut[int(f + 0.5f)];
    }
  }
  return img;
}

QImage tensorThumbnail(const nc::Tensor& t, QSize size) {
  QImage out(size, QImage::Format_ARGB32_Premultiplied);
  out.fill(Qt::transparent);
  if (t.empty() || t.numel() == 0 || size.isEmpty()) return out;
  ValueRange r = rangeOf(t);
  int64_t planes = channelCount(t);
  int cols = 1, rows = 1;
  if (planes > 1) {
    int n = int(std::min<int64_t>(planes, 16));
    cols = int(std::ceil(std::sqrt(double(n))));
    rows = (n + cols - 1) / cols;
  }
  QPainter p(&out);
  const int cw = size.width() / cols, ch = size.height() / rows;
  for (int i = 0; i < cols * rows && i < planes; ++i) {
    QImage img = channelImage(t, i, r);
    QRect cell((i % cols) * cw, (i / cols) * ch, cw - (cols > 1 ? 1 : 0), ch - (rows > 1 ? 1 : 0));
    p.drawImage(cell, img.scaled(cell.size(), Qt::KeepAspectRatio, Qt::FastTransformation));
  }
  return out;
}

QImage colourBar(const ValueRange& r, QSize size) {
  QImage img(size, QImage::Format_RGB32);
  for (int x = 0; x < size.width(); ++x) {
    float v = r.lo + (r.hi - r.lo) * float(x) / float(std::max(1, size.width() - 1));
    QRgb c = colourFor(v, r).rgb();
    for (int y = 0; y < size.height(); ++y) img.setPixel(x, y, c);
  }
  return img;
}

QImage channelGrid(const nc::Tensor& t, QSize area) {
  int64_t planes = channelCount(t);
  int n = int(std::clamp<int64_t>(planes, 1, 32));
  ValueRange r = rangeOf(t);
  QImage first = channelImage(t, 0, r);
  if (first.isNull()) return {};
  double aspect = double(first.width()) / std::max(1, first.height());
  int bestCols = 1;
  double bestW = 0;
  for (int cols = 1; cols <= n; ++cols) {
    int rows = (n + cols - 1) / cols;
    double w = std::min(double(area.width()) / cols, double(area.height()) / rows * aspect);
    if (w > bestW + 1e-9) bestW = w, bestCols = cols;
  }
  int cols = bestCols, rows = (n + cols - 1) / cols;
  int cw = std::max(1, int(bestW)), ch = std::max(1, int(bestW / aspect));
  int gap = n > 1 && cw > 6 ? 1 : 0;
  QImage out(cols * cw, rows * ch, QImage::Format_ARGB32_Premultiplied);
  out.fill(Qt::transparent);
  QPainter p(&out);
  for (int i = 0; i < n; ++i) {
    QImage img = i == 0 ? first : channelImage(t, i, r);
    QRect cell((i % cols) * cw, (i / cols) * ch, cw - gap, ch - gap);
    p.drawImage(cell, img.scaled(cell.size(), Qt::IgnoreAspectRatio, Qt::FastTransformation));
  }
  return out;
}

void paintThumbnailArea(QPainter* p, const QRectF& area, const QImage& img, const QColor& frameColour,
                        const QColor& textColour, const QFont& font, bool evaluating) {
  if (!img.isNull()) {
    const QSizeF s = img.size().scaled(area.size().toSize(), Qt::KeepAspectRatio);
    const QRectF target(area.center().x() - s.width() / 2, area.center().y() - s.height() / 2, s.width(),
                        s.height());
    p->drawImage(target, img);
    return;
  }
  p->setPen(QPen(frameColour, 1, Qt::DashLine));
  p->setBrush(Qt::NoBrush);
  p->drawRoundedRect(area, 4, 4);
  p->setPen(textColour);
  p->setFont(font);
  p->drawText(area, Qt::AlignCenter, evaluating ? QObject::tr("evaluating…") : QObject::tr("no value"));
}

}  // namespace ncui
