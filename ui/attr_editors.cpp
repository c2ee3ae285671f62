#include "ui/attr_editors.h"

#include <QComboBox>
#include <QFormLayout>
#include <QHBoxLayout>
#include <QLabel>
#include <QLineEdit>
#include <QSpinBox>
#include <QStyle>
#include <QToolButton>
#include <QVBoxLayout>
#include <cfloat>
#include <climits>
#include <cmath>

#include "ui/inspector_fields.h"
#include "ui/text_parsers.h"

namespace ncui {

namespace {

using fields::clampForSpin;
using fields::errorLabel;
using fields::hasFocusWithin;
using fields::setError;

using Parse = std::function<std::optional<nc::AttrValue>(const QString&, QString*)>;
using Format = std::function<QString(const nc::AttrValue&)>;

QString attrTooltip(const nc::AttrSpec& a, bool inputShape) {
  const QString qname = QString::fromStdString(a.name);
  QString tip = "<b>" + qname.toHtmlEscaped() + "</b> (" + nc::attrTypeName(a.type) + ")";
  if (!a.doc.empty()) tip += "<br>" + QString::fromStdString(a.doc).toHtmlEscaped();
  if (std::isfinite(a.min) || std::isfinite(a.max))
    tip += QString("<br>range [%1, %2]")
               .arg(std::isfinite(a.min) ? formatFloat(a.min) : "-inf",
                    std::isfinite(a.max) ? formatFloat(a.max) : "inf");
  if (a.defaultValue)
    tip +=
        "<br>default " + QString::fromStdString(nc::attrToString(*a.defaultValue)).toHtmlEscaped();
  else if (a.required)
    tip += "<br><i>required</i>";
  if (inputShape) tip += "<br>-1 marks a dynamic dimension";
  return tip;
}

// The line editor of a list (or optional single) attribute: `parse` checks the text (errors
// shown inline while typing, nothing reported for invalid text), `format` writes a value back;
// an emptied field unsets the attribute.
QWidget* listEditor(QWidget* row, AttrEditor* e, bool required, const AttrEditorHost& host,
                    Parse parse, Format format) {
  auto* line = new QLineEdit(row);
  line->setPlaceholderText(required ? QObject::tr("required") : QObject::tr("unset"));
  const QString name = QString::fromStdString(e->name);
  QObject::connect(line, &QLineEdit::textEdited, host.receiver,
                   [e, line, parse](const QString& text) {
                     QString err;
                     if (!text.trimmed().isEmpty()) parse(text, &err);
                     setError(e->error, line, err);
                   });
  QObject::connect(line, &QLineEdit::editingFinished, host.receiver, [host, name, e, line, parse] {
    const QString text = line->text();
    if (text.trimmed().isEmpty()) {
      setError(e->error, line, {});
      if (host.setValue(name.toStdString()))
        host.cleared(name);
      else
        e->load(host.shownValue(name.toStdString()));
      return;
    }
    QString err;
    std::optional<nc::AttrValue> v = parse(text, &err);
    setError(e->error, line, err);
    if (!v) return;  // invalid: shown inline, nothing reported
    const nc::AttrValue* set = host.setValue(name.toStdString());
    if (set && nc::attrEquals(*set, *v)) return;
    host.edited(name, *v);
  });
  e->load = [line, e, format](const nc::AttrValue* v) {
    if (hasFocusWithin(line) || line->property("invalid").toBool()) return;
    const QString text = v ? format(*v) : QString();
    if (line->text() != text) line->setText(text);
    setError(e->error, line, {});
  };
  return line;
}

// An int with a default: a spin box within the spec's range.
QWidget* intSpinEditor(QWidget* row, AttrEditor* e, const nc::AttrSpec& a,
                       const AttrEditorHost& host) {
  auto* spin = new QSpinBox(row);
  spin->setRange(int(clampForSpin(a.min, INT_MAX)), int(clampForSpin(a.max, INT_MAX)));
  spin->setKeyboardTracking(true);
  spin->setAccelerated(true);
  const QString name = QString::fromStdString(a.name);
  QObject::connect(spin, &QSpinBox::valueChanged, host.receiver,
                   [host, name](int v) { host.edited(name, nc::AttrValue(int64_t(v))); });
  e->load = [spin](const nc::AttrValue* v) {
    const int x = v && std::holds_alternative<int64_t>(*v) ? int(std::get<int64_t>(*v)) : 0;
    if (spin->value() != x && !hasFocusWithin(spin)) {
      QSignalBlocker b(spin);
      spin->setValue(x);
    }
  };
  return spin;
}

// A float with a default: a scientific spin box within the spec's range.
QWidget* floatSpinEditor(QWidget* row, AttrEditor* e, const nc::AttrSpec& a,
                         const AttrEditorHost& host) {
  auto* spin = new fields::ScientificSpinBox(row);
  spin->setRange(clampForSpin(a.min, FLT_MAX), clampForSpin(a.max, FLT_MAX));
  const QString name = QString::fromStdString(a.name);
  QObject::connect(spin, &QDoubleSpinBox::valueChanged, host.receiver,
                   [host, name](double v) { host.edited(name, nc::AttrValue(float(v))); });
  e->load = [spin](const nc::AttrValue* v) {
    const double x = v && std::holds_alternative<float>(*v) ? double(std::get<float>(*v)) : 0.0;
    if (float(spin->value()) != float(x) && !hasFocusWithin(spin)) {
      QSignalBlocker b(spin);
      spin->setValue(x);
    }
  };
  return spin;
}

// Ints, or an int without a default (an optional single value), as "1, 2, 3".
QWidget* intListEditor(QWidget* row, AttrEditor* e, const nc::AttrSpec& a, bool inputShape,
                       const AttrEditorHost& host) {
  const bool single = a.type == nc::AttrType::Int;
  const double lo = inputShape ? -1 : a.min, hi = a.max;
  auto parse = [single, lo, hi](const QString& text, QString* err) -> std::optional<nc::AttrValue> {
    auto v = parseIntList(text, err, lo, hi);
    if (!v) return std::nullopt;
    if (single) {
      if (v->size() != 1) {
        *err = QObject::tr("expected one integer");
        return std::nullopt;
      }
      return nc::AttrValue((*v)[0]);
    }
    return nc::AttrValue(*v);
  };
  return listEditor(row, e, a.required, host, parse, [](const nc::AttrValue& v) {
    if (auto* i = std::get_if<int64_t>(&v)) return QString::number(*i);
    if (auto* is = std::get_if<std::vector<int64_t>>(&v)) return intsText(*is);
    return QString();
  });
}

// Floats, or a float without a default, as "0.5, 1e-3"; every value within the spec's range.
QWidget* floatListEditor(QWidget* row, AttrEditor* e, const nc::AttrSpec& a,
                         const AttrEditorHost& host) {
  const bool single = a.type == nc::AttrType::Float;
  const double lo = a.min, hi = a.max;
  auto parse = [single, lo, hi](const QString& text, QString* err) -> std::optional<nc::AttrValue> {
    auto v = parseFloatList(text, err);
    if (!v) return std::nullopt;
    for (float x : *v)
      if (x < lo || x > hi) {
        *err = QObject::tr("%1 is outside [%2, %3]")
                   .arg(formatFloat(x), formatFloat(lo), formatFloat(hi));
        return std::nullopt;
      }
    if (single) {
      if (v->size() != 1) {
        *err = QObject::tr("expected one number");
        return std::nullopt;
      }
      return nc::AttrValue((*v)[0]);
    }
    return nc::AttrValue(*v);
  };
  return listEditor(row, e, a.required, host, parse, [](const nc::AttrValue& v) {
    if (auto* f = std::get_if<float>(&v)) return formatFloat(*f);
    if (auto* fs = std::get_if<std::vector<float>>(&v)) return floatsText(*fs);
    return QString();
  });
}

// A string with choices: a combo ("(unset)" first when there is no default).
QWidget* choiceEditor(QWidget* row, AttrEditor* e, const nc::AttrSpec& a,
                      const AttrEditorHost& host) {
  auto* combo = new QComboBox(row);
  if (!a.defaultValue) combo->addItem(QObject::tr("(unset)"), QString());
  for (const auto& c : a.choices)
    combo->addItem(QString::fromStdString(c), QString::fromStdString(c));
  const QString name = QString::fromStdString(a.name);
  QObject::connect(combo, &QComboBox::currentIndexChanged, host.receiver, [host, name, combo](int) {
    const QString v = combo->currentData().toString();
    if (v.isEmpty())
      host.cleared(name);
    else
      host.edited(name, nc::AttrValue(v.toStdString()));
  });
  e->load = [combo](const nc::AttrValue* v) {
    const QString s = v && std::holds_alternative<std::string>(*v)
                          ? QString::fromStdString(std::get<std::string>(*v))
                          : QString();
    const int i = combo->findData(s);
    if (i >= 0 && i != combo->currentIndex()) {
      QSignalBlocker b(combo);
      combo->setCurrentIndex(i);
    }
  };
  return combo;
}

// A free string: a line edit, reported when editing finishes and the text changed.
QWidget* stringEditor(QWidget* row, AttrEditor* e, const nc::AttrSpec& a,
                      const AttrEditorHost& host) {
  auto* line = new QLineEdit(row);
  line->setPlaceholderText(a.required ? QObject::tr("required") : QObject::tr("unset"));
  const QString name = QString::fromStdString(a.name);
  QObject::connect(line, &QLineEdit::editingFinished, host.receiver, [host, name, line] {
    const std::string v = line->text().toStdString();
    const nc::AttrValue* set = host.setValue(name.toStdString());
    if (set && nc::attrEquals(*set, nc::AttrValue(v))) return;
    if (!set && v.empty()) return;
    host.edited(name, nc::AttrValue(v));
  });
  e->load = [line](const nc::AttrValue* v) {
    if (hasFocusWithin(line)) return;
    line->setText(v && std::holds_alternative<std::string>(*v)
                      ? QString::fromStdString(std::get<std::string>(*v))
                      : QString());
  };
  return line;
}

// A tensor: its summary, read-only.
QWidget* tensorEditor(QWidget* row, AttrEditor* e) {
  auto* label = new QLabel(row);
  label->setTextInteractionFlags(Qt::TextSelectableByMouse);
  e->load = [label](const nc::AttrValue* v) {
    label->setText(v && std::holds_alternative<nc::Tensor>(*v)
                       ? fields::tensorSummary(std::get<nc::Tensor>(*v))
                       : QObject::tr("(unset)"));
  };
  return label;
}

QWidget* editorFor(QWidget* row, AttrEditor* e, const nc::AttrSpec& a, bool inputShape,
                   const AttrEditorHost& host) {
  switch (a.type) {
    case nc::AttrType::Int:
      return a.defaultValue ? intSpinEditor(row, e, a, host)
                            : intListEditor(row, e, a, inputShape, host);
    case nc::AttrType::Ints:
      return intListEditor(row, e, a, inputShape, host);
    case nc::AttrType::Float:
      return a.defaultValue ? floatSpinEditor(row, e, a, host) : floatListEditor(row, e, a, host);
    case nc::AttrType::Floats:
      return floatListEditor(row, e, a, host);
    case nc::AttrType::String:
      return a.choices.empty() ? stringEditor(row, e, a, host) : choiceEditor(row, e, a, host);
    case nc::AttrType::Tensor:
      return tensorEditor(row, e);
  }
  return tensorEditor(row, e);
}

}  // namespace

std::unique_ptr<AttrEditor> addAttrEditor(QFormLayout* form, QWidget* parent, const nc::AttrSpec& a,
                                          bool inputShape, const AttrEditorHost& host) {
  auto ed = std::make_unique<AttrEditor>();
  AttrEditor* e = ed.get();
  e->name = a.name;
  const QString qname = QString::fromStdString(a.name);

  QWidget* row = new QWidget(parent);
  auto* rowLayout = new QHBoxLayout(row);
  rowLayout->setContentsMargins(0, 0, 0, 0);
  rowLayout->setSpacing(4);
  e->editor = editorFor(row, e, a, inputShape, host);
  e->editor->setObjectName("attr_" + qname);
  e->editor->setToolTip("<qt>" + attrTooltip(a, inputShape) + "</qt>");
  e->editor->setSizePolicy(QSizePolicy::Expanding, QSizePolicy::Fixed);
  rowLayout->addWidget(e->editor, 1);

  e->reset = new QToolButton(row);
  e->reset->setObjectName("reset_" + qname);
  e->reset->setIcon(row->style()->standardIcon(QStyle::SP_DialogResetButton));
  e->reset->setAutoRaise(true);
  QSizePolicy keep = e->reset->sizePolicy();
  keep.setRetainSizeWhenHidden(true);  // editors line up whether or not an attribute is set
  e->reset->setSizePolicy(keep);
  e->reset->setToolTip(a.defaultValue
                           ? QObject::tr("Reset to the default (%1)")
                                 .arg(QString::fromStdString(nc::attrToString(*a.defaultValue)))
                           : QObject::tr("Unset"));
  QObject::connect(e->reset, &QToolButton::clicked, host.receiver,
                   [host, qname] { host.cleared(qname); });
  rowLayout->addWidget(e->reset);

  auto* cell = new QWidget(parent);
  auto* cellLayout = new QVBoxLayout(cell);
  cellLayout->setContentsMargins(0, 0, 0, 0);
  cellLayout->setSpacing(1);
  cellLayout->addWidget(row);
  e->error = errorLabel(cell, "error_" + qname);
  cellLayout->addWidget(e->error);

  auto* label = new QLabel(qname, parent);
  label->setToolTip(e->editor->toolTip());
  form->addRow(label, cell);
  return ed;
}

}  // namespace ncui
