#include "core/project/weights_file.h"

#include <bit>
#include <cstdio>
#include <cstring>
#include <map>

#include "core/base/error.h"

namespace nc::projectfile {

static_assert(std::endian::native == std::endian::little,
              "project weights are stored little-endian");

namespace {

constexpr size_t kAlign = 64;
constexpr char kWeightsMagic[] = "NCWEIGHTS";  // followed by the version byte
constexpr int kWeightsFormatVersion = 1;       // the sidecar layout (independent of the JSON's)

uint64_t fnv1a64(const std::string& bytes) {
  uint64_t h = 1469598103934665603ull;
  for (unsigned char c : bytes) {
    h ^= c;
    h *= 1099511628211ull;
  }
  return h;
}

std::string hex64(uint64_t v) {
  char buf[17];
  std::snprintf(buf, sizeof buf, "%016llx", static_cast<unsigned long long>(v));
  return buf;
}

std::string weightsHeader() {
  std::string h(kAlign, '\0');
  std::memcpy(h.data(), kWeightsMagic, sizeof kWeightsMagic - 1);
  h[sizeof kWeightsMagic - 1] = char(kWeightsFormatVersion);
  return h;
}

// Checks the sidecar against the JSON's "weights" entry and its own header.
void checkWeightsFile(const json* weightsInfo, const std::string& weights) {
  if (!weightsInfo) throw Error("the project lists tensors but no \"weights\" entry");
  if (weights.empty())
    throw Error("the weights file (the project path + \".weights\") is missing or empty");
  int64_t expectBytes = asInt(member(*weightsInfo, "bytes", "\"weights\""), "\"weights\".bytes");
  const std::string& expectHash =
      asString(member(*weightsInfo, "fnv1a64", "\"weights\""), "\"weights\".fnv1a64");
  if (int64_t(weights.size()) != expectBytes)
    throw Error("the weights file has " + std::to_string(weights.size()) +
                " bytes, the project expects " + std::to_string(expectBytes) +
                " (truncated, or from another save)");
  std::string header = weightsHeader();
  if (weights.size() < kAlign || weights.compare(0, sizeof kWeightsMagic - 1, kWeightsMagic) != 0)
    throw Error("the weights file is not a NetCanvas weights file (bad header)");
  if (weights[sizeof kWeightsMagic - 1] != header[sizeof kWeightsMagic - 1])
    throw Error("the weights file has format version " +
                std::to_string(int(weights[sizeof kWeightsMagic - 1])) + ", expected " +
                std::to_string(kWeightsFormatVersion));
  if (hex64(fnv1a64(weights)) != expectHash)
    throw Error(
        "the weights file does not match the project (checksum differs: it is from another "
        "save)");
}

// One entry of the "tensors" table, checked against the sidecar's size.
struct TensorEntry {
  DType dtype = DType::Float32;
  Shape shape;
  int64_t offset = 0, bytes = 0;
};

TensorEntry readTensorEntry(const json& e, const std::string& where, size_t fileSize) {
  TensorEntry t;
  const std::string& dt = asString(member(e, "dtype", where), where + " dtype");
  if (dt == "float32")
    t.dtype = DType::Float32;
  else if (dt == "int64")
    t.dtype = DType::Int64;
  else
    throw Error(where + " has unsupported dtype '" + dt + "'");
  for (auto& d : asArray(member(e, "shape", where), where + " shape")) {
    int64_t v = asInt(d, where + " dimension");
    if (v < 0) throw Error(where + " has a negative dimension");
    t.shape.push_back(v);
  }
  int64_t numel;
  try {
    numel = shapeNumel(t.shape);
  } catch (const Error& err) {
    throw Error(where + ": " + err.what());
  }
  t.offset = asInt(member(e, "offset", where), where + " offset");
  t.bytes = asInt(member(e, "bytes", where), where + " bytes");
  if (t.bytes != numel * int64_t(dtypeSize(t.dtype)))
    throw Error(where + ": " + std::to_string(t.bytes) + " bytes do not match " + dt +
                shapeToString(t.shape));
  if (t.offset < int64_t(kAlign) || t.offset % int64_t(kAlign) != 0 ||
      t.offset > int64_t(fileSize) || t.bytes > int64_t(fileSize) - t.offset)
    throw Error(where + " (offset " + std::to_string(t.offset) + ", " + std::to_string(t.bytes) +
                " bytes) lies outside the weights file (" + std::to_string(fileSize) + " bytes)");
  return t;
}

}  // namespace

json WeightsWriter::tensorRef(const Tensor& t) {
  if (t.empty()) return nullptr;
  for (size_t i = 0; i < tensors_.size(); ++i)
    if (tensors_[i].sharesStorageWith(t) && tensors_[i].shape() == t.shape() &&
        tensors_[i].dtype() == t.dtype())
      return i;
  // Storage written once: a reshaped view of an earlier tensor reuses its offset.
  size_t offset = 0;
  bool found = false;
  for (auto& [tensor, off] : blobs_)
    if (tensor.sharesStorageWith(t) && tensor.bytes() == t.bytes()) {
      offset = off;
      found = true;
      break;
    }
  if (!found) {
    if (weights_.empty()) weights_ = weightsHeader();
    offset = weights_.size();
    weights_.append(static_cast<const char*>(t.raw()), t.bytes());
    weights_.resize((weights_.size() + kAlign - 1) / kAlign * kAlign, '\0');
    blobs_.emplace_back(t, offset);
  }
  table_.push_back({{"dtype", dtypeName(t.dtype())},
                    {"shape", t.shape()},
                    {"offset", offset},
                    {"bytes", t.bytes()}});
  tensors_.push_back(t);
  return tensors_.size() - 1;
}

json weightsInfo(const std::string& weights) {
  return {{"bytes", weights.size()}, {"fnv1a64", hex64(fnv1a64(weights))}};
}

WeightsReader::WeightsReader(const json& table, const json* weightsInfo,
                             const std::string& weights) {
  asArray(table, "\"tensors\"");
  if (table.empty()) return;
  checkWeightsFile(weightsInfo, weights);
  std::map<std::pair<uint64_t, uint64_t>, Tensor> byOffset;
  for (size_t i = 0; i < table.size(); ++i) {
    const TensorEntry e = readTensorEntry(table[i], "tensor " + std::to_string(i), weights.size());
    auto key = std::make_pair(uint64_t(e.offset), uint64_t(e.bytes));
    auto it = byOffset.find(key);
    Tensor t;
    if (it != byOffset.end() && it->second.dtype() == e.dtype) {
      t = it->second.reshaped(e.shape);
    } else {
      t = Tensor(e.dtype, e.shape);
      if (e.bytes) std::memcpy(t.raw(), weights.data() + e.offset, size_t(e.bytes));
      byOffset.emplace(key, t);
    }
    tensors_.push_back(t);
  }
}

Tensor WeightsReader::tensor(const json& ref, const std::string& where) const {
  if (ref.is_null()) return Tensor();
  int64_t i = asInt(ref, where);
  if (i < 0 || i >= int64_t(tensors_.size()))
    throw Error(where + " refers to tensor " + std::to_string(i) + ", but the project has " +
                std::to_string(tensors_.size()));
  return tensors_[size_t(i)];
}

}  // namespace nc::projectfile
