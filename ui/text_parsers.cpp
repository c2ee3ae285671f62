#include "ui/text_parsers.h"

#include <QObject>
#include <QRegularExpression>
#include <QStringList>
#include <cmath>

namespace ncui {

std::optional<std::vector<int64_t>> parseIntList(const QString& text, QString* error, double lo,
                                                 double hi) {
  QString t = text.trimmed();
  if (t.startsWith('[') || t.startsWith('(')) t = t.mid(1);
  if (t.endsWith(']') || t.endsWith(')')) t.chop(1);
  std::vector<int64_t> out;
  const QStringList parts = t.split(QRegularExpression("[,\\s]+"), Qt::SkipEmptyParts);
  if (t.trimmed().endsWith(',')) {
    if (error) *error = QObject::tr("missing value after the last comma");
    return std::nullopt;
  }
  for (const QString& p : parts) {
    bool ok = false;
    const qlonglong v = p.toLongLong(&ok);
    if (!ok) {
      if (error) *error = QObject::tr("'%1' is not an integer").arg(p);
      return std::nullopt;
    }
    if (double(v) < lo || double(v) > hi) {
      if (error)
        *error = std::isinf(hi) || hi > 1e18
                     ? QObject::tr("%1 is below the minimum %2").arg(v).arg(lo)
                     : QObject::tr("%1 is outside [%2, %3]").arg(v).arg(lo).arg(hi);
      return std::nullopt;
    }
    out.push_back(v);
  }
  return out;
}

std::optional<std::vector<float>> parseFloatList(const QString& text, QString* error) {
  QString t = text.trimmed();
  if (t.startsWith('[') || t.startsWith('(')) t = t.mid(1);
  if (t.endsWith(']') || t.endsWith(')')) t.chop(1);
  if (t.trimmed().endsWith(',')) {
    if (error) *error = QObject::tr("missing value after the last comma");
    return std::nullopt;
  }
  std::vector<float> out;
  for (const QString& p : t.split(QRegularExpression("[,\\s]+"), Qt::SkipEmptyParts)) {
    bool ok = false;
    const double v = p.toDouble(&ok);
    if (!ok || !std::isfinite(v)) {
      if (error) *error = QObject::tr("'%1' is not a number").arg(p);
      return std::nullopt;
    }
    out.push_back(float(v));
  }
  return out;
}

QString formatFloat(double v) { return QString::number(v, 'g', 7); }

QString intsText(const std::vector<int64_t>& v) {
  QStringList s;
  for (int64_t x : v) s << QString::number(x);
  return s.join(", ");
}

QString floatsText(const std::vector<float>& v) {
  QStringList s;
  for (float x : v) s << formatFloat(x);
  return s.join(", ");
}

}  // namespace ncui
