// The project's JSON document <-> Graph (project.h describes the format); tensors go through
// the weights sidecar (weights_file.h).
#include <cmath>
#include <set>

#include "core/base/error.h"
#include "core/ops/op.h"
#include "core/ops/registry.h"
#include "core/project/json_fields.h"
#include "core/project/project.h"
#include "core/project/weights_file.h"

namespace nc {

using namespace projectfile;

namespace {

const json& emptyArray() {
  static const json kEmpty = json::array();
  return kEmpty;
}

// ---------------------------------------------------------------- writing

json attrToJson(const AttrValue& v, WeightsWriter& w) {
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
      j["tensor"] = w.tensorRef(std::get<Tensor>(v));
      break;
  }
  return j;
}

json attrsToJson(const std::map<std::string, AttrValue>& attrs, WeightsWriter& w) {
  json j = json::object();
  for (auto& [k, v] : attrs) j[k] = attrToJson(v, w);
  return j;
}

json positionToJson(double x, double y) {
  return {std::isfinite(x) ? x : 0.0, std::isfinite(y) ? y : 0.0};  // JSON has no NaN
}

json nodeToJson(const Node& n, WeightsWriter& w) {
  json jn;
  jn["id"] = n.id;
  jn["op"] = n.op;
  jn["name"] = n.name;
  jn["position"] = positionToJson(n.x, n.y);
  jn["attrs"] = attrsToJson(n.attrs, w);
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
  return jn;
}

json blockToJson(BlockId id, const Block& b, WeightsWriter& w) {
  json jb;
  jb["id"] = id;
  jb["name"] = b.name;
  jb["type"] = b.type;
  jb["params"] = attrsToJson(b.params, w);
  if (b.parent != kNoBlock) jb["parent"] = b.parent;
  jb["collapsed"] = b.collapsed;
  jb["position"] = positionToJson(b.x, b.y);
  return jb;
}

// ---------------------------------------------------------------- reading

AttrValue attrFromJson(const json& j, const std::string& where, const WeightsReader& reader) {
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
  if (type == "tensor") return reader.tensor(member(j, "tensor", where), where);
  throw Error(where + " has unknown type '" + type + "'");
}

// An optional "position": [x, y] of a node or block.
void readPosition(const json& j, const std::string& where, double& x, double& y) {
  if (!j.contains("position")) return;
  const json& p = asArray(j["position"], where + " position");
  if (p.size() != 2) throw Error(where + " position must be [x, y]");
  x = asNumber(p[0], where + " position");
  y = asNumber(p[1], where + " position");
}

// A node or block id: 1 .. UINT32_MAX - 1.
bool validId(int64_t id) { return id > 0 && id <= int64_t(UINT32_MAX - 1); }

void checkFormat(const json& doc) {
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
}

// ---- blocks

// One block entry; `where` becomes "block 'NAME'". Ids and names must be unique.
Block readBlock(const json& jb, std::string& where, std::set<int64_t>& ids,
                std::set<std::string>& names, const WeightsReader& reader) {
  if (!jb.is_object()) throw Error(where + " must be an object");
  int64_t id = asInt(member(jb, "id", where), where + " id");
  if (!validId(id)) throw Error(where + " has an invalid id " + std::to_string(id));
  if (!ids.insert(id).second)
    throw Error(where + ": block id " + std::to_string(id) + " is used twice");
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
      b.params[it.key()] =
          attrFromJson(it.value(), where + " parameter '" + it.key() + "'", reader);
  }
  if (jb.contains("parent")) {
    int64_t p = asInt(jb["parent"], where + " parent");
    if (!validId(p)) throw Error(where + " has an invalid parent");
    b.parent = BlockId(p);
  }
  if (jb.contains("collapsed")) {
    if (!jb["collapsed"].is_boolean()) throw Error(where + " collapsed must be true or false");
    b.collapsed = jb["collapsed"].get<bool>();
  }
  readPosition(jb, where, b.x, b.y);
  return b;
}

// Blocks (format version 2): parents may come after their children in the file, so blocks are
// added once their parent exists; a block whose parent never appears (or a parent cycle) is an
// error.
void readBlocks(Graph& g, const json& blocks, const WeightsReader& reader) {
  struct Pending {
    Block b;
    std::string where;
  };
  std::vector<Pending> pending;
  std::set<int64_t> ids;
  std::set<std::string> names;
  for (size_t k = 0; k < blocks.size(); ++k) {
    std::string where = "block #" + std::to_string(k + 1);
    Block b = readBlock(blocks[k], where, ids, names, reader);
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
      throw Error(pending.front().where + " refers to parent block " +
                  std::to_string(pending.front().b.parent) +
                  ", which does not exist or is inside it");
  }
}

// ---- nodes

// A connection read from a node's inputs; made once every node exists.
struct Link {
  PortRef from, to;
};

// The node's "attrs", checked against its op's attribute names and types.
void readAttrs(const json& jn, const std::string& where, const OpSpec& spec, Node& n,
               const WeightsReader& reader) {
  if (!jn.contains("attrs")) return;
  const json& attrs = jn["attrs"];
  if (!attrs.is_object()) throw Error(where + " attrs must be an object");
  for (auto it = attrs.begin(); it != attrs.end(); ++it) {
    std::string aw = where + " attribute '" + it.key() + "'";
    const AttrSpec* as = spec.findAttr(it.key());
    if (!as) throw Error(where + ": op " + n.op + " has no attribute '" + it.key() + "'");
    AttrValue v = attrFromJson(it.value(), aw, reader);
    if (attrTypeOf(v) != as->type)
      throw Error(aw + " should be " + attrTypeName(as->type) + ", got " +
                  attrTypeName(attrTypeOf(v)));
    n.attrs[it.key()] = std::move(v);
  }
}

