#include "core/blocks/recognize.h"

#include <algorithm>
#include <cmath>
#include <map>
#include <optional>
#include <set>
#include <vector>

#include "core/blocks/library.h"
#include "core/blocks/silu.h"
#include "core/blocks/yolo11.h"
#include "core/base/error.h"
#include "core/eval/shape_inference.h"
#include "core/onnx/import.h"

namespace nc::blocks {

namespace {

using Params = std::map<std::string, AttrValue>;

std::vector<std::string> splitOn(const std::string& s, char sep) {
  std::vector<std::string> out;
  size_t start = 0;
  for (;;) {
    size_t p = s.find(sep, start);
    out.push_back(s.substr(start, p == std::string::npos ? std::string::npos : p - start));
    if (p == std::string::npos) return out;
    start = p + 1;
  }
}

bool isNumber(const std::string& s) {
  return !s.empty() && std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; });
}

std::string join(const std::vector<std::string>& parts, size_t begin, size_t end, char sep) {
  std::string s;
  for (size_t i = begin; i < end; ++i) {
    if (i > begin) s += sep;
    s += parts[i];
  }
  return s;
}

// PyTorch 1.13 names a scope component by the module's attribute path from its nearest
// non-numbered ancestor segment ("cv3.0.0" inside "detect.cv3.0"), so a component continues the
// parent's path where their segments overlap.
std::string extendPath(const std::string& parent, const std::string& component) {
  if (parent.empty()) return component;
  const std::vector<std::string> p = splitOn(parent, '.'), c = splitOn(component, '.');
  for (size_t j = std::min(p.size(), c.size() - 1); j > 0; --j)
    if (std::equal(c.begin(), c.begin() + long(j), p.end() - long(j))) return parent + "." + join(c, j, c.size(), '.');
  return parent + "." + component;
}

struct Scope {
  std::string parent;                 // full path of the parent scope ("" is the root)
  std::vector<NodeId> nodes;          // nodes emitted directly in this scope
  std::set<std::string> rawChildren;  // child scopes as parsed
};

// ------------------------------------------------------------------ graph facts

struct Facts {
  const Graph& g;
  ShapeInfo info;

  explicit Facts(const Graph& graph) : g(graph), info(inferShapes(graph)) {}

  const TensorType* type(PortRef p) const { return info.type(p); }
  // A node whose value does not depend on any graph input (Constant, anchors, Reshape targets).
  bool isStatic(const Node& n) const {
    if (n.op == "Constant") return true;
    for (int p = 0; p < n.numOutputs; ++p)
      if (!info.values.count({n.id, p})) return false;
    return true;
  }
  // A node computing on data: not static, float outputs.
  bool isData(const Node& n) const {
    if (n.op == "Input" || n.op == "Output" || isStatic(n)) return false;
    const TensorType* t = type({n.id, 0});
    return !t || t->dtype == DType::Float32;
  }
  std::optional<Tensor> value(const Node& n, int port) const {
    const InputBinding& b = n.inputs.at(size_t(port));
    if (b.source) {
      auto it = info.values.find(*b.source);
      if (it != info.values.end()) return it->second;
      return std::nullopt;
    }
    if (!b.constant.empty()) return b.constant;
    return std::nullopt;
  }
};

std::vector<int64_t> intsAttr(const Node& n, const std::string& name, std::vector<int64_t> def) {
  auto it = n.attrs.find(name);
  if (it == n.attrs.end()) return def;
  if (auto* v = std::get_if<std::vector<int64_t>>(&it->second)) return *v;
  return def;
}

int64_t intAttr(const Node& n, const std::string& name, int64_t def) {
  auto it = n.attrs.find(name);
  if (it == n.attrs.end()) return def;
  if (auto* v = std::get_if<int64_t>(&it->second)) return *v;
  return def;
}

std::string ints(const std::vector<int64_t>& v) {
  std::string s = "[";
  for (size_t i = 0; i < v.size(); ++i) {
    if (i) s += ',';
    s += std::to_string(v[i]);
  }
  return s + "]";
}

std::string shapeOf(const Facts& f, PortRef p) {
  const TensorType* t = f.type(p);
  return t && t->fullyKnown() ? shapeToString(t->dims) : std::string("?");
}

