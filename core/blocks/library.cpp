// The block library (see library.h): YOLO11's parametric blocks, built by yolo::Builder, and the
// block operations the editor and the importer share. Every operation that can fail part-way runs
// first on a copy of the graph (transact), so a throw leaves the caller's graph untouched and a
// success reaches observers as ordinary edits.
#include "core/blocks/library.h"

#include <algorithm>
#include <cctype>
#include <cstdio>
#include <set>

#include "core/blocks/yolo11.h"
#include "core/base/error.h"
#include "core/layout/block_layout.h"
#include "core/layout/layout.h"
#include "core/ops/op.h"
#include "core/ops/registry.h"
#include "core/eval/shape_inference.h"

namespace nc::blocks {

namespace {

using Params = std::map<std::string, AttrValue>;

BlockParamSpec intParam(const std::string& name, int64_t def, double lo, double hi, const std::string& doc) {
  return {name, AttrValue(def), doc, lo, hi};
}
BlockParamSpec floatParam(const std::string& name, float def, double lo, double hi, const std::string& doc) {
  return {name, AttrValue(def), doc, lo, hi};
}
BlockParamSpec intsParam(const std::string& name, std::vector<int64_t> def, double lo, double hi, const std::string& doc) {
  return {name, AttrValue(std::move(def)), doc, lo, hi};
}
BlockParamSpec flagParam(const std::string& name, bool def, const std::string& doc) {
  return {name, AttrValue(int64_t(def ? 1 : 0)), doc, 0, 1};
}
BlockParamSpec c2Param() {
  return intParam("c2", 0, 0, 8192, "output channels (0: as many as the input has)");
}

std::vector<BlockType> makeLibrary() {
  const auto e = [](float def) { return floatParam("e", def, 0.01, 8, "hidden channels as a fraction of c2"); };
  const auto n = [](const std::string& what) { return intParam("n", 1, 1, 16, "number of " + what); };
  const auto shortcut = flagParam("shortcut", true, "residual connection (1: on)");
  return {
      {"Conv", "Conv (Conv2d + BatchNorm + SiLU)",
       "Ultralytics Conv: Conv2d without bias (autopad k/2), BatchNorm2d (eps 1e-3), SiLU.", 1,
       {c2Param(), intParam("k", 1, 1, 15, "kernel size"), intParam("s", 1, 1, 8, "stride"),
        intParam("g", 1, 1, 8192, "groups (must divide the input channels and c2)"),
        flagParam("act", true, "SiLU activation (0: none)")}},
      {"Bottleneck", "Bottleneck (two convolutions, residual)",
       "Conv k1 to int(c2 * e) channels, Conv k2 to c2; adds the input when shortcut is on and c1 == c2.", 1,
       {c2Param(), shortcut, intsParam("k", {3, 3}, 1, 15, "kernel sizes [k1, k2]"), e(0.5f)}},
      {"C3k", "C3k (CSP bottleneck, 3 convolutions, kernel k)",
       "cv1 and cv2 (1x1) split the input; n Bottlenecks (k x k) on cv1's branch; cv3 fuses the concatenation.", 1,
       {c2Param(), n("bottlenecks"), shortcut, e(0.5f), intParam("k", 3, 1, 15, "bottleneck kernel size")}},
      {"C3k2", "C3k2 (CSP bottleneck, 2 convolutions)",
       "cv1 to 2c channels (c = int(c2 * e)), chunked in two; n Bottlenecks (or C3k blocks) chained on the "
       "second half; cv2 fuses all parts.",
       1,
       {c2Param(), n("inner blocks"), flagParam("c3k", false, "C3k inner blocks instead of Bottlenecks"), e(0.5f),
        shortcut}},
      {"SPPF", "SPPF (spatial pyramid pooling, fast)",
       "cv1 halves the channels, three MaxPool k x k (stride 1) in a row, Concat of all four, cv2 to c2.", 1,
       {c2Param(), intParam("k", 5, 1, 15, "max-pool kernel size (odd)")}},
      {"Attention", "Attention (multi-head self-attention over positions)",
       "qkv 1x1 Conv, per-head softmax(q^T k / sqrt(key_dim)) applied to v, plus a depthwise 3x3 positional "
       "encoding of v, projected by a 1x1 Conv.",
       1,
       {intParam("num_heads", 8, 1, 64, "attention heads (must divide the channels)"),
        floatParam("attn_ratio", 0.5f, 0.01, 4, "key dimension as a fraction of the head dimension")}},
      {"PSABlock", "PSABlock (attention + feed-forward, residual)",
       "Attention, then a feed-forward pair of 1x1 Convs (2x channels, SiLU; back, linear), each with a residual "
       "when shortcut is on.",
       1,
       {floatParam("attn_ratio", 0.5f, 0.01, 4, "key dimension as a fraction of the head dimension"),
        intParam("num_heads", 4, 1, 64, "attention heads (must divide the channels)"), shortcut}},
      {"C2PSA", "C2PSA (CSP with position-sensitive attention)",
       "cv1 to 2c channels (c = int(c1 * e)), split; n PSABlocks (c / 64 heads) on the second half; cv2 fuses "
       "both. Needs c2 == c1.",
       1,
       {c2Param(), n("PSABlocks"), e(0.5f)}},
      {"Upsample", "Upsample (nearest)", "nn.Upsample(scale_factor, mode='nearest'): ONNX Resize.", 1,
       {intParam("scale", 2, 1, 16, "scale factor")}},
      {"Concat", "Concat (channels)", "Concatenates its inputs along the channel axis.", -1, {}},
      {"Detect", "Detect (YOLO11 head with DFL)",
       "Per level: box branch (2 Conv 3x3 + Conv2d to 64) and class branch (depthwise/pointwise Convs + Conv2d "
       "to nc); DFL decodes distances into xywh boxes in pixels; class scores by Sigmoid. Output "
       "1 x (4 + nc) x anchors.",
       -1,
       {intParam("nc", 80, 1, 1000, "number of classes"),
        intsParam("strides", {8, 16, 32}, 1, 1024, "stride of each input level")}},
  };
}

int64_t asInt(const Params& p, const std::string& k) { return std::get<int64_t>(p.at(k)); }
double asFloat(const Params& p, const std::string& k) { return double(std::get<float>(p.at(k))); }
const std::vector<int64_t>& asInts(const Params& p, const std::string& k) { return std::get<std::vector<int64_t>>(p.at(k)); }

// Builds one library block with the builder (params completed); returns its output.
yolo::Value buildBlock(yolo::Builder& b, const std::string& type, const std::string& name, const Params& p,
                       const std::vector<yolo::Value>& xs) {
  auto c2 = [&] {
    int64_t c = asInt(p, "c2");
    return c == 0 ? xs.at(0).channels : c;
  };
  if (type == "Conv")
    return b.conv(name, xs[0], c2(), int(asInt(p, "k")), int(asInt(p, "s")), int(asInt(p, "g")), asInt(p, "act") != 0);
  if (type == "Bottleneck") {
    const auto& k = asInts(p, "k");
    if (k.size() != 2) throw Error(name + ": Bottleneck needs k = [k1, k2]");
    return b.bottleneck(name, xs[0], c2(), asInt(p, "shortcut") != 0, int(k[0]), int(k[1]), asFloat(p, "e"));
  }
  if (type == "C3k")
    return b.c3k(name, xs[0], c2(), int(asInt(p, "n")), asInt(p, "shortcut") != 0, asFloat(p, "e"), int(asInt(p, "k")));
  if (type == "C3k2")
    return b.c3k2(name, xs[0], c2(), int(asInt(p, "n")), asInt(p, "c3k") != 0, asFloat(p, "e"), asInt(p, "shortcut") != 0);
  if (type == "SPPF") return b.sppf(name, xs[0], c2(), int(asInt(p, "k")));
  if (type == "Attention") return b.attention(name, xs[0], int(asInt(p, "num_heads")), asFloat(p, "attn_ratio"));
  if (type == "PSABlock")
    return b.psaBlock(name, xs[0], asFloat(p, "attn_ratio"), int(asInt(p, "num_heads")), asInt(p, "shortcut") != 0);
  if (type == "C2PSA") return b.c2psa(name, xs[0], c2(), int(asInt(p, "n")), asFloat(p, "e"));
  if (type == "Upsample") return b.upsample(name, xs[0], int(asInt(p, "scale")));
  if (type == "Concat") return b.concat(name, xs);
  if (type == "Detect") {
    // Levels finest first (stride 8, 16, 32: the largest map first), whatever order the block's
    // ports list them in (an imported graph's node order may differ from the builder's).
    std::vector<yolo::Value> levels = xs;
    std::stable_sort(levels.begin(), levels.end(),
                     [](const yolo::Value& a, const yolo::Value& c) { return a.height * a.width > c.height * c.width; });
    const auto& s = asInts(p, "strides");
    return b.detect(name, levels, int(asInt(p, "nc")), std::vector<int>(s.begin(), s.end()));
  }
  throw Error("unknown block type '" + type + "'");
}

// Runs f on a copy first: if it throws, g is untouched; else f runs again on g (deterministic).
template <class F>
auto transact(Graph& g, F&& f) {
  {
    Graph probe = g;
    f(probe);
  }
  return f(g);
}

// The builder's view of the block inputs: 1 x C x H x W values of known shape.
std::vector<yolo::Value> inputValues(const Graph& g, const ShapeInfo& s, const std::vector<PortRef>& ports,
                                     const std::string& block) {
  std::vector<yolo::Value> xs;
  for (size_t i = 0; i < ports.size(); ++i) {
    const PortRef& p = ports[i];
    const Node* n = g.findNode(p.node);
    if (!n || p.port < 0 || p.port >= n->numOutputs)
      throw Error("block '" + block + "': input " + std::to_string(i) + " is not an output port of the graph");
    const TensorType* t = s.type(p);
    if (!t || !t->fullyKnown())
      throw Error("block '" + block + "': the shape of input " + std::to_string(i) + " ('" + n->name + "') is unknown");
    if (t->dims.size() != 4 || t->dims[0] != 1)
      throw Error("block '" + block + "': input " + std::to_string(i) + " ('" + n->name + "') must be 1 x C x H x W, got " +
                  t->toString());
    xs.push_back({p, t->dims[1], t->dims[2], t->dims[3]});
  }
  return xs;
}

void checkInputCount(const BlockType& bt, size_t n, const std::string& block) {
  if (bt.inputs < 0 ? n < 1 : n != size_t(bt.inputs))
    throw Error("block '" + block + "': " + bt.type + " takes " +
                (bt.inputs < 0 ? std::string("at least one input") : std::to_string(bt.inputs) + " input(s)") + ", got " +
                std::to_string(n));
}

// Blocks strictly inside `id`, parents before children.
// The longest prefix ending in '.' shared by all names (none for fewer than two names).
std::string commonDottedPrefix(const std::vector<std::string>& names) {
  if (names.size() < 2) return {};
  std::string p = names[0];
  for (const std::string& s : names) {
    size_t i = 0;
    while (i < p.size() && i < s.size() && p[i] == s[i]) ++i;
    p.resize(i);
  }
  size_t dot = p.rfind('.');
  return dot == std::string::npos ? std::string() : p.substr(0, dot + 1);
}

// A PyTorch-exported node name ("/model.23/cv2.0/cv2.0.0/conv/Conv": module scopes, then the op)
// as the module path our builder names nodes by ("model.23.cv2.0.0.conv"). A scope that repeats
// its parent's path ("cv2.0" then "cv2.0.0") replaces it. Other names are returned unchanged.
std::string modulePath(const std::string& name) {
  if (name.size() < 2 || name[0] != '/') return name;
  std::vector<std::string> parts;
  size_t start = 1;
  for (size_t slash; (slash = name.find('/', start)) != std::string::npos; start = slash + 1)
    parts.push_back(name.substr(start, slash - start));  // the last segment (the op) is dropped
  std::vector<std::string> path;
  for (const std::string& seg : parts) {
    if (!path.empty() && seg.rfind(path.back() + ".", 0) == 0)
      path.back() = seg;
    else
      path.push_back(seg);
  }
  std::string r;
  for (const std::string& seg : path) r += (r.empty() ? "" : ".") + seg;
  return r;
}

// Inside nodes keyed by their module path relative to the block: the block's name stripped from
// the nodes under it (an imported block also holds unscoped constants, which keep their names);
// if none is under it (a renamed block), their common dotted prefix.
std::map<std::string, NodeId> relativeNames(const Graph& g, const std::vector<NodeId>& ids, const std::string& block) {
  std::vector<std::string> names;
  for (NodeId id : ids) names.push_back(modulePath(g.node(id).name));
  const std::string under = block + ".";
  const bool anyUnder = std::any_of(names.begin(), names.end(), [&](const std::string& n) { return n.rfind(under, 0) == 0; });
  const std::string common = anyUnder ? std::string() : commonDottedPrefix(names);
  std::map<std::string, NodeId> r;
  for (size_t i = 0; i < ids.size(); ++i) {
    const std::string& n = names[i];
    r.emplace(anyUnder ? (n.rfind(under, 0) == 0 ? n.substr(under.size()) : n) : n.substr(common.size()), ids[i]);
  }
  return r;
}

bool sameType(const Tensor& a, const Tensor& b) {
  return !a.empty() && !b.empty() && a.dtype() == b.dtype() && a.shape() == b.shape();
}

// Copies the old inside's weights (param ports: weights and buffers, not settings such as Split
// sizes or Resize scales, which follow the new parameters) onto the new inside where node
// (relative name and op), port and shape match. A Conv with bias and no BatchNorm (PyTorch's folded export) keeps its weight
// by name; its bias moves into the new BatchNorm as an identity-with-shift.
void keepWeights(Graph& g, BlockId id, const Graph& old, const std::vector<NodeId>& oldIds) {
  const std::map<std::string, NodeId> before = relativeNames(old, oldIds, old.block(id).name);
  const std::map<std::string, NodeId> after = relativeNames(g, g.blockNodes(id), g.block(id).name);
  std::set<std::string> kept;
  for (const auto& [key, nid] : after) {
    auto it = before.find(key);
    if (it == before.end()) continue;
    const Node& o = old.node(it->second);
    const Node& n = g.node(nid);
    const OpSpec* spec = findOp(n.op);
    if (o.op != n.op || !spec) continue;
    for (size_t i = 0; i < n.inputs.size() && i < o.inputs.size() && i < spec->inputs.size(); ++i)
      if (spec->inputs[i].param && !spec->inputs[i].setting && !n.inputs[i].source && !o.inputs[i].source && sameType(n.inputs[i].constant, o.inputs[i].constant)) {
        g.setConstant(nid, int(i), o.inputs[i].constant);
        kept.insert(key);
      }
  }
  for (const auto& [key, nid] : after) {
    const Node& bn = g.node(nid);
    const bool bnName = key == "bn" || (key.size() > 3 && key.compare(key.size() - 3, 3, ".bn") == 0);
    if (bn.op != "BatchNormalization" || kept.count(key) || !bnName) continue;
    const std::string convKey = key.substr(0, key.size() - 2) + "conv";
    auto oc = before.find(convKey);
    if (oc == before.end() || !kept.count(convKey) || before.count(key)) continue;
    const Node& oldConv = old.node(oc->second);
    if (oldConv.op != "Conv" || oldConv.inputs.size() < 3 || oldConv.inputs[2].source) continue;
    const Tensor& bias = oldConv.inputs[2].constant;
    if (bn.inputs.size() < 5 || !sameType(bias, bn.inputs[2].constant)) continue;
    float eps = 1e-5f;
    if (auto a = bn.attrs.find("epsilon"); a != bn.attrs.end()) eps = std::get<float>(a->second);
    const Shape& s = bias.shape();
    Tensor scale(DType::Float32, s), mean(DType::Float32, s), var(DType::Float32, s);
    std::fill(scale.floats().begin(), scale.floats().end(), 1.0f);
    std::fill(mean.floats().begin(), mean.floats().end(), 0.0f);
    std::fill(var.floats().begin(), var.floats().end(), 1.0f - eps);
    g.setConstant(nid, 1, scale);
    g.setConstant(nid, 2, bias);
    g.setConstant(nid, 3, mean);
    g.setConstant(nid, 4, var);
  }
}

std::string defaultBlockName(const std::string& type) {
  std::string s = type;
  std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return char(std::tolower(c)); });
  return s.empty() ? "block" : s;
}