// The node's "inputs": as many as its op has, each null, a constant and/or a connection.
void readInputs(const json& jn, const std::string& where, const OpSpec& spec, Node& n,
                const WeightsReader& reader, std::vector<Link>& links) {
  size_t fixed = 0;
  for (auto& p : spec.inputs)
    if (!p.variadic) ++fixed;
  bool variadic = !spec.inputs.empty() && spec.inputs.back().variadic;
  const json& ins = jn.contains("inputs") ? asArray(jn["inputs"], where + " inputs") : emptyArray();
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
      if (!validId(src) || port < 0 || port > 1 << 20)
        throw Error(iw + " refers to an invalid port");
      links.push_back({{NodeId(src), int(port)}, {n.id, int(i)}});
    }
  }
}

// The node's output port count: the spec's required ones, up to its optional trailing ones, or
// any number of a variadic last one.
void readOutputCount(const json& jn, const std::string& where, const OpSpec& spec, Node& n) {
  const int specOuts = int(spec.outputs.size());
  int required = 0;
  while (required < specOuts && !spec.outputs[size_t(required)].optional) ++required;
  const bool variadicOut = specOuts > 0 && spec.outputs.back().variadic;
  const int64_t lo = variadicOut ? 1 : required, hi = variadicOut ? int64_t(1) << 16 : specOuts;
  n.numOutputs = required;
  if (!jn.contains("outputs")) return;
  int64_t outs = asInt(jn["outputs"], where + " outputs");
  if (outs < lo || outs > hi)
    throw Error(where + " has " + std::to_string(outs) + " outputs; " + n.op + " has " +
                (lo == hi ? std::to_string(lo) : std::to_string(lo) + " to " + std::to_string(hi)));
  n.numOutputs = int(outs);
}

// One node entry (the "node #k" of the file). Its connections go to `links`.
Node readNode(const json& jn, size_t k, const Graph& g, std::set<std::string>& names,
              const WeightsReader& reader, std::vector<Link>& links) {
  std::string where = "node #" + std::to_string(k + 1);
  int64_t id = asInt(member(jn, "id", where), where + " id");
  if (!validId(id)) throw Error(where + " has an invalid id " + std::to_string(id));
  if (g.contains(NodeId(id))) throw Error(where + ": id " + std::to_string(id) + " is used twice");
  Node n;
  n.id = NodeId(id);
  n.op = asString(member(jn, "op", where), where + " op");
  n.name = asString(member(jn, "name", where), where + " name");
  if (n.name.empty()) throw Error(where + " has an empty name");
  where = "node '" + n.name + "' (" + n.op + ")";
  if (!names.insert(n.name).second) throw Error("two nodes are named '" + n.name + "'");
  const OpSpec* spec = findOp(n.op);
  if (!spec) throw Error(where + ": unknown op type '" + n.op + "'");
  readPosition(jn, where, n.x, n.y);
  if (jn.contains("block")) {
    int64_t b = asInt(jn["block"], where + " block");
    if (!validId(b) || !g.containsBlock(BlockId(b)))
      throw Error(where + " refers to block " + std::to_string(b) + ", which does not exist");
    n.block = BlockId(b);
  }
  readAttrs(jn, where, *spec, n, reader);
  readInputs(jn, where, *spec, n, reader, links);
  readOutputCount(jn, where, *spec, n);
  return n;
}

void connectLinks(Graph& g, const std::vector<Link>& links) {
  for (const Link& l : links) {
    const Node* src = g.findNode(l.from.node);
    const Node& dst = g.node(l.to.node);
    if (!src)
      throw Error("node '" + dst.name + "' input " + std::to_string(l.to.port) +
                  " refers to node " + std::to_string(l.from.node) + ", which does not exist");
    g.connect(l.from, l.to);  // checks the output port and refuses cycles
  }
}

Graph graphFromJson(const json& doc, const std::string& weights) {
  checkFormat(doc);
  const json* weightsInfo =
      doc.contains("weights") && !doc["weights"].is_null() ? &doc["weights"] : nullptr;
  WeightsReader reader(doc.contains("tensors") ? doc["tensors"] : emptyArray(), weightsInfo,
                       weights);

  Graph g;
  if (doc.contains("blocks")) readBlocks(g, asArray(doc["blocks"], "\"blocks\""), reader);
  std::vector<Link> links;
  std::set<std::string> names;
  const json& nodes = asArray(member(doc, "nodes", "the project"), "\"nodes\"");
  for (size_t k = 0; k < nodes.size(); ++k)
    g.restoreNode(readNode(nodes[k], k, g, names, reader, links));
  connectLinks(g, links);
  return g;
}

}  // namespace

ProjectBytes serializeProject(const Graph& g) {
  WeightsWriter w;
  json doc;
  doc["format"] = kProjectFormatName;
  doc["version"] = kProjectFormatVersion;
  doc["producer"] = "NetCanvas 0.1.0";
  json nodes = json::array();
  for (NodeId id : g.nodeIds()) nodes.push_back(nodeToJson(g.node(id), w));
  doc["nodes"] = nodes;
  if (!g.blocks().empty()) {
    json blocks = json::array();
    for (auto& [id, b] : g.blocks()) blocks.push_back(blockToJson(id, b, w));
    doc["blocks"] = blocks;
  }
  doc["tensors"] = w.table();
  ProjectBytes out;
  out.weights = w.bytes();
  if (!out.weights.empty()) doc["weights"] = weightsInfo(out.weights);
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

}  // namespace nc