// The op a value is produced by, as the signature names it: chunk()'s Slices are Split parts;
// BatchNormalization (folded by the exporter, present in the builder) and Identity are looked
// through; a value from outside the set is "ext".
std::string sourceOp(const Facts& f, const std::set<NodeId>& inside, PortRef p) {
  for (;;) {
    if (!inside.count(p.node)) return "ext";
    const Node& n = f.g.node(p.node);
    if ((n.op != "BatchNormalization" && n.op != "Identity") || !n.inputs[0].source) break;
    p = *n.inputs[0].source;
  }
  const std::string& op = f.g.node(p.node).op;
  return op == "Slice" ? "Split" : op == "Input" ? "ext" : op;
}

// What a set of nodes computes, as a multiset of descriptions (see the header): per output of
// each data node, its op and shape (for Conv and MaxPool the attributes and weight shape too), and
// the op and shape of each of its data inputs (in order; sorted for commutative ops).
std::multiset<std::string> signature(const Facts& f, const std::vector<NodeId>& nodes) {
  const std::set<NodeId> inside(nodes.begin(), nodes.end());
  std::multiset<std::string> sig;
  for (NodeId id : nodes) {
    const Node& n = f.g.node(id);
    if (!f.isData(n) || n.op == "BatchNormalization" || n.op == "Identity") continue;
    std::string extra;
    if (n.op == "Conv") {
      std::optional<Tensor> w = f.value(n, 1);
      const size_t rank = w && w->rank() > 2 ? size_t(w->rank() - 2) : 2;
      extra = " W" + (w ? shapeToString(w->shape()) : std::string("?")) +
              " s" + ints(intsAttr(n, "strides", std::vector<int64_t>(rank, 1))) +
              " p" + ints(intsAttr(n, "pads", std::vector<int64_t>(2 * rank, 0))) +
              " d" + ints(intsAttr(n, "dilations", std::vector<int64_t>(rank, 1))) +
              " g" + std::to_string(intAttr(n, "group", 1));
    } else if (n.op == "MaxPool") {
      extra = " k" + ints(intsAttr(n, "kernel_shape", {})) + " s" + ints(intsAttr(n, "strides", {})) + " p" +
              ints(intsAttr(n, "pads", {}));
    }
    std::vector<std::string> ins;
    for (const InputBinding& b : n.inputs)
      if (b.source && !f.isStatic(f.g.node(b.source->node)))
        ins.push_back(sourceOp(f, inside, *b.source) + shapeOf(f, *b.source));
    if (n.op == "Add" || n.op == "Mul" || n.op == "Sum" || n.op == "Max" || n.op == "Min") std::sort(ins.begin(), ins.end());
    std::string from = " <-";
    for (const std::string& i : ins) from += " " + i;
    const std::string op = n.op == "Slice" ? "Split" : n.op;
    for (int p = 0; p < n.numOutputs; ++p) sig.insert(op + " " + shapeOf(f, {id, p}) + extra + from);
  }
  return sig;
}

// ------------------------------------------------------------------ candidates

int64_t getInt(const Params& p, const std::string& k) {
  auto it = p.find(k);
  if (it == p.end()) return -1;
  if (auto* v = std::get_if<int64_t>(&it->second)) return *v;
  return -1;
}

float getFloat(const Params& p, const std::string& k) {
  auto it = p.find(k);
  if (it == p.end()) return -1;
  if (auto* v = std::get_if<float>(&it->second)) return *v;
  return -1;
}

struct Shape4 {
  int64_t c = 0, h = 0, w = 0;
};

// A 1 x C x H x W float value of known shape.
std::optional<Shape4> shape4(const Facts& f, PortRef p) {
  const TensorType* t = f.type(p);
  if (!t || !t->fullyKnown() || t->dims.size() != 4 || t->dims[0] != 1 || t->dtype != DType::Float32) return std::nullopt;
  return Shape4{t->dims[1], t->dims[2], t->dims[3]};
}

// ------------------------------------------------------------------ matchers

