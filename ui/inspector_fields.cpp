#include "ui/inspector_fields.h"

#include <QApplication>
#include <QFontDatabase>
#include <QFormLayout>
#include <QLabel>
#include <QRegularExpression>
#include <algorithm>
#include <cmath>

#include "ui/tensor_view.h"
#include "ui/text_parsers.h"

namespace ncui::fields {

QFont monoFont() { return QFontDatabase::systemFont(QFontDatabase::FixedFont); }

bool hasFocusWithin(QWidget* w) {
  QWidget* f = QApplication::focusWidget();
  return f && (f == w || w->isAncestorOf(f));
}

void styleAsDefault(QWidget* w, bool isDefault) {
  QFont f = monoFont();
  f.setItalic(isDefault);
  w->setFont(f);
  QPalette p = w->parentWidget() ? w->parentWidget()->palette() : QApplication::palette();
  if (isDefault) {
    p.setColor(QPalette::Text, p.color(QPalette::PlaceholderText));
    p.setColor(QPalette::ButtonText, p.color(QPalette::PlaceholderText));
    p.setColor(QPalette::WindowText, p.color(QPalette::PlaceholderText));
  }
  w->setPalette(p);
}

void setError(QLabel* l, QWidget* field, const QString& msg) {
  l->setText(msg);
  l->setVisible(!msg.isEmpty());
  field->setProperty("invalid", !msg.isEmpty());
  field->setStyleSheet(msg.isEmpty() ? QString() : QStringLiteral("border: 1px solid #c62828;"));
}

double clampForSpin(double v, double lim) {
  return std::isfinite(v) ? std::clamp(v, -lim, lim) : (v < 0 ? -lim : lim);
}

QLabel* sectionTitle(const QString& text, QWidget* parent) {
  auto* l = new QLabel(text, parent);
  QFont f = l->font();
  f.setBold(true);
  l->setFont(f);
  l->setContentsMargins(0, 6, 0, 0);
  return l;
}

QFormLayout* formLayout(QWidget* parent) {
  auto* form = new QFormLayout(parent);
  form->setFieldGrowthPolicy(QFormLayout::AllNonFixedFieldsGrow);
  form->setLabelAlignment(Qt::AlignRight | Qt::AlignVCenter);
  form->setHorizontalSpacing(8);
  form->setVerticalSpacing(4);
  return form;
}

QLabel* errorLabel(QWidget* parent, const QString& name) {
  auto* l = new QLabel(parent);
  l->setObjectName(name);
  l->setWordWrap(true);
  l->setStyleSheet("color: #c62828;");
  l->hide();
  return l;
}

QString tensorSummary(const nc::Tensor& t) {
  if (t.empty()) return QObject::tr("(none)");
  QString s = QString("%1%2").arg(nc::dtypeName(t.dtype()),
                                  QString::fromStdString(nc::shapeToString(t.shape())));
  if (t.numel() == 0) return s;
  const TensorStats st = TensorStats::compute(t, 1);
  s += QString("\nmin %1  max %2\nmean %3  std %4")
           .arg(TensorView::formatValue(st.min), TensorView::formatValue(st.max),
                TensorView::formatValue(st.mean), TensorView::formatValue(st.std));
  if (st.nan || st.inf) s += QString("\nNaN %1  Inf %2").arg(st.nan).arg(st.inf);
  return s;
}

ScientificSpinBox::ScientificSpinBox(QWidget* parent) : QDoubleSpinBox(parent) {
  setLocale(QLocale::c());
  setDecimals(40);  // no rounding of small values
  setKeyboardTracking(true);
  setAccelerated(true);
}

QString ScientificSpinBox::textFromValue(double v) const { return formatFloat(v); }

double ScientificSpinBox::valueFromText(const QString& text) const {
  return text.trimmed().toDouble();
}

QValidator::State ScientificSpinBox::validate(QString& text, int&) const {
  const QString t = text.trimmed();
  if (t.isEmpty()) return QValidator::Intermediate;
  bool ok = false;
  const double v = t.toDouble(&ok);
  if (!ok) {
    static const QRegularExpression partial("^[+-]?(\\d+\\.?\\d*|\\.\\d*)?([eE][+-]?)?$");
    return partial.match(t).hasMatch() ? QValidator::Intermediate : QValidator::Invalid;
  }
  return v >= minimum() && v <= maximum() ? QValidator::Acceptable : QValidator::Intermediate;
}

void ScientificSpinBox::stepBy(int steps) {
  const double v = value();
  const double mag = v == 0 ? 0.1 : std::pow(10.0, std::floor(std::log10(std::fabs(v))) - 1);
  setValue(std::clamp(v + steps * mag, minimum(), maximum()));
  selectAll();
}

}  // namespace ncui::fields
