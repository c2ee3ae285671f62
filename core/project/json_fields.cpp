#include "core/project/json_fields.h"

#include <cmath>
#include <limits>

#include "core/base/error.h"

namespace nc::projectfile {

const json& member(const json& j, const char* key, const std::string& where) {
  if (!j.is_object()) throw Error(where + " is not a JSON object");
  auto it = j.find(key);
  if (it == j.end()) throw Error(where + " has no \"" + key + "\"");
  return *it;
}

int64_t asInt(const json& j, const std::string& where) {
  if (!j.is_number_integer())
    throw Error(where + " must be an integer, got " + std::string(j.type_name()));
  if (j.is_number_unsigned() && j.get<uint64_t>() > uint64_t(INT64_MAX))
    throw Error(where + " is out of range");
  return j.get<int64_t>();
}

double asNumber(const json& j, const std::string& where) {
  if (!j.is_number()) throw Error(where + " must be a number, got " + std::string(j.type_name()));
  return j.get<double>();
}

const std::string& asString(const json& j, const std::string& where) {
  if (!j.is_string()) throw Error(where + " must be a string, got " + std::string(j.type_name()));
  return j.get_ref<const std::string&>();
}

float asFloat(const json& j, const std::string& where) {
  if (j.is_string()) {
    const std::string& s = j.get_ref<const std::string&>();
    if (s == "nan") return std::nanf("");
    if (s == "inf") return INFINITY;
    if (s == "-inf") return -INFINITY;
    throw Error(where + " must be a number (or \"nan\", \"inf\", \"-inf\"), got \"" + s + "\"");
  }
  double d = asNumber(j, where);
  if (std::isfinite(d) && std::fabs(d) > double(std::numeric_limits<float>::max()))
    throw Error(where + " is out of float range");
  return float(d);
}

const json& asArray(const json& j, const std::string& where) {
  if (!j.is_array()) throw Error(where + " must be an array, got " + std::string(j.type_name()));
  return j;
}

json floatToJson(float f) {
  if (std::isnan(f)) return "nan";
  if (std::isinf(f)) return f > 0 ? "inf" : "-inf";
  return double(f);  // double holds every float exactly; the dump round-trips doubles
}

}  // namespace nc::projectfile