// What matching sees of one block: its (already typed) child blocks, the data nodes directly
// inside it, and the shapes of its data inputs.
struct BlockView {
  const Facts& f;
  std::map<std::string, const Block*> kids;  // child blocks by path relative to the block's scope
  std::map<std::string, int> ops;            // data ops directly inside, counted
  std::vector<const Node*> direct;           // those data nodes
  std::vector<const Block*> ms;              // the children m.0, m.1, ...
  std::vector<PortRef> outputs;              // the block's outputs
  std::vector<Shape4> ins;                   // data inputs: outside, non-static, 1 x C x H x W

  int count(const std::string& op) const {
    auto it = ops.find(op);
    return it == ops.end() ? 0 : it->second;
  }
  // The child at `name` if it has library type `type`.
  const Block* kid(const std::string& name, const std::string& type) const {
    auto it = kids.find(name);
    return it != kids.end() && it->second->type == type ? it->second : nullptr;
  }
  // The first data node directly inside with this op (the caller knows there is one).
  const Node* first(const std::string& op) const {
    return *std::find_if(direct.begin(), direct.end(), [&](const Node* n) { return n->op == op; });
  }
};

// One library type: `applies` tells from the block's structure whether it is this type's shape;
// `params` derives the type's parameters (and may put the inputs in the type's order), or
// returns nullopt when the block cannot be this type after all; `build` builds the type into a
// scratch graph. Matchers are tried in table order and the first that applies decides.
struct Matcher {
  const char* type;
  bool (*applies)(const BlockView& v);
  std::optional<Params> (*params)(BlockView& v);
  void (*build)(yolo::Builder& b, const std::vector<yolo::Value>& xs, const Params& p);
};

