#pragma once
// Colours of the canvas for the light and dark themes, and per-category node accents.
#include <QColor>
#include <QString>

namespace ncui {

struct CanvasTheme {
  bool dark = false;
  QColor background, gridMinor, gridMajor;
  QColor nodeBody, nodeBorder, nodeSelected, text, textDim;
  QColor edge, edgeError, edgeSelected, portFloat, portInt, portParam;
  QColor error;

  static CanvasTheme light();
  static CanvasTheme darkTheme();
  // Header colour for an op category (palette group).
  QColor categoryColour(const QString& category) const;
};

}  // namespace ncui
