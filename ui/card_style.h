#pragma once
// What the canvas's node cards and block cards share: their row geometry and the way a tensor
// type is written on them ("1×64×40×40", "?" for unknown dims or rank).
#include <QString>
#include <QStringList>

#include "core/ops/op.h"

namespace ncui {

namespace card {
constexpr double kHeader = 36;
constexpr double kPortRow = 15;
constexpr double kLine = 14;
constexpr double kThumbH = 64;
}  // namespace card

inline QString dimsText(const nc::TensorType* t) {
  if (!t || !t->rankKnown) return "?";
  QStringList parts;
  for (int64_t d : t->dims) parts << (d < 0 ? QString("?") : QString::number(d));
  return parts.join(QChar(0x00d7));
}

}  // namespace ncui