const Matcher kMatchers[] = {
    {"Upsample",  // a lone Resize; the scale from the output size
     [](const BlockView& v) { return v.kids.empty() && v.ops.size() == 1 && v.count("Resize") && v.ins.size() == 1; },
     [](BlockView& v) -> std::optional<Params> {
       auto out = shape4(v.f, {v.direct[0]->id, 0});
       const Shape4& x = v.ins[0];
       if (!out || x.h == 0 || out->h % x.h) return std::nullopt;
       return Params{{"scale", out->h / x.h}};
     },
     [](yolo::Builder& b, const std::vector<yolo::Value>& xs, const Params& p) {
       b.upsample("m", xs.at(0), int(getInt(p, "scale")));
     }},
    {"Concat",  // one Concat; the inputs in its input order
     [](const BlockView& v) { return v.kids.empty() && v.ops.size() == 1 && v.count("Concat") == 1; },
     [](BlockView& v) -> std::optional<Params> {
       v.ins.clear();
       for (const InputBinding& in : v.direct[0]->inputs) {
         if (!in.source) return std::nullopt;
         auto s = shape4(v.f, *in.source);
         if (!s) return std::nullopt;
         v.ins.push_back(*s);
       }
       return Params{};
     },
     [](yolo::Builder& b, const std::vector<yolo::Value>& xs, const Params&) { b.concat("m", xs); }},
    {"Conv",  // one Conv (BatchNormalization folded), SiLU or not
     [](const BlockView& v) { return v.kids.empty() && v.count("Conv") == 1; },
     [](BlockView& v) -> std::optional<Params> {
       const Node* conv = v.first("Conv");
       std::optional<Tensor> w = v.f.value(*conv, 1);
       if (!w || w->rank() != 4) return std::nullopt;
       return Params{{"c2", w->dim(0)},
                     {"k", w->dim(2)},
                     {"s", intsAttr(*conv, "strides", {1, 1}).at(0)},
                     {"g", intAttr(*conv, "group", 1)},
                     {"act", int64_t(v.count("SiLU") ? 1 : 0)}};
     },
     [](yolo::Builder& b, const std::vector<yolo::Value>& xs, const Params& p) {
       b.conv("m", xs.at(0), getInt(p, "c2"), int(getInt(p, "k")), int(getInt(p, "s")), int(getInt(p, "g")),
              getInt(p, "act") != 0);
     }},
    {"Attention",  // qkv, proj, pe; the heads from the Softmax's shape
     [](const BlockView& v) { return v.kid("qkv", "Conv") && v.kid("proj", "Conv") && v.kid("pe", "Conv"); },
     [](BlockView& v) -> std::optional<Params> {
       const int64_t h = getInt(v.kid("qkv", "Conv")->params, "c2");
       const Node* sm = nullptr;
       for (const Node* n : v.direct)
         if (n->op == "Softmax") sm = n;
       const TensorType* st = sm ? v.f.type({sm->id, 0}) : nullptr;
       const Shape4& x = v.ins[0];
       if (!st || !st->fullyKnown() || st->dims.size() != 4 || x.c <= 0) return std::nullopt;
       return Params{{"num_heads", st->dims[1]}, {"attn_ratio", float(double(h - x.c) / double(2 * x.c))}};
     },
     [](yolo::Builder& b, const std::vector<yolo::Value>& xs, const Params& p) {
       b.attention("m", xs.at(0), int(getInt(p, "num_heads")), getFloat(p, "attn_ratio"));
     }},
    {"PSABlock",  // attn and a two-Conv ffn; a shortcut adds twice
     [](const BlockView& v) { return v.kid("attn", "Attention") && v.kid("ffn.0", "Conv") && v.kid("ffn.1", "Conv"); },
     [](BlockView& v) -> std::optional<Params> {
       const Block* attn = v.kid("attn", "Attention");
       return Params{{"attn_ratio", attn->params.at("attn_ratio")},
                     {"num_heads", attn->params.at("num_heads")},
                     {"shortcut", int64_t(v.count("Add") == 2 ? 1 : 0)}};
     },
     [](yolo::Builder& b, const std::vector<yolo::Value>& xs, const Params& p) {
       b.psaBlock("m", xs.at(0), getFloat(p, "attn_ratio"), int(getInt(p, "num_heads")), getInt(p, "shortcut") != 0);
     }},
    {"C3k",  // cv1, cv2, cv3 and Bottlenecks m.i
     [](const BlockView& v) {
       return v.kid("cv1", "Conv") && v.kid("cv2", "Conv") && v.kid("cv3", "Conv") && !v.ms.empty() &&
              v.ms[0]->type == "Bottleneck";
     },
     [](BlockView& v) -> std::optional<Params> {
       const int64_t c2 = getInt(v.kid("cv3", "Conv")->params, "c2");
       return Params{{"c2", c2},
                     {"n", int64_t(v.ms.size())},
                     {"shortcut", v.ms[0]->params.at("shortcut")},
                     {"e", float(double(getInt(v.kid("cv1", "Conv")->params, "c2")) / double(c2))},
                     {"k", std::get<std::vector<int64_t>>(v.ms[0]->params.at("k")).at(0)}};
     },
     [](yolo::Builder& b, const std::vector<yolo::Value>& xs, const Params& p) {
       b.c3k("m", xs.at(0), getInt(p, "c2"), int(getInt(p, "n")), getInt(p, "shortcut") != 0, getFloat(p, "e"),
             int(getInt(p, "k")));
     }},
    {"C2PSA",  // cv1, cv2 and PSABlocks m.i
     [](const BlockView& v) {
       return v.kid("cv1", "Conv") && v.kid("cv2", "Conv") && !v.ms.empty() && v.ms[0]->type == "PSABlock";
     },
     [](BlockView& v) -> std::optional<Params> {
       const int64_t c2 = getInt(v.kid("cv2", "Conv")->params, "c2"), c = getInt(v.kid("cv1", "Conv")->params, "c2") / 2;
       return Params{{"c2", c2}, {"n", int64_t(v.ms.size())}, {"e", float(double(c) / double(v.ins[0].c))}};
     },
     [](yolo::Builder& b, const std::vector<yolo::Value>& xs, const Params& p) {
       b.c2psa("m", xs.at(0), getInt(p, "c2"), int(getInt(p, "n")), getFloat(p, "e"));
     }},
    {"C3k2",  // cv1, cv2 and Bottlenecks or C3ks m.i (nothing else has cv1, cv2 and m.i)
     [](const BlockView& v) { return v.kid("cv1", "Conv") && v.kid("cv2", "Conv") && !v.ms.empty(); },
     [](BlockView& v) -> std::optional<Params> {
       if (v.ms[0]->type != "Bottleneck" && v.ms[0]->type != "C3k") return std::nullopt;
       const int64_t c2 = getInt(v.kid("cv2", "Conv")->params, "c2"), c = getInt(v.kid("cv1", "Conv")->params, "c2") / 2;
       return Params{{"c2", c2},
                     {"n", int64_t(v.ms.size())},
                     {"c3k", int64_t(v.ms[0]->type == "C3k" ? 1 : 0)},
                     {"e", float(double(c) / double(c2))},
                     {"shortcut", v.ms[0]->params.at("shortcut")}};
     },
     [](yolo::Builder& b, const std::vector<yolo::Value>& xs, const Params& p) {
       b.c3k2("m", xs.at(0), getInt(p, "c2"), int(getInt(p, "n")), getInt(p, "c3k") != 0, getFloat(p, "e"),
              getInt(p, "shortcut") != 0);
     }},
    {"SPPF",  // cv1, cv2 and three MaxPools
     [](const BlockView& v) {
       return v.kid("cv1", "Conv") && v.kid("cv2", "Conv") && v.kids.size() == 2 && v.count("MaxPool") == 3;
     },
     [](BlockView& v) -> std::optional<Params> {
       return Params{{"c2", getInt(v.kid("cv2", "Conv")->params, "c2")},
                     {"k", intsAttr(*v.first("MaxPool"), "kernel_shape", {0}).at(0)}};
     },
     [](yolo::Builder& b, const std::vector<yolo::Value>& xs, const Params& p) {
       b.sppf("m", xs.at(0), getInt(p, "c2"), int(getInt(p, "k")));
     }},
    {"Bottleneck",  // just cv1 and cv2; a shortcut adds
     [](const BlockView& v) { return v.kid("cv1", "Conv") && v.kid("cv2", "Conv") && v.kids.size() == 2; },
     [](BlockView& v) -> std::optional<Params> {
       const Block *cv1 = v.kid("cv1", "Conv"), *cv2 = v.kid("cv2", "Conv");
       const int64_t c2 = getInt(cv2->params, "c2");
       return Params{{"c2", c2},
                     {"shortcut", int64_t(v.count("Add") == 1 ? 1 : 0)},
                     {"k", std::vector<int64_t>{getInt(cv1->params, "k"), getInt(cv2->params, "k")}},
                     {"e", float(double(getInt(cv1->params, "c2")) / double(c2))}};
     },
     [](yolo::Builder& b, const std::vector<yolo::Value>& xs, const Params& p) {
       auto k = std::get<std::vector<int64_t>>(p.at("k"));
       b.bottleneck("m", xs.at(0), getInt(p, "c2"), getInt(p, "shortcut") != 0, int(k.at(0)), int(k.at(1)),
                    getFloat(p, "e"));
     }},
    {"Detect",  // dfl and the box branches cv2.i
     [](const BlockView& v) { return v.kids.count("dfl") && v.kids.count("cv2.0.0"); },
     [](BlockView& v) -> std::optional<Params> {
       // Levels from the largest feature map down; nc from the output (4 box values + classes).
       std::sort(v.ins.begin(), v.ins.end(), [](const Shape4& a, const Shape4& b) { return a.h > b.h; });
       const TensorType* ot = v.outputs.size() == 1 ? v.f.type(v.outputs[0]) : nullptr;
       if (!ot || !ot->fullyKnown() || ot->dims.size() != 3) return std::nullopt;
       int64_t anchors = 0;
       for (const Shape4& s : v.ins) anchors += s.h * s.w;
       // Strides: the per-anchor constant that scales the boxes, read at each level's first anchor.
       std::vector<int64_t> strides;
       for (const Node* n : v.direct) {
         if (n->op != "Mul" || !strides.empty()) continue;
         for (int i = 0; i < 2; ++i) {
           std::optional<Tensor> t = v.f.value(*n, i);
           if (!t || t->dtype() != DType::Float32 || t->numel() != anchors) continue;
           int64_t at = 0;
           for (const Shape4& s : v.ins) strides.push_back(int64_t(std::lround(t->f32()[at]))), at += s.h * s.w;
           break;
         }
       }
       if (strides.size() != v.ins.size()) return std::nullopt;
       return Params{{"nc", ot->dims[1] - 4}, {"strides", strides}};
     },
     [](yolo::Builder& b, const std::vector<yolo::Value>& xs, const Params& p) {
       std::vector<int> strides;
       for (int64_t s : std::get<std::vector<int64_t>>(p.at("strides"))) strides.push_back(int(s));
       b.detect("m", xs, int(getInt(p, "nc")), strides);
     }},
};