void regenerateIn(Graph& g, BlockId id, const Params& full) {
  const Block blk = g.block(id);
  const BlockType& bt = *findBlockType(blk.type);
  const BlockPorts ports = g.blockPorts(id);
  std::vector<PortRef> sources;
  if (blk.type == "Concat") {
    // One input per Concat port, even when one source feeds several.
    std::vector<std::pair<PortRef, PortRef>> byTarget;
    for (const auto& in : ports.inputs)
      for (const PortRef& t : in.targets) byTarget.push_back({t, in.source.value_or(PortRef{})});
    std::sort(byTarget.begin(), byTarget.end());
    for (auto& [t, s] : byTarget) sources.push_back(s);
  } else {
    for (const auto& in : ports.inputs) sources.push_back(in.source.value_or(PortRef{}));
  }
  for (size_t i = 0; i < sources.size(); ++i)
    if (sources[i].node == kNoNode)
      throw Error("block '" + blk.name + "': input " + std::to_string(i) + " is not connected");
  checkInputCount(bt, sources.size(), blk.name);
  const std::vector<yolo::Value> xs = inputValues(g, inferShapes(g), sources, blk.name);

  std::vector<PortRef> outside;
  int consumed = 0;
  for (const PortRef& o : ports.outputs) {
    std::vector<PortRef> cs;
    for (const PortRef& c : g.consumers(o))
      if (!g.nodeInBlock(c.node, id)) cs.push_back(c);
    if (cs.empty()) continue;
    ++consumed;
    outside = cs;
  }
  if (consumed > 1)
    throw Error("block '" + blk.name + "': " + std::to_string(consumed) + " outputs are used outside, but a " + blk.type +
                " block has one output");

  const Graph old = g;
  const std::vector<NodeId> oldIds = g.blockNodes(id);
  for (NodeId nid : oldIds) g.removeNode(nid);
  std::vector<BlockId> inner = g.descendantBlocks(id);
  for (auto it = inner.rbegin(); it != inner.rend(); ++it) g.removeBlock(*it);

  const uint64_t seed = 0x5EEDB10Cull ^ (uint64_t(id) << 32) ^ uint64_t(g.nextId());
  yolo::Builder b(g, seed, blk.parent);
  b.reuseBlock(id);
  yolo::Value out = buildBlock(b, blk.type, blk.name, full, xs);
  for (const PortRef& c : outside) g.connect(out.port, c);
  keepWeights(g, id, old, oldIds);
  layoutBlockInside(g, id);
}

}  // namespace

