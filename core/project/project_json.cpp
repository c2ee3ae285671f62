#include "core/project/project.h"

#include <algorithm>
#include <bit>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <map>
#include <nlohmann/json.hpp>
#include <set>

#include "core/base/error.h"
#include "core/onnx/onnx_io.h"
#include "core/ops/op.h"
#include "core/ops/registry.h"

namespace nc {

static_assert(std::endian::native == std::endian::little,
              "project weights are stored little-endian");

namespace {

using json = nlohmann::json;

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

// ---------------------------------------------------------------- writing

json floatToJson(float f) {
  if (std::isnan(f)) return "nan";
  if (std::isinf(f)) return f > 0 ? "inf" : "-inf";
  return double(f);  // double holds every float exactly; the dump round-trips doubles
}

class Writer {
 public:
  json tensorRef(const Tensor& t) {
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

  json attr(const AttrValue& v) {
    json j;
    j["type"] = attrTypeName(attrTypeOf(v));
    switch (attrTypeOf(v)) {
      case AttrType::Int:
        j["value"] = std::get<int64_t>(v);
        break;
      case AttrType::Float:
        j["value"] = floatToJson(std::get<float>(v));
        break;
      case AttrType::String:
        j["value"] = std::get<std::string>(v);
        break;
      case AttrType::Ints:
        j["value"] = std::get<std::vector<int64_t>>(v);
        break;
      case AttrType::Floats: {
        json a = json::array();
        for (float f : std::get<std::vector<float>>(v)) a.push_back(floatToJson(f));
        j["value"] = a;
        break;
      }
      case AttrType::Tensor:
        j["tensor"] = tensorRef(std::get<Tensor>(v));
        break;
    }
    return j;
  }

  json table_ = json::array();
  std::string weights_;

 private:
  std::vector<Tensor> tensors_;
  std::vector<std::pair<Tensor, size_t>> blobs_;
};

// ---------------------------------------------------------------- reading

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

class Reader {
 public:
  Reader(const json& table, const json* weightsInfo, const std::string& weights) {
    asArray(table, "\"tensors\"");
    if (table.empty()) return;
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
    std::map<std::pair<uint64_t, uint64_t>, Tensor> byOffset;
    for (size_t i = 0; i < table.size(); ++i) {
      std::string where = "tensor " + std::to_string(i);
      const json& e = table[i];
      const std::string& dt = asString(member(e, "dtype", where), where + " dtype");
      DType dtype;
      if (dt == "float32")
        dtype = DType::Float32;
      else if (dt == "int64")
        dtype = DType::Int64;
      else
        throw Error(where + " has unsupported dtype '" + dt + "'");
      Shape shape;
      for (auto& d : asArray(member(e, "shape", where), where + " shape")) {
        int64_t v = asInt(d, where + " dimension");
        if (v < 0) throw Error(where + " has a negative dimension");
        shape.push_back(v);
      }
      int64_t numel;
      try {
        numel = shapeNumel(shape);
      } catch (const Error& err) {
        throw Error(where + ": " + err.what());
      }
      int64_t offset = asInt(member(e, "offset", where), where + " offset");
      int64_t bytes = asInt(member(e, "bytes", where), where + " bytes");
      if (bytes != numel * int64_t(dtypeSize(dtype)))
        throw Error(where + ": " + std::to_string(bytes) + " bytes do not match " + dt +
                    shapeToString(shape));
      if (offset < int64_t(kAlign) || offset % int64_t(kAlign) != 0 ||
          offset > int64_t(weights.size()) || bytes > int64_t(weights.size()) - offset)
        throw Error(where + " (offset " + std::to_string(offset) + ", " + std::to_string(bytes) +
                    " bytes) lies outside the weights file (" + std::to_string(weights.size()) +
                    " bytes)");
      auto key = std::make_pair(uint64_t(offset), uint64_t(bytes));
      auto it = byOffset.find(key);
      Tensor t;
      if (it != byOffset.end() && it->second.dtype() == dtype) {
        t = it->second.reshaped(shape);
      } else {
        t = Tensor(dtype, shape);
        if (bytes) std::memcpy(t.raw(), weights.data() + offset, size_t(bytes));
        byOffset.emplace(key, t);
      }
      tensors_.push_back(t);
    }
  }