// Builds `m`'s type with `params` into a scratch graph from inputs of the given shapes.
Graph buildCandidate(const Matcher& m, const Params& p, const std::vector<Shape4>& ins) {
  if (ins.empty()) throw Error(std::string("no inputs for a candidate ") + m.type);
  Graph g;
  yolo::Builder b(g, 1);
  std::vector<yolo::Value> xs;
  for (size_t i = 0; i < ins.size(); ++i) {
    std::string name = "x";  // not "x" + to_string(i): GCC 12 -O3 warns falsely (-Wrestrict) on that
    name += std::to_string(i);
    xs.push_back(b.input(name, ins[i].c, ins[i].h, ins[i].w));
  }
  m.build(b, xs, p);
  return g;
}

// ------------------------------------------------------------------ the recognizer

// Groups nodes by scope into blocks (parseScopes, createBlocks, adoptUnscoped, regroupTopLevel),
// then types each block bottom-up: a view of its structure, the first matcher that applies, and
// a rebuilt candidate whose computation must equal the block's.
class Recognizer {
 public:
  explicit Recognizer(Graph& g) : g_(g) {}

  RecognizeReport run();

 private:
  void parseScopes();
  std::string effectiveParent(const std::string& s) const;
  bool elided(const std::string& s) const;
  BlockId makeBlock(const std::string& name, BlockId parent);
  void createBlocks(const std::string& scope, BlockId block);
  void adoptUnscoped();
  void regroupTopLevel(BlockId root);
  void recognizeTree(const Facts& f, BlockId id);
  bool recognize(const Facts& f, BlockId id);
  std::optional<BlockView> view(const Facts& f, BlockId id) const;
  bool sameComputation(const Facts& f, BlockId id, const Graph& candidate) const;