const std::vector<BlockType>& blockLibrary() {
  static const std::vector<BlockType> lib = makeLibrary();
  return lib;
}

const BlockType* findBlockType(const std::string& type) {
  for (const BlockType& t : blockLibrary())
    if (t.type == type) return &t;
  return nullptr;
}

std::map<std::string, AttrValue> completeParams(const std::string& type, const std::map<std::string, AttrValue>& params) {
  const BlockType* bt = findBlockType(type);
  if (!bt) throw Error("unknown block type '" + type + "'");
  Params r;
  for (const BlockParamSpec& p : bt->params) r[p.name] = p.defaultValue;
  for (const auto& entry : params) {
    const std::string& name = entry.first;  // not a structured binding: clang's OpenMP cannot capture one
    const AttrValue& value = entry.second;
    auto spec = std::find_if(bt->params.begin(), bt->params.end(), [&](const BlockParamSpec& p) { return p.name == name; });
    if (spec == bt->params.end()) {
      std::string known;
      for (const BlockParamSpec& p : bt->params) known += (known.empty() ? "" : ", ") + p.name;
      throw Error(type + ": unknown parameter '" + name + "' (" + (known.empty() ? "it takes none" : known) + ")");
    }
    AttrValue v = value;
    const AttrType want = attrTypeOf(spec->defaultValue);
    if (want == AttrType::Float && attrTypeOf(v) == AttrType::Int) v = float(std::get<int64_t>(v));
    if (attrTypeOf(v) != want)
      throw Error(type + ": parameter '" + name + "' must be " + attrTypeName(want) + ", got " + attrTypeName(attrTypeOf(v)));
    if (spec->min != spec->max) {
      auto inRange = [&](double x) { return x >= spec->min && x <= spec->max; };
      bool ok = true;
      if (want == AttrType::Int) ok = inRange(double(std::get<int64_t>(v)));
      if (want == AttrType::Float) ok = inRange(double(std::get<float>(v)));
      if (want == AttrType::Ints) {
        const auto& xs = std::get<std::vector<int64_t>>(v);
        ok = !xs.empty() && std::all_of(xs.begin(), xs.end(), [&](int64_t x) { return inRange(double(x)); });
      }
      if (!ok) {
        char range[96];
        std::snprintf(range, sizeof range, "[%g, %g]", spec->min, spec->max);
        throw Error(type + ": parameter '" + name + "' = " + attrToString(v) + " is out of range " + range);
      }
    }
    r[name] = std::move(v);
  }
  return r;
}

