#pragma once
// Tensor -> image helpers shared by node thumbnails and the tensor view: a perceptual colour map
// (viridis-like, or diverging blue-white-red for signed data), per-channel heatmaps and a grid.
#include <QColor>
#include <QFont>
#include <QPainter>
#include <QRectF>
#include <QImage>
#include <QSize>

#include "core/tensor/tensor.h"

namespace ncui {

struct ValueRange {
  float lo = 0, hi = 1;
  bool diverging = false;  // symmetric around 0 (signed data)
};

// How a tensor is laid out for display: `planes` images of h x w (batch 0 for rank >= 4, trailing
// dims flattened into w). Element (plane, y, x) is at flat index (plane * h + y) * w + x.
struct PlaneView {
  int64_t planes = 1, h = 1, w = 1;
};
PlaneView planeView(const nc::Tensor& t);
// channelImage() caps each side of a plane at this many pixels.
inline constexpr int64_t kMaxImageSide = 4096;

// Range over the finite values of t (diverging when it has both signs).
ValueRange rangeOf(const nc::Tensor& t);
QColor colourFor(float v, const ValueRange& r);
// The H x W plane of channel `c` (batch 0) as an image; rank 1-2 tensors are shown as one plane,
// rank 3 as (C,H,W), rank 4+ as (N,C,H,W,...) with trailing dims flattened into W.
QImage channelImage(const nc::Tensor& t, int64_t channel, const ValueRange& r);
int64_t channelCount(const nc::Tensor& t);
// A thumbnail of at most `size`: a grid of the first channels (or the single plane).
QImage tensorThumbnail(const nc::Tensor& t, QSize size);
// A grid of the first (up to 32) channels sized to fill `area` with cells of the plane's aspect
// (node and block previews on the canvas).
QImage channelGrid(const nc::Tensor& t, QSize area);
// A colour bar for a legend.
QImage colourBar(const ValueRange& r, QSize size);

// A card's thumbnail area (node and block cards): `img` centred and scaled to fit, or, while it
// is null, a dashed frame with "evaluating…" or "no value" in `textColour` and `font`.
void paintThumbnailArea(QPainter* p, const QRectF& area, const QImage& img, const QColor& frameColour,
                        const QColor& textColour, const QFont& font, bool evaluating);

}  // namespace ncui
