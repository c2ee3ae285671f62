#pragma once
// How node cards, block cards and the block inspector write a tensor type ("1×64×40×40", "?"
// for unknown dims or rank). The cards' geometry is in ui/card_geometry.h.
#include <QString>
#include <QStringList>

#include "core/ops/op.h"

namespace ncui {

inline QString dimsText(const nc::TensorType* t) {
  if (!t || !t->rankKnown) return "?";
  QStringList parts;
  for (int64_t d : t->dims) parts << (d < 0 ? QString("?") : QString::number(d));
  return parts.join(QChar(0x00d7));
}

}  // namespace ncui
