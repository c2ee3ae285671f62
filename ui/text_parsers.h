#pragma once
// The inspector's text forms of numbers and lists: "1, 2, 3" / "[1 2 3]" read into values with
// an error message naming the bad token, and values written back the same way. Qt strings, no
// widgets.
#include <QString>
#include <cstdint>
#include <optional>
#include <vector>

namespace ncui {

// "1, 2, 3" / "[1 2 3]" -> values; nullopt with `error` set when invalid or out of [lo, hi].
std::optional<std::vector<int64_t>> parseIntList(const QString& text, QString* error,
                                                 double lo = -1e300, double hi = 1e300);
std::optional<std::vector<float>> parseFloatList(const QString& text, QString* error);

// Seven significant digits, scientific where shorter ("1e-05").
QString formatFloat(double v);
QString intsText(const std::vector<int64_t>& v);  // "1, 2, 3"
QString floatsText(const std::vector<float>& v);

}  // namespace ncui