  Graph& g_;
  std::map<std::string, Scope> scopes_;                   // by full path; "" is the root
  std::map<std::string, std::vector<std::string>> kids_;  // effective children (elided scopes skipped)
  std::map<BlockId, std::string> scopeOf_;                // block -> its scope
  RecognizeReport report_;
};

void Recognizer::parseScopes() {
  std::vector<std::pair<NodeId, std::vector<std::string>>> parsed;
  std::set<std::string> rawPaths;
  for (NodeId id : g_.nodeIds()) {
    const Node& n = g_.node(id);
    if (n.op == "Input" || n.op == "Output" || n.name.size() < 2 || n.name[0] != '/') continue;
    std::vector<std::string> parts = splitOn(n.name.substr(1), '/');
    parts.pop_back();  // the op's own name ("Conv", "Constant_3")
    if (std::any_of(parts.begin(), parts.end(), [](const std::string& s) { return s.empty(); })) continue;
    for (size_t i = 1; i <= parts.size(); ++i) rawPaths.insert(join(parts, 0, i, '/'));
    parsed.emplace_back(id, std::move(parts));
  }
  scopes_[""];
  for (auto& [id, parts] : parsed) {
    // A module called again gets "_1", "_2" (SPPF's one MaxPool: "m", "m_1", "m_2"): same scope.
    std::string rawPrefix, full;
    for (const std::string& part : parts) {
      std::string c = part;
      if (size_t u = c.rfind('_'); u != std::string::npos && u > 0 && isNumber(c.substr(u + 1))) {
        std::string base = c.substr(0, u);
        if (rawPaths.count(rawPrefix.empty() ? base : rawPrefix + "/" + base)) c = base;
      }
      rawPrefix = rawPrefix.empty() ? c : rawPrefix + "/" + c;
      std::string child = extendPath(full, c);
      Scope& s = scopes_[child];
      s.parent = full;
      scopes_[full].rawChildren.insert(child);
      full = child;
    }
    scopes_[full].nodes.push_back(id);
  }
  for (auto& [name, s] : scopes_)
    if (!name.empty() && !elided(name)) kids_[effectiveParent(name)].push_back(name);
}

