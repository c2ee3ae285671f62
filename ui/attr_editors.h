#pragma once
// The node inspector's attribute editors, generated from an op's AttrSpec: one builder per
// attribute type (a spin box for an int or float with a default, a line editor for lists and
// optional single values, a combo for string choices, a line edit for free strings, a summary
// for tensors), each with a reset button and an inline error line. Editors never touch the
// graph: they report through an AttrEditorHost, which the inspector turns into its requests.
//
// Spin boxes report on every valueChanged; list and text editors when editing finishes, and
// only valid text (errors are shown inline while typing). An emptied list field unsets the
// attribute.
#include <QString>
#include <functional>
#include <memory>
#include <string>

#include "core/ops/op.h"

class QFormLayout;
class QLabel;
class QObject;
class QToolButton;
class QWidget;

namespace ncui {

// What the editors of one node read and report to.
struct AttrEditorHost {
  // Context object of every connection the editors make: the inspector disconnects everything
  // from its content to it before dropping the content.
  QObject* receiver = nullptr;
  std::function<void(const QString& name, const nc::AttrValue& value)> edited;
  std::function<void(const QString& name)> cleared;
  // The value explicitly set on the node (null when unset) and the one shown (set or default).
  std::function<const nc::AttrValue*(const std::string& name)> setValue;
  std::function<const nc::AttrValue*(const std::string& name)> shownValue;
};

// One attribute's editor: the widget, its reset button, its inline error and how to show a
// value (set or default) in it.
struct AttrEditor {
  std::string name;
  QWidget* editor = nullptr;
  QToolButton* reset = nullptr;
  QLabel* error = nullptr;
  std::function<void(const nc::AttrValue*)> load;
};

// Adds the labelled row of `a` to `form` (widgets parented to `parent`). `inputShape`: the
// shape of an Input, where -1 marks a dynamic dimension.
std::unique_ptr<AttrEditor> addAttrEditor(QFormLayout* form, QWidget* parent, const nc::AttrSpec& a,
                                          bool inputShape, const AttrEditorHost& host);

}  // namespace ncui