BlockId insertBlock(Graph& g, const std::string& type, const std::map<std::string, AttrValue>& params,
                    const std::vector<PortRef>& inputs, const std::string& name, BlockId parent, uint64_t seed) {
  const Params full = completeParams(type, params);
  const BlockType& bt = *findBlockType(type);
  const std::string base = name.empty() ? defaultBlockName(type) : name;
  checkInputCount(bt, inputs.size(), base);
  if (parent != kNoBlock && !g.containsBlock(parent)) throw Error("no parent block with id " + std::to_string(parent));
  return transact(g, [&](Graph& h) {
    const std::vector<yolo::Value> xs = inputValues(h, inferShapes(h), inputs, base);
    const std::string blockName = h.uniqueBlockName(base);
    yolo::Builder b(h, seed, parent);
    buildBlock(b, type, blockName, full, xs);
    const BlockId id = b.lastBlock();
    // To the right of the inputs as the canvas shows them (a collapsed block stands for its nodes).
    double x = 0, y = 0;
    for (const PortRef& p : inputs) {
      const BlockId v = h.visibleBlock(p.node);
      const double px = v != kNoBlock ? h.block(v).x : h.node(p.node).x, py = v != kNoBlock ? h.block(v).y : h.node(p.node).y;
      x = std::max(x, px + 280);
      y += py / double(inputs.size());
    }
    h.setBlockPosition(id, x, y);
    layoutBlockInside(h, id);
    return id;
  });
}

