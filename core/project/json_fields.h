#pragma once
// JSON field access for project files (internal to core/project). Each reader checks the JSON
// type and throws nc::Error naming `where` (e.g. "node 'conv' (Conv) position") and what it got.
#include <nlohmann/json.hpp>
#include <string>

namespace nc::projectfile {

using json = nlohmann::json;

// j[key]; j must be an object holding key.
const json& member(const json& j, const char* key, const std::string& where);
int64_t asInt(const json& j, const std::string& where);
double asNumber(const json& j, const std::string& where);
const std::string& asString(const json& j, const std::string& where);
// A number in float range, or one of the strings "nan", "inf", "-inf".
float asFloat(const json& j, const std::string& where);
const json& asArray(const json& j, const std::string& where);

// A float as asFloat reads it back: a number with round-trip precision, or "nan", "inf", "-inf".
json floatToJson(float f);

}  // namespace nc::projectfile
