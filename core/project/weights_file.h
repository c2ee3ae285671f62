#pragma once
// The weights sidecar of a project (internal to core/project; project.h describes the format):
// a 64-byte header, then each tensor's bytes at a 64-byte aligned offset, listed in the JSON's
// "tensors" table and checked against its "weights" entry (size and FNV-1a hash).
#include <string>
#include <vector>

#include "core/project/json_fields.h"
#include "core/tensor/tensor.h"

namespace nc::projectfile {

// Collects the tensors of a graph being saved: the "tensors" table and the sidecar bytes.
// Storage shared by several tensors is written once.
class WeightsWriter {
 public:
  // The index of `t` in the table (null for an empty tensor), adding it if it is new.
  json tensorRef(const Tensor& t);

  const json& table() const { return table_; }
  const std::string& bytes() const { return weights_; }  // "" when no tensor was added

 private:
  json table_ = json::array();
  std::string weights_;
  std::vector<Tensor> tensors_;                   // the table's tensors
  std::vector<std::pair<Tensor, size_t>> blobs_;  // storage written, at its offset
};

// The "weights" entry for sidecar bytes: {"bytes": size, "fnv1a64": hash}.
json weightsInfo(const std::string& weights);

// The tensors of a project being loaded, read from the sidecar bytes after checking them
// (size, header, format version, hash) and every table entry (dtype, shape, bounds). Entries
// at the same offset share storage again.
class WeightsReader {
 public:
  // `weightsInfo` is the JSON's "weights" entry (null if absent); `weights` is only read when
  // the table lists tensors.
  WeightsReader(const json& table, const json* weightsInfo, const std::string& weights);

  // The tensor a JSON reference names (an empty tensor for null).
  Tensor tensor(const json& ref, const std::string& where) const;

 private:
  std::vector<Tensor> tensors_;
};

}  // namespace nc::projectfile