void regenerateBlock(Graph& g, BlockId id, const std::map<std::string, AttrValue>& params) {
  const Block& blk = g.block(id);
  if (!findBlockType(blk.type))
    throw Error("block '" + blk.name + "' is not a library block" + (blk.type.empty() ? "" : " (type '" + blk.type + "')"));
  Params merged = blk.params;
  for (const auto& [k, v] : params) merged[k] = v;
  const Params full = completeParams(blk.type, merged);
  transact(g, [&](Graph& h) { regenerateIn(h, id, full); });
}

BlockId groupNodes(Graph& g, const std::vector<NodeId>& nodes, const std::string& name) {
  if (nodes.empty()) throw Error("group: no nodes selected");
  const std::set<NodeId> sel(nodes.begin(), nodes.end());
  for (NodeId n : sel)
    if (!g.contains(n)) throw Error("group: no node with id " + std::to_string(n));
  // The innermost block holding every selected node becomes the parent.
  BlockId parent = g.node(*sel.begin()).block;
  for (NodeId n : sel)
    while (parent != kNoBlock && !g.blockInBlock(g.node(n).block, parent)) parent = g.block(parent).parent;
  // Selected nodes in deeper blocks bring their whole block (the child of `parent` holding them).
  std::set<BlockId> moved;
  for (NodeId n : sel) {
    BlockId b = g.node(n).block;
    if (b == parent) continue;
    while (g.block(b).parent != parent) b = g.block(b).parent;
    moved.insert(b);
  }
  for (BlockId b : moved)
    for (NodeId n : g.blockNodes(b))
      if (!sel.count(n))
        throw Error("group: block '" + g.block(b).name + "' is only partly selected (node '" + g.node(n).name +
                    "' is not)");
  Block blk;
  blk.name = name.empty() ? "group" : name;
  blk.parent = parent;  // collapsed: the selection becomes one item on the canvas
  double x = 0, y = 0;
  for (NodeId n : sel) x += g.node(n).x / double(sel.size()), y += g.node(n).y / double(sel.size());
  blk.x = x;
  blk.y = y;
  const BlockId id = g.addBlock(std::move(blk));
  for (NodeId n : sel)
    if (g.node(n).block == parent) g.setNodeBlock(n, id);
  for (BlockId b : moved) g.setBlockParent(b, id);
  return id;
}