// A Sequential/ModuleList holding only its numbered children, with no computation of its own.
bool Recognizer::elided(const std::string& s) const {
  const Scope& sc = scopes_.at(s);
  if (s.empty() || !sc.nodes.empty() || sc.rawChildren.empty()) return false;
  for (const std::string& c : sc.rawChildren)
    if (c.size() <= s.size() + 1 || c.compare(0, s.size() + 1, s + ".") != 0 || !isNumber(c.substr(s.size() + 1)))
      return false;
  return true;
}

std::string Recognizer::effectiveParent(const std::string& s) const {
  std::string p = scopes_.at(s).parent;
  while (!p.empty() && elided(p)) p = scopes_.at(p).parent;
  return p;
}

BlockId Recognizer::makeBlock(const std::string& name, BlockId parent) {
  Block b;
  b.name = name;
  b.parent = parent;
  b.collapsed = true;
  return g_.addBlock(b);
}

// Puts the nodes of `scope` and of its leaf sub-scopes into `block`, and makes nested blocks for
// the sub-scopes that have sub-scopes of their own.
void Recognizer::createBlocks(const std::string& scope, BlockId block) {
  const Scope& s = scopes_.at(scope);
  for (NodeId id : s.nodes) g_.setNodeBlock(id, block);
  for (const std::string& child : kids_[scope]) {
    if (!kids_[child].empty()) {
      BlockId b = makeBlock(child, block);
      scopeOf_[b] = child;
      createBlocks(child, b);
    } else {
      for (NodeId id : scopes_.at(child).nodes) g_.setNodeBlock(id, block);  // a leaf scope
    }
  }
}

// Unscoped constants (the exporter's "Constant_174" split sizes) join the block of their
// consumers when those all lie in one block.
void Recognizer::adoptUnscoped() {
  std::vector<NodeId> order = g_.topologicalOrder();
  for (auto it = order.rbegin(); it != order.rend(); ++it) {
    const Node& n = g_.node(*it);
    if (n.op == "Input" || n.op == "Output" || (!n.name.empty() && n.name[0] == '/')) continue;
    if (std::any_of(n.inputs.begin(), n.inputs.end(), [](const InputBinding& b) { return b.source.has_value(); }))
      continue;  // only constant sources: computations without a scope stay top level
    std::optional<BlockId> common;
    bool same = true;
    for (int p = 0; p < n.numOutputs && same; ++p)
      for (const PortRef& c : g_.consumers({n.id, p})) {
        BlockId b = g_.node(c.node).block;
        if (common && *common != b) same = false;
        common = b;
      }
    if (same && common && *common != n.block) g_.setNodeBlock(n.id, *common);
  }
}

void Recognizer::recognizeTree(const Facts& f, BlockId id) {
  for (BlockId c : g_.childBlocks(id)) recognizeTree(f, c);
  try {
    recognize(f, id);
  } catch (const std::exception&) {
    // A candidate the builder refuses (inconsistent channels, ...) is simply not a match.
  }
}

// The block as matching sees it; nullopt when its data inputs are not all bound, static 4-D.
std::optional<BlockView> Recognizer::view(const Facts& f, BlockId id) const {
  BlockView v{f, {}, {}, {}, {}, {}, {}};
  const std::string& scope = scopeOf_.at(id);
  for (BlockId c : g_.childBlocks(id)) {
    const std::string& cs = scopeOf_.at(c);
    v.kids[scope.empty() ? cs : cs.substr(scope.size() + 1)] = &g_.block(c);
  }
  for (NodeId n : g_.blockNodes(id, false))
    if (f.isData(g_.node(n))) ++v.ops[g_.node(n).op], v.direct.push_back(&g_.node(n));
  for (size_t i = 0; v.kids.count("m." + std::to_string(i)); ++i) v.ms.push_back(v.kids.at("m." + std::to_string(i)));

  const BlockPorts ports = g_.blockPorts(id);
  std::vector<PortRef> inPorts;
  for (const BlockPorts::In& in : ports.inputs) {
    if (!in.source) return std::nullopt;
    if (f.isStatic(g_.node(in.source->node))) continue;
    inPorts.push_back(*in.source);
  }
  if (inPorts.empty()) return std::nullopt;
  for (PortRef p : inPorts) {
    auto s = shape4(f, p);
    if (!s) return std::nullopt;
    v.ins.push_back(*s);
  }
  v.outputs = ports.outputs;
  return v;
}