  Tensor tensor(const json& ref, const std::string& where) const {
    if (ref.is_null()) return Tensor();
    int64_t i = asInt(ref, where);
    if (i < 0 || i >= int64_t(tensors_.size()))
      throw Error(where + " refers to tensor " + std::to_string(i) + ", but the project has " +
                  std::to_string(tensors_.size()));
    return tensors_[size_t(i)];
  }

  AttrValue attr(const json& j, const std::string& where) const {
    const std::string& type = asString(member(j, "type", where), where + " type");
    auto value = [&]() -> const json& { return member(j, "value", where); };
    if (type == "int") return asInt(value(), where);
    if (type == "float") return asFloat(value(), where);
    if (type == "string") return asString(value(), where);
    if (type == "ints") {
      std::vector<int64_t> v;
      for (auto& x : asArray(value(), where)) v.push_back(asInt(x, where + " element"));
      return v;
    }
    if (type == "floats") {
      std::vector<float> v;
      for (auto& x : asArray(value(), where)) v.push_back(asFloat(x, where + " element"));
      return v;
    }
    if (type == "tensor") return tensor(member(j, "tensor", where), where);
    throw Error(where + " has unknown type '" + type + "'");
  }

 private:
  std::vector<Tensor> tensors_;
};

// Blocks (format version 2): parents may come after their children in the file, so blocks are
// added once their parent exists; a block whose parent never appears (or a parent cycle) is an
// error.
void readBlocks(Graph& g, const json& blocks, Reader& reader) {
  struct Pending {
    Block b;
    std::string where;
  };
  std::vector<Pending> pending;
  std::set<int64_t> ids;
  std::set<std::string> names;
  for (size_t k = 0; k < blocks.size(); ++k) {
    const json& jb = blocks[k];
    std::string where = "block #" + std::to_string(k + 1);
    if (!jb.is_object()) throw Error(where + " must be an object");
    int64_t id = asInt(member(jb, "id", where), where + " id");
    if (id <= 0 || id > int64_t(UINT32_MAX - 1)) throw Error(where + " has an invalid id " + std::to_string(id));
    if (!ids.insert(id).second) throw Error(where + ": block id " + std::to_string(id) + " is used twice");
    Block b;
    b.id = BlockId(id);
    b.name = asString(member(jb, "name", where), where + " name");
    if (b.name.empty()) throw Error(where + " has an empty name");
    where = "block '" + b.name + "'";
    if (!names.insert(b.name).second) throw Error("two blocks are named '" + b.name + "'");
    if (jb.contains("type")) b.type = asString(jb["type"], where + " type");
    if (jb.contains("params")) {
      const json& params = jb["params"];
      if (!params.is_object()) throw Error(where + " params must be an object");
      for (auto it = params.begin(); it != params.end(); ++it)
        b.params[it.key()] = reader.attr(it.value(), where + " parameter '" + it.key() + "'");
    }
    if (jb.contains("parent")) {
      int64_t p = asInt(jb["parent"], where + " parent");
      if (p <= 0 || p > int64_t(UINT32_MAX - 1)) throw Error(where + " has an invalid parent");
      b.parent = BlockId(p);
    }
    if (jb.contains("collapsed")) {
      if (!jb["collapsed"].is_boolean()) throw Error(where + " collapsed must be true or false");
      b.collapsed = jb["collapsed"].get<bool>();
    }
    if (jb.contains("position")) {
      const json& p = asArray(jb["position"], where + " position");
      if (p.size() != 2) throw Error(where + " position must be [x, y]");
      b.x = asNumber(p[0], where + " position");
      b.y = asNumber(p[1], where + " position");
    }
    pending.push_back({std::move(b), where});
  }
  while (!pending.empty()) {
    size_t before = pending.size();
    for (size_t i = 0; i < pending.size();) {
      if (pending[i].b.parent == kNoBlock || g.containsBlock(pending[i].b.parent)) {
        g.addBlock(pending[i].b);
        pending.erase(pending.begin() + std::ptrdiff_t(i));
      } else {
        ++i;
      }
    }
    if (pending.size() == before)
      throw Error(pending.front().where + " refers to parent block " + std::to_string(pending.front().b.parent) +
                  ", which does not exist or is inside it");
  }
}

Graph graphFromJson(const json& doc, const std::string& weights) {
  if (!doc.is_object() || !doc.contains("format") || !doc["format"].is_string() ||
      doc["format"].get<std::string>() != kProjectFormatName)
    throw Error("not a NetCanvas project (no \"format\": \"" + std::string(kProjectFormatName) +
                "\")");
  int64_t version = asInt(member(doc, "version", "the project"), "\"version\"");
  if (version > kProjectFormatVersion)
    throw Error("the project has format version " + std::to_string(version) +
                ", newer than this NetCanvas reads (" + std::to_string(kProjectFormatVersion) +
                "); update NetCanvas");
  if (version < 1)
    throw Error("the project has an invalid format version " + std::to_string(version));

  const json* weightsInfo =
      doc.contains("weights") && !doc["weights"].is_null() ? &doc["weights"] : nullptr;
  static const json kEmpty = json::array();
  Reader reader(doc.contains("tensors") ? doc["tensors"] : kEmpty, weightsInfo, weights);

  Graph g;
  if (doc.contains("blocks")) readBlocks(g, asArray(doc["blocks"], "\"blocks\""), reader);
  struct Link {
    PortRef from, to;
  };
  std::vector<Link> links;
  std::set<std::string> names;
  const json& nodes = asArray(member(doc, "nodes", "the project"), "\"nodes\"");
  for (size_t k = 0; k < nodes.size(); ++k) {
    const json& jn = nodes[k];
    std::string where = "node #" + std::to_string(k + 1);
    int64_t id = asInt(member(jn, "id", where), where + " id");
    if (id <= 0 || id > int64_t(UINT32_MAX - 1))
      throw Error(where + " has an invalid id " + std::to_string(id));
    if (g.contains(NodeId(id)))
      throw Error(where + ": id " + std::to_string(id) + " is used twice");
    Node n;
    n.id = NodeId(id);
    n.op = asString(member(jn, "op", where), where + " op");
    n.name = asString(member(jn, "name", where), where + " name");
    if (n.name.empty()) throw Error(where + " has an empty name");
    where = "node '" + n.name + "' (" + n.op + ")";
    if (!names.insert(n.name).second) throw Error("two nodes are named '" + n.name + "'");
    const OpSpec* spec = findOp(n.op);
    if (!spec) throw Error(where + ": unknown op type '" + n.op + "'");
    if (jn.contains("position")) {
      const json& p = asArray(jn["position"], where + " position");
      if (p.size() != 2) throw Error(where + " position must be [x, y]");
      n.x = asNumber(p[0], where + " position");
      n.y = asNumber(p[1], where + " position");
    }
    if (jn.contains("block")) {
      int64_t b = asInt(jn["block"], where + " block");
      if (b <= 0 || b > int64_t(UINT32_MAX - 1) || !g.containsBlock(BlockId(b)))
        throw Error(where + " refers to block " + std::to_string(b) + ", which does not exist");
      n.block = BlockId(b);
    }
    if (jn.contains("attrs")) {
      const json& attrs = jn["attrs"];
      if (!attrs.is_object()) throw Error(where + " attrs must be an object");
      for (auto it = attrs.begin(); it != attrs.end(); ++it) {
        std::string aw = where + " attribute '" + it.key() + "'";
        const AttrSpec* as = spec->findAttr(it.key());
        if (!as) throw Error(where + ": op " + n.op + " has no attribute '" + it.key() + "'");
        AttrValue v = reader.attr(it.value(), aw);
        if (attrTypeOf(v) != as->type)
          throw Error(aw + " should be " + attrTypeName(as->type) + ", got " +
                      attrTypeName(attrTypeOf(v)));
        n.attrs[it.key()] = std::move(v);
      }
    }
    size_t fixed = 0;
    for (auto& p : spec->inputs)
      if (!p.variadic) ++fixed;
    bool variadic = !spec->inputs.empty() && spec->inputs.back().variadic;
    const json& ins = jn.contains("inputs") ? asArray(jn["inputs"], where + " inputs") : kEmpty;
    size_t count = ins.size();
    if (variadic ? count < fixed + 1 : count != fixed)
      throw Error(where + " has " + std::to_string(count) + " inputs; " + n.op + " has " +
                  (variadic ? "at least " + std::to_string(fixed + 1) : std::to_string(fixed)));
    n.inputs.resize(count);
    for (size_t i = 0; i < count; ++i) {
      const json& b = ins[i];
      std::string iw = where + " input " + std::to_string(i);
      if (b.is_null()) continue;
      if (!b.is_object()) throw Error(iw + " must be an object or null");
      if (b.contains("constant"))
        n.inputs[i].constant = reader.tensor(b["constant"], iw + " constant");
      if (b.contains("node")) {
        int64_t src = asInt(b["node"], iw + " node");
        int64_t port = asInt(member(b, "port", iw), iw + " port");
        if (src <= 0 || src > int64_t(UINT32_MAX - 1) || port < 0 || port > 1 << 20)
          throw Error(iw + " refers to an invalid port");
        links.push_back({{NodeId(src), int(port)}, {n.id, int(i)}});
      }
    }
    // Output ports: the spec's required ones, up to its optional trailing ones, or any number
    // of a variadic last one.
    const int specOuts = int(spec->outputs.size());
    int required = 0;
    while (required < specOuts && !spec->outputs[size_t(required)].optional) ++required;
    const bool variadicOut = specOuts > 0 && spec->outputs.back().variadic;
    const int64_t lo = variadicOut ? 1 : required, hi = variadicOut ? int64_t(1) << 16 : specOuts;
    n.numOutputs = required;
    if (jn.contains("outputs")) {
      int64_t outs = asInt(jn["outputs"], where + " outputs");
      if (outs < lo || outs > hi)
        throw Error(
            where + " has " + std::to_string(outs) + " outputs; " + n.op + " has " +
            (lo == hi ? std::to_string(lo) : std::to_string(lo) + " to " + std::to_string(hi)));
      n.numOutputs = int(outs);
    }
    g.restoreNode(n);
  }
  for (const Link& l : links) {
    const Node* src = g.findNode(l.from.node);
    const Node& dst = g.node(l.to.node);
    if (!src)
      throw Error("node '" + dst.name + "' input " + std::to_string(l.to.port) +
                  " refers to node " + std::to_string(l.from.node) + ", which does not exist");
    g.connect(l.from, l.to);  // checks the output port and refuses cycles
  }
  return g;
}

}  // namespace

ProjectBytes serializeProject(const Graph& g) {
  Writer w;
  json doc;
  doc["format"] = kProjectFormatName;
  doc["version"] = kProjectFormatVersion;
  doc["producer"] = "NetCanvas 0.1.0";
  json nodes = json::array();
  for (NodeId id : g.nodeIds()) {
    const Node& n = g.node(id);
    json jn;
    jn["id"] = n.id;
    jn["op"] = n.op;
    jn["name"] = n.name;
    jn["position"] = {std::isfinite(n.x) ? n.x : 0.0,
                      std::isfinite(n.y) ? n.y : 0.0};  // JSON has no NaN
    json attrs = json::object();
    for (auto& [k, v] : n.attrs) attrs[k] = w.attr(v);
    jn["attrs"] = attrs;
    if (n.block != kNoBlock) jn["block"] = n.block;
    json ins = json::array();
    for (const InputBinding& b : n.inputs) {
      if (!b.source && b.constant.empty()) {
        ins.push_back(nullptr);
        continue;
      }
      json jb = json::object();
      if (b.source) {
        jb["node"] = b.source->node;
        jb["port"] = b.source->port;
      }
      if (!b.constant.empty()) jb["constant"] = w.tensorRef(b.constant);
      ins.push_back(jb);
    }
    jn["inputs"] = ins;
    jn["outputs"] = n.numOutputs;
    nodes.push_back(jn);
  }
  doc["nodes"] = nodes;
  if (!g.blocks().empty()) {
    json blocks = json::array();
    for (auto& [id, b] : g.blocks()) {
      json jb;
      jb["id"] = id;
      jb["name"] = b.name;
      jb["type"] = b.type;
      json params = json::object();
      for (auto& [k, v] : b.params) params[k] = w.attr(v);
      jb["params"] = params;
      if (b.parent != kNoBlock) jb["parent"] = b.parent;
      jb["collapsed"] = b.collapsed;
      jb["position"] = {std::isfinite(b.x) ? b.x : 0.0, std::isfinite(b.y) ? b.y : 0.0};
      blocks.push_back(jb);
    }
    doc["blocks"] = blocks;
  }
  doc["tensors"] = w.table_;
  ProjectBytes out;
  out.weights = w.weights_;
  if (!out.weights.empty())
    doc["weights"] = {{"bytes", out.weights.size()}, {"fnv1a64", hex64(fnv1a64(out.weights))}};
  try {
    out.json = doc.dump(1) + "\n";
  } catch (const json::exception& e) {
    throw Error(std::string("cannot write the project: ") + e.what() +
                " (names and strings must be UTF-8)");
  }
  return out;
}

Graph deserializeProject(const std::string& text, const std::string& weights) {
  json doc;
  try {
    doc = json::parse(text);
  } catch (const json::parse_error& e) {
    if (text.empty()) throw Error("the project file is empty");
    throw Error("not a valid project file: JSON syntax error at byte " + std::to_string(e.byte) +
                " (truncated or corrupted)");
  }
  try {
    return graphFromJson(doc, weights);
  } catch (const json::exception& e) {
    throw Error(std::string("malformed project: ") + e.what());
  }
}

std::string weightsPathFor(const std::string& projectPath) { return projectPath + ".weights"; }

void saveProject(const Graph& g, const std::string& path) {
  ProjectBytes b = serializeProject(g);
  std::string wp = weightsPathFor(path);
  if (!b.weights.empty()) writeFileAtomic(wp, b.weights);
  writeFileAtomic(path, b.json);
  if (b.weights.empty()) {
    std::error_code ec;
    std::filesystem::remove(wp, ec);  // a stale sidecar of an earlier save; harmless if absent
  }
}

Graph loadProject(const std::string& path) {
  try {
    std::string text = readFileBytes(path);
    std::string wp = weightsPathFor(path);
    std::string weights;
    if (std::filesystem::exists(wp)) weights = readFileBytes(wp);
    return deserializeProject(text, weights);
  } catch (const Error& e) {
    throw Error(path + ": " + e.what());
  }
}

bool isOnnxPath(const std::string& path) {
  std::string ext = std::filesystem::path(path).extension().string();
  std::transform(ext.begin(), ext.end(), ext.begin(),
                 [](unsigned char c) { return char(std::tolower(c)); });
  return ext == ".onnx";
}

Graph loadGraphFile(const std::string& path) {
  return isOnnxPath(path) ? importModel(path) : loadProject(path);
}

}  // namespace nc