Graph extractBlock(const Graph& g, BlockId id) {
  const Block& top = g.block(id);
  Graph out;
  std::vector<BlockId> blocks = {id};
  for (BlockId b : g.descendantBlocks(id)) blocks.push_back(b);
  for (BlockId b : blocks) {
    Block c = g.block(b);
    if (b == id) c.parent = kNoBlock;
    out.addBlock(std::move(c));
  }
  double minX = 0, maxX = 0, y0 = top.y;
  bool first = true;
  for (NodeId nid : g.topologicalOrder()) {
    if (!g.nodeInBlock(nid, id)) continue;
    const Node& n = g.node(nid);
    out.restoreNode(n);  // drops connections from outside
    minX = first ? n.x : std::min(minX, n.x);
    maxX = first ? n.x : std::max(maxX, n.x);
    if (first) y0 = n.y;
    first = false;
  }
  const BlockPorts ports = g.blockPorts(id);
  const ShapeInfo s = inferShapes(g);
  double y = y0;
  for (const BlockPorts::In& in : ports.inputs) {
    if (!in.source) continue;
    const Node& src = g.node(in.source->node);
    const std::string inName = in.source->port == 0 ? src.name : src.name + "_" + std::to_string(in.source->port);
    NodeId input = out.addNode("Input", inName);
    if (const TensorType* t = s.type(*in.source); t && t->rankKnown) {
      out.setAttr(input, "shape", t->dims);
      if (t->dtype == DType::Int64) out.setAttr(input, "dtype", std::string("int64"));
    }
    out.setPosition(input, minX - 280, y);
    y += 200;
    for (const PortRef& t : in.targets) out.connect({input, 0}, t);
  }
  y = y0;
  for (const PortRef& o : ports.outputs) {
    NodeId output = out.addNode("Output", "output");
    out.connect(o, {output, 0});
    out.setPosition(output, maxX + 280, y);
    y += 200;
  }
  return out;
}