// Whether the candidate computes what the block does (see signature()).
bool Recognizer::sameComputation(const Facts& f, BlockId id, const Graph& candidate) const {
  Facts cf(candidate);
  return signature(cf, candidate.nodeIds()) == signature(f, g_.blockNodes(id, true));
}

// Finds the block's candidate type and parameters from its structure and its (already typed)
// children, rebuilds it, and types the block if the computation is the same.
bool Recognizer::recognize(const Facts& f, BlockId id) {
  std::optional<BlockView> v = view(f, id);
  if (!v) return false;
  const Matcher* m = std::find_if(std::begin(kMatchers), std::end(kMatchers),
                                  [&](const Matcher& candidate) { return candidate.applies(*v); });
  if (m == std::end(kMatchers)) return false;
  std::optional<Params> p = m->params(*v);
  if (!p || !sameComputation(f, id, buildCandidate(*m, *p, v->ins))) return false;
  g_.setBlockType(id, m->type, *p);
  return true;
}

RecognizeReport Recognizer::run() {
  parseScopes();
  if (scopes_.size() <= 1) return report_;  // no scoped names: not a PyTorch export

  // First guess: the whole model is one library block.
  const BlockId root = makeBlock("model", kNoBlock);
  scopeOf_[root] = "";
  createBlocks("", root);
  adoptUnscoped();
  {
    Facts f(g_);
    recognizeTree(f, root);
  }
  if (!g_.block(root).type.empty()) {
    std::string t = g_.block(root).type;
    std::transform(t.begin(), t.end(), t.begin(), [](unsigned char c) { return char(std::tolower(c)); });
    g_.setBlockName(root, t);
  } else {
    regroupTopLevel(root);
  }
  report_ = {};
  for (auto& [bid, blk] : g_.blocks()) ++report_.blocks, report_.typed += !blk.type.empty();
  return report_;
}

void Recognizer::regroupTopLevel(BlockId root) {
  // Otherwise every top-level scope is a block (model.0 ... model.23), leaf ones included.
  g_.removeBlock(root);
  for (const std::string& top : kids_[""]) {
    if (!kids_[top].empty()) continue;  // already a block
    BlockId b = makeBlock(top, kNoBlock);
    scopeOf_[b] = top;
    createBlocks(top, b);
  }
  adoptUnscoped();
  Facts f(g_);
  for (BlockId b : g_.childBlocks(kNoBlock)) {
    if (!g_.block(b).type.empty()) continue;
    try {
      recognize(f, b);
    } catch (const std::exception&) {
    }
  }
}

}  // namespace

RecognizeReport recognizeBlocks(Graph& g) {
  // A model that brought its own blocks (ONNX functions we exported) keeps them as they are.
  if (!g.blocks().empty()) return {};
  try {
    return Recognizer(g).run();
  } catch (const std::exception&) {
    // Grouping is a convenience of import: never fail an import over it.
    return {};
  }
}

// ------------------------------------------------------------------ the pass after import

RecognizeReport recognizeImported(Graph& g, const RecognizeOptions& opt) {
  if (opt.silu) recognizeSilu(g);
  return opt.blocks ? recognizeBlocks(g) : RecognizeReport{};
}

std::string libraryBlockTypeOf(const std::string& functionName) {
  std::string t = functionName;
  size_t us = t.find_last_of('_');
  if (!findBlockType(t) && us != std::string::npos && us > 0 && us + 1 < t.size() &&
      t.find_first_not_of("0123456789", us + 1) == std::string::npos)
    t.resize(us);
  return findBlockType(t) ? t : std::string();
}

Graph openModelBytes(const std::string& bytes, const RecognizeOptions& opt) {
  Graph g = importModelBytes(bytes, ImportOptions{libraryBlockTypeOf});
  recognizeImported(g, opt);
  return g;
}

Graph openModel(const std::string& path, const RecognizeOptions& opt) {
  Graph g = importModel(path, ImportOptions{libraryBlockTypeOf});
  recognizeImported(g, opt);
  return g;
}

}  // namespace nc::blocks
