// Validators for netcanvas-cli's options: the checks and messages of the hand-written parser it
// replaced, now run by CLI11 while parsing.
#include <CLI/CLI.hpp>

#include "app/cli/commands.h"

namespace nc::cli {

CLI::Validator integerIn(int lo, int hi) {
  const std::string range = std::to_string(lo) + ".." + std::to_string(hi);
  return CLI::Validator(
      [lo, hi, range](std::string& s) -> std::string {
        try {
          size_t used = 0;
          long v = std::stol(s, &used, 10);
          if (used == s.size() && v >= lo && v <= hi) {
            s = std::to_string(v);
            return {};
          }
        } catch (const std::exception&) {
        }
        return "must be an integer in " + range + ", got '" + s + "'";
      },
      range);
}

CLI::Validator oneOf(const std::string& what, const std::vector<std::string>& names) {
  std::string list;
  for (const std::string& n : names) list += (list.empty() ? "" : ", ") + n;
  return CLI::Validator(
      [what, names, list](std::string& s) -> std::string {
        if (std::find(names.begin(), names.end(), s) != names.end()) return {};
        return "unknown " + what + " '" + s + "' (" + list + ")";
      },
      "");
}

CLI::Validator nameEqualsFile() {
  return CLI::Validator(
      [](std::string& s) -> std::string {
        auto eq = s.find('=');
        if (eq == std::string::npos || eq == 0) return "expects NAME=FILE, got '" + s + "'";
        return {};
      },
      "");
}

}  // namespace nc::cli