namespace {

// Names inside an adopted saved block move under the new block's name ("old.m.0" -> "new.m.0");
// a wrapped graph keeps its names.
struct Renamer {
  bool adopt = false;
  std::string oldName, newName;

  std::string operator()(const std::string& s) const {
    if (!adopt) return s;
    if (s == oldName) return newName;
    if (s.size() > oldName.size() && s.compare(0, oldName.size() + 1, oldName + ".") == 0)
      return newName + s.substr(oldName.size());
    return s;
  }
};

// Copies the saved blocks into h under `id` (an adopted top block is `id` itself); returns the
// saved -> new block ids.
std::map<BlockId, BlockId> copyBlocks(Graph& h, const Graph& saved, const std::vector<BlockId>& tops, BlockId id,
                                      const Renamer& rename) {
  std::map<BlockId, BlockId> blockMap;
  if (rename.adopt) blockMap[tops[0]] = id;
  std::vector<BlockId> order;
  for (BlockId t : tops) {
    if (!rename.adopt) order.push_back(t);
    for (BlockId d : saved.descendantBlocks(t)) order.push_back(d);
  }
  for (BlockId b : order) {
    Block c = saved.block(b);
    c.id = kNoBlock;
    c.name = rename(c.name);
    c.parent = c.parent == kNoBlock ? id : blockMap.at(c.parent);
    blockMap[b] = h.addBlock(std::move(c));
  }
  return blockMap;
}

// Copies the body nodes (in topological order) into their copied blocks, or `id`, connected as
// saved; an input from a saved Input becomes an unbound block input. Returns saved -> new ids.
std::map<NodeId, NodeId> copyNodes(Graph& h, const Graph& saved, const std::vector<NodeId>& body,
                                   const std::map<BlockId, BlockId>& blockMap, BlockId id, const Renamer& rename) {
  std::map<NodeId, NodeId> nodeMap;
  for (NodeId nid : body) {
    Node n = saved.node(nid);
    n.id = h.nextId();
    n.name = h.uniqueName(rename(n.name));
    n.block = n.block == kNoBlock ? id : blockMap.at(n.block);
    for (InputBinding& in : n.inputs)
      if (in.source) {
        auto it = nodeMap.find(in.source->node);
        if (it == nodeMap.end()) in.source.reset();  // from a saved Input: an unbound block input
        else in.source->node = it->second;
      }
    h.restoreNode(n);
    nodeMap[nid] = n.id;
  }
  return nodeMap;
}

// A saved Input feeding several inside ports enters through one Identity, so the collapsed
// block shows one port for it.
void addInputEntries(Graph& h, const Graph& saved, const std::map<NodeId, NodeId>& nodeMap, BlockId id,
                     const std::string& blockName) {
  for (NodeId in : saved.inputNodes()) {
    std::vector<PortRef> targets;
    for (const PortRef& c : saved.consumers({in, 0}))
      if (nodeMap.count(c.node)) targets.push_back({nodeMap.at(c.node), c.port});
    if (targets.size() < 2) continue;
    NodeId entry = h.addNode("Identity", h.uniqueName(blockName + ".in"));
    h.setNodeBlock(entry, id);
    for (const PortRef& t : targets) h.connect({entry, 0}, t);
  }
}

}  // namespace

