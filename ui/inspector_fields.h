#pragma once
// Small pieces the node inspector's sections share (attribute editors, parameter rows, graph
// input data): the monospace font, a scientific-notation spin box, inline error labels, section
// titles, the "showing a default" style and a tensor's one-paragraph summary.
#include <QDoubleSpinBox>
#include <QFont>
#include <QString>

#include "core/tensor/tensor.h"

class QFormLayout;
class QLabel;
class QWidget;

namespace ncui::fields {

QFont monoFont();
// Whether `w` or one of its children has the keyboard focus (then it is not overwritten).
bool hasFocusWithin(QWidget* w);
// Greyed italic when showing a default, normal when set.
void styleAsDefault(QWidget* w, bool isDefault);
// Shows `msg` under `field` (empty: hides it) and marks the field invalid while it is set.
void setError(QLabel* label, QWidget* field, const QString& msg);
// `v` clamped into [-lim, lim] (infinities to the limits): spin box ranges.
double clampForSpin(double v, double lim);
QLabel* sectionTitle(const QString& text, QWidget* parent);
// A form with right-aligned labels and growing fields, the inspector's spacing.
QFormLayout* formLayout(QWidget* parent = nullptr);
// A hidden, word-wrapped error line.
QLabel* errorLabel(QWidget* parent, const QString& objectName);
// "float32[1, 3]\nmin .. max ..\nmean .. std .." ("(none)" for an empty tensor).
QString tensorSummary(const nc::Tensor& t);

// A double spin box that reads and writes scientific notation ("1e-05") and steps by about a
// tenth of the value's magnitude, so epsilon-like values are comfortable to edit.
class ScientificSpinBox : public QDoubleSpinBox {
 public:
  explicit ScientificSpinBox(QWidget* parent);
  QString textFromValue(double v) const override;
  double valueFromText(const QString& text) const override;
  QValidator::State validate(QString& text, int&) const override;
  void fixup(QString&) const override {}
  void stepBy(int steps) override;
};

}  // namespace ncui::fields
