// libFuzzer target: an untrusted project (.ncproj JSON + .ncproj.weights sidecar) ->
// deserializeProject. The input is the JSON followed by the sidecar: it splits at the first
// "NCWEIGHTS" (the sidecar's magic); without one the sidecar is empty. A seed is simply
// `cat x.ncproj x.ncproj.weights`.
//
// The JSON carries the sidecar's size and FNV-1a hash, which a mutated sidecar never matches, so
// each input is tried twice: as it is, and (when the JSON parses and has a "weights" object) with
// the size and hash rewritten to match, which lets the mutations reach the tensor table checks.
#include <cstdio>

#include <nlohmann/json.hpp>

#include "core/project/project.h"
#include "tests/fuzz/fuzz_common.h"

namespace {

std::string fnv1a64Hex(const std::string& bytes) {
  uint64_t h = 1469598103934665603ull;
  for (unsigned char c : bytes) {
    h ^= c;
    h *= 1099511628211ull;
  }
  char buf[17];
  std::snprintf(buf, sizeof buf, "%016llx", static_cast<unsigned long long>(h));
  return buf;
}

// The JSON with "weights" describing `weights`, or "" when it does not parse or has no such object.
std::string withMatchingHash(const std::string& json, const std::string& weights) {
  auto doc = nlohmann::json::parse(json, nullptr, /*allow_exceptions=*/false);
  if (!doc.is_object() || !doc.contains("weights") || !doc["weights"].is_object()) return {};
  doc["weights"]["bytes"] = weights.size();
  doc["weights"]["fnv1a64"] = fnv1a64Hex(weights);
  return doc.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string input = nc::fuzz::bytesOf(data, size);
  const size_t split = input.find("NCWEIGHTS");
  const std::string json = input.substr(0, split);
  const std::string weights = split == std::string::npos ? std::string() : input.substr(split);
  nc::fuzz::expectCleanResult([&] { nc::deserializeProject(json, weights); });
  const std::string fixed = withMatchingHash(json, weights);
  if (!fixed.empty()) nc::fuzz::expectCleanResult([&] { nc::deserializeProject(fixed, weights); });
  return 0;
}