BlockId instantiateBlock(Graph& g, const Graph& saved, const std::string& name, double x, double y) {
  std::vector<NodeId> body;
  for (NodeId nid : saved.topologicalOrder())
    if (saved.node(nid).op != "Input" && saved.node(nid).op != "Output") body.push_back(nid);
  if (body.empty()) throw Error("the saved block has no nodes");
  // A saved graph that is one block (what extractBlock writes) is adopted as the new block, keeping
  // its type and parameters; anything else is wrapped in a plain group.
  const std::vector<BlockId> tops = saved.childBlocks(kNoBlock);
  const bool adopt = tops.size() == 1 && std::all_of(body.begin(), body.end(), [&](NodeId n) {
                       return saved.nodeInBlock(n, tops[0]);
                     });
  const std::string oldName = adopt ? saved.block(tops[0]).name : std::string();
  return transact(g, [&](Graph& h) {
    const Renamer rename{adopt, oldName, h.uniqueBlockName(!name.empty() ? name : adopt ? oldName : "block")};
    Block outer;
    if (adopt) outer = saved.block(tops[0]);
    outer.id = kNoBlock;
    outer.name = rename.newName;
    outer.parent = kNoBlock;
    outer.collapsed = true;
    outer.x = x;
    outer.y = y;
    const BlockId id = h.addBlock(outer);
    const std::map<BlockId, BlockId> blockMap = copyBlocks(h, saved, tops, id, rename);
    const std::map<NodeId, NodeId> nodeMap = copyNodes(h, saved, body, blockMap, id, rename);
    addInputEntries(h, saved, nodeMap, id, rename.newName);
    layoutBlockInside(h, id);
    return id;
  });
}

}  // namespace nc::blocks
