#include "ui/image_input.h"

#include <QImage>
#include <QImageReader>

#include "core/base/error.h"

namespace ncui {

nc::Tensor imageToTensor(const QString& path, int height, int width, bool normalizeImagenet) {
  QImageReader reader(path);
  reader.setAutoTransform(true);
  QImage img = reader.read();
  if (img.isNull())
    throw nc::Error("cannot read image '" + path.toStdString() + "': " + reader.errorString().toStdString());
  if (height <= 0) height = img.height();
  if (width <= 0) width = img.width();
  if (img.size() != QSize(width, height)) {
    img = img.scaled(width, height, Qt::KeepAspectRatioByExpanding, Qt::SmoothTransformation);
    img = img.copy((img.width() - width) / 2, (img.height() - height) / 2, width, height);
  }
  img = img.convertToFormat(QImage::Format_RGB888);

  static const float kMean[3] = {0.485f, 0.456f, 0.406f};
  static const float kStd[3] = {0.229f, 0.224f, 0.225f};
  nc::Tensor t(nc::DType::Float32, {1, 3, height, width});
  float* out = t.f32();
  const int64_t plane = int64_t(height) * width;
  for (int y = 0; y < height; ++y) {
    const uchar* line = img.constScanLine(y);
    for (int x = 0; x < width; ++x)
      for (int c = 0; c < 3; ++c) {
        float v = float(line[x * 3 + c]) / 255.0f;
        if (normalizeImagenet) v = (v - kMean[c]) / kStd[c];
        out[c * plane + int64_t(y) * width + x] = v;
      }
  }
  return t;
}

}  // namespace ncui
