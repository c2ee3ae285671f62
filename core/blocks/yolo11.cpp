#include "core/blocks/yolo11.h"

#include <cmath>
#include <numeric>
#include <optional>
#include <random>

#include "core/layout/block_layout.h"
#include "core/base/error.h"
#include "core/ops/registry.h"

namespace nc::yolo {

namespace {

Tensor kaiming(const Shape& shape, uint64_t seed) {
  int64_t fanIn = 1;
  for (size_t i = 1; i < shape.size(); ++i) fanIn *= shape[i];
  Tensor t(DType::Float32, shape);
  std::mt19937_64 rng(seed);
  std::normal_distribution<float> n(0.0f, float(std::sqrt(2.0 / double(std::max<int64_t>(1, fanIn)))));
  for (float& v : t.floats()) v = n(rng);
  return t;
}

Tensor uniformTensor(const Shape& shape, float lo, float hi, uint64_t seed) {
  Tensor t(DType::Float32, shape);
  std::mt19937_64 rng(seed);
  std::uniform_real_distribution<float> u(lo, hi);
  for (float& v : t.floats()) v = u(rng);
  return t;
}

int64_t makeDivisible(double x, int64_t divisor) { return int64_t(std::ceil(x / double(divisor))) * divisor; }

void need(bool ok, const std::string& block, const std::string& what) {
  if (!ok) throw Error(block + ": " + what);
}

std::string str(int64_t v) { return std::to_string(v); }

// Detect's anchor points (cell centres, 1 x 2 x anchors) and per-anchor strides (1 x anchors) over
// all levels, as ultralytics make_anchors(offset=0.5).
std::pair<Tensor, Tensor> anchorsAndStrides(const std::vector<Value>& xs, const std::vector<int>& strides,
                                            int64_t anchors) {
  std::vector<float> ap(static_cast<size_t>(2 * anchors)), st(static_cast<size_t>(anchors));
  int64_t k = 0;
  for (size_t i = 0; i < xs.size(); ++i)
    for (int64_t y = 0; y < xs[i].height; ++y)
      for (int64_t x = 0; x < xs[i].width; ++x, ++k) {
        ap[size_t(k)] = float(x) + 0.5f;
        ap[size_t(anchors + k)] = float(y) + 0.5f;
        st[size_t(k)] = float(strides[i]);
      }
  return {Tensor::fromFloats({1, 2, anchors}, ap), Tensor::fromFloats({1, anchors}, st)};
}

}  // namespace

Builder::Scope::Scope(Builder& b, const std::string& name, const std::string& type,
                      std::map<std::string, AttrValue> params)
    : b_(b), saved_(b.current_) {
  BlockId id = b.reuse_;
  if (id != kNoBlock) {
    b.reuse_ = kNoBlock;
    b.g_.setBlockType(id, type, std::move(params));
  } else {
    Block blk;
    blk.name = name;
    blk.type = type;
    blk.params = std::move(params);
    blk.parent = b.current_;
    blk.x = b.layoutX_;
    id = b.g_.addBlock(std::move(blk));
  }
  if (saved_ == b.parent_) b.last_ = id;
  b.current_ = id;
}

NodeId Builder::node(const std::string& op, const std::string& name) {
  NodeId id = g_.addNode(op, name);
  if (current_ != kNoBlock) g_.setNodeBlock(id, current_);
  g_.setPosition(id, layoutX_, 0);
  layoutX_ += 1;
  return id;
}

Value Builder::input(const std::string& name, int64_t c, int64_t h, int64_t w) {
  NodeId id = node("Input", name);
  g_.setAttr(id, "shape", Shape{1, c, h, w});
  g_.setAttr(id, "seed", int64_t(seed_));
  return {{id, 0}, c, h, w};
}

void Builder::output(const std::string& name, const Value& v) {
  NodeId id = node("Output", name);
  g_.connect(v.port, {id, 0});
}

Value Builder::conv2d(const std::string& name, const Value& x, int64_t c2, int k, bool bias) {
  NodeId c = node("Conv", name);
  g_.setAttr(c, "kernel_shape", std::vector<int64_t>{k, k});
  g_.setAttr(c, "pads", std::vector<int64_t>{k / 2, k / 2, k / 2, k / 2});
  g_.setConstant(c, 1, kaiming({c2, x.channels, k, k}, nextSeed()));
  if (bias) g_.setConstant(c, 2, uniformTensor({c2}, -0.1f, 0.1f, nextSeed()));
  g_.connect(x.port, {c, 0});
  return {{c, 0}, c2, x.height, x.width};
}

Value Builder::conv(const std::string& name, const Value& x, int64_t c2, int k, int s, int groups, bool act) {
  need(c2 >= 1 && k >= 1 && s >= 1 && groups >= 1, name, "Conv needs c2, k, s and g of at least 1");
  need(x.channels % groups == 0 && c2 % groups == 0, name,
       "Conv groups g=" + str(groups) + " must divide the input channels (" + str(x.channels) + ") and c2 (" + str(c2) + ")");
  Scope scope(*this, name, "Conv",
              {{"c2", c2}, {"k", int64_t(k)}, {"s", int64_t(s)}, {"g", int64_t(groups)}, {"act", int64_t(act ? 1 : 0)}});
  NodeId c = node("Conv", name + ".conv");
  g_.setAttr(c, "kernel_shape", std::vector<int64_t>{k, k});
  g_.setAttr(c, "strides", std::vector<int64_t>{s, s});
  g_.setAttr(c, "pads", std::vector<int64_t>{k / 2, k / 2, k / 2, k / 2});
  if (groups != 1) g_.setAttr(c, "group", int64_t(groups));
  g_.setConstant(c, 1, kaiming({c2, x.channels / groups, k, k}, nextSeed()));
  g_.connect(x.port, {c, 0});

  NodeId bn = node("BatchNormalization", name + ".bn");
  g_.setAttr(bn, "epsilon", 1e-3f);
  g_.setAttr(bn, "momentum", 0.97f);  // PyTorch momentum 0.03 in ONNX's convention
  g_.setConstant(bn, 1, uniformTensor({c2}, 0.8f, 1.2f, nextSeed()));
  g_.setConstant(bn, 2, uniformTensor({c2}, -0.1f, 0.1f, nextSeed()));
  g_.setConstant(bn, 3, uniformTensor({c2}, -0.1f, 0.1f, nextSeed()));
  g_.setConstant(bn, 4, uniformTensor({c2}, 0.5f, 1.5f, nextSeed()));
  g_.connect({c, 0}, {bn, 0});
  const int64_t h = (x.height + 2 * (k / 2) - k) / s + 1, w = (x.width + 2 * (k / 2) - k) / s + 1;
  if (!act) return {{bn, 0}, c2, h, w};
  PortRef y = unary("SiLU", name + ".act", {bn, 0});
  return {y, c2, h, w};
}

PortRef Builder::unary(const std::string& op, const std::string& name, PortRef x) {
  NodeId id = node(op, name);
  g_.connect(x, {id, 0});
  return {id, 0};
}

PortRef Builder::add(const std::string& name, PortRef a, PortRef b) {
  NodeId id = node("Add", name);
  g_.connect(a, {id, 0});
  g_.connect(b, {id, 1});
  return {id, 0};
}

PortRef Builder::binaryConst(const std::string& op, const std::string& name, PortRef x, const Tensor& c,
                             bool constFirst) {
  NodeId id = node(op, name);
  g_.connect(x, {id, constFirst ? 1 : 0});
  g_.setConstant(id, constFirst ? 0 : 1, c);
  return {id, 0};
}

std::vector<PortRef> Builder::split(const std::string& name, PortRef x, int axis, const std::vector<int64_t>& sizes) {
  NodeId id = node("Split", name);
  g_.setAttr(id, "axis", int64_t(axis));
  g_.setConstant(id, 1, Tensor::fromInt64({int64_t(sizes.size())}, sizes));
  g_.setOutputCount(id, int(sizes.size()));
  g_.connect(x, {id, 0});
  std::vector<PortRef> outs;
  for (int i = 0; i < int(sizes.size()); ++i) outs.push_back({id, i});
  return outs;
}

PortRef Builder::reshape(const std::string& name, PortRef x, const std::vector<int64_t>& shape) {
  NodeId id = node("Reshape", name);
  g_.setConstant(id, 1, Tensor::fromInt64({int64_t(shape.size())}, shape));
  g_.connect(x, {id, 0});
  return {id, 0};
}

PortRef Builder::transpose(const std::string& name, PortRef x, const std::vector<int64_t>& perm) {
  NodeId id = node("Transpose", name);
  g_.setAttr(id, "perm", perm);
  g_.connect(x, {id, 0});
  return {id, 0};
}

PortRef Builder::concatPorts(const std::string& name, const std::vector<PortRef>& xs, int axis) {
  NodeId id = node("Concat", name);
  g_.setAttr(id, "axis", int64_t(axis));
  g_.setInputCount(id, int(xs.size()));
  for (int i = 0; i < int(xs.size()); ++i) g_.connect(xs[size_t(i)], {id, i});
  return {id, 0};
}

Value Builder::concat(const std::string& name, const std::vector<Value>& xs) {
  need(!xs.empty(), name, "Concat needs at least one input");
  for (const Value& v : xs)
    need(v.height == xs[0].height && v.width == xs[0].width, name,
         "Concat inputs must have the same height and width (" + str(xs[0].height) + "x" + str(xs[0].width) + " vs " +
             str(v.height) + "x" + str(v.width) + ")");
  Scope scope(*this, name, "Concat", {});
  return cat(name, xs);
}

Value Builder::cat(const std::string& name, const std::vector<Value>& xs) {
  std::vector<PortRef> ports;
  int64_t c = 0;
  for (auto& v : xs) ports.push_back(v.port), c += v.channels;
  return {concatPorts(name, ports, 1), c, xs[0].height, xs[0].width};
}

Value Builder::bottleneck(const std::string& name, const Value& x, int64_t c2, bool shortcut, int k1, int k2,
                          double e) {
  const int64_t c_ = int64_t(double(c2) * e);
  need(c_ >= 1, name, "Bottleneck hidden channels int(c2 * e) must be at least 1");
  Scope scope(*this, name, "Bottleneck",
              {{"c2", c2}, {"shortcut", int64_t(shortcut ? 1 : 0)}, {"k", std::vector<int64_t>{k1, k2}}, {"e", float(e)}});
  Value y = conv(name + ".cv2", conv(name + ".cv1", x, c_, k1), c2, k2);
  if (shortcut && x.channels == c2) y.port = add(name + ".add", x.port, y.port);
  return y;
}

Value Builder::c3k(const std::string& name, const Value& x, int64_t c2, int n, bool shortcut, double e, int k) {
  const int64_t c_ = int64_t(double(c2) * e);
  need(c_ >= 1 && n >= 1, name, "C3k needs n >= 1 and hidden channels int(c2 * e) >= 1");
  Scope scope(*this, name, "C3k",
              {{"c2", c2}, {"n", int64_t(n)}, {"shortcut", int64_t(shortcut ? 1 : 0)}, {"e", float(e)}, {"k", int64_t(k)}});
  Value a = conv(name + ".cv1", x, c_);
  Value b = conv(name + ".cv2", x, c_);
  for (int i = 0; i < n; ++i) a = bottleneck(name + ".m." + std::to_string(i), a, c_, shortcut, k, k, 1.0);
  return conv(name + ".cv3", cat(name + ".cat", {a, b}), c2);
}

Value Builder::c3k2(const std::string& name, const Value& x, int64_t c2, int n, bool useC3k, double e, bool shortcut) {
  const int64_t c = int64_t(double(c2) * e);
  need(c >= 1 && n >= 1, name, "C3k2 needs n >= 1 and hidden channels int(c2 * e) >= 1");
  Scope scope(*this, name, "C3k2",
              {{"c2", c2}, {"n", int64_t(n)}, {"c3k", int64_t(useC3k ? 1 : 0)}, {"e", float(e)},
               {"shortcut", int64_t(shortcut ? 1 : 0)}});
  Value y = conv(name + ".cv1", x, 2 * c);
  std::vector<PortRef> halves = split(name + ".chunk", y.port, 1, {c, c});
  std::vector<Value> parts = {{halves[0], c, y.height, y.width}, {halves[1], c, y.height, y.width}};
  for (int i = 0; i < n; ++i) {
    const std::string m = name + ".m." + std::to_string(i);
    parts.push_back(useC3k ? c3k(m, parts.back(), c, 2, shortcut, 0.5, 3)
                           : bottleneck(m, parts.back(), c, shortcut, 3, 3, 0.5));
  }
  return conv(name + ".cv2", cat(name + ".cat", parts), c2);
}

Value Builder::sppf(const std::string& name, const Value& x, int64_t c2, int k) {
  const int64_t c_ = x.channels / 2;
  need(c_ >= 1 && k >= 1 && k % 2 == 1, name, "SPPF needs at least 2 input channels and an odd k");
  Scope scope(*this, name, "SPPF", {{"c2", c2}, {"k", int64_t(k)}});
  std::vector<Value> ys = {conv(name + ".cv1", x, c_)};
  for (int i = 0; i < 3; ++i) {
    NodeId p = node("MaxPool", name + ".m." + std::to_string(i));
    g_.setAttr(p, "kernel_shape", std::vector<int64_t>{k, k});
    g_.setAttr(p, "strides", std::vector<int64_t>{1, 1});
    g_.setAttr(p, "pads", std::vector<int64_t>{k / 2, k / 2, k / 2, k / 2});
    g_.connect(ys.back().port, {p, 0});
    ys.push_back({{p, 0}, c_, x.height, x.width});
  }
  return conv(name + ".cv2", cat(name + ".cat", ys), c2);
}

Value Builder::attention(const std::string& name, const Value& x, int numHeads, double attnRatio) {
  need(numHeads >= 1 && x.channels % numHeads == 0, name,
       "Attention num_heads=" + str(numHeads) + " must be at least 1 and divide the channels (" + str(x.channels) + ")");
  const int64_t dim = x.channels, headDim = dim / numHeads, keyDim = int64_t(double(headDim) * attnRatio);
  need(keyDim >= 1, name, "Attention key dim int(channels / num_heads * attn_ratio) must be at least 1");
  Scope scope(*this, name, "Attention", {{"num_heads", int64_t(numHeads)}, {"attn_ratio", float(attnRatio)}});
  const int64_t h = dim + keyDim * numHeads * 2, n = x.height * x.width;
  Value qkv = conv(name + ".qkv", x, h, 1, 1, 1, false);
  PortRef r = reshape(name + ".view", qkv.port, {1, numHeads, keyDim * 2 + headDim, n});
  std::vector<PortRef> qkvParts = split(name + ".split", r, 2, {keyDim, keyDim, headDim});
  PortRef qT = transpose(name + ".qT", qkvParts[0], {0, 1, 3, 2});
  NodeId mm = node("MatMul", name + ".qk");
  g_.connect(qT, {mm, 0});
  g_.connect(qkvParts[1], {mm, 1});
  PortRef scaled = binaryConst("Mul", name + ".scale", {mm, 0}, Tensor::scalar(float(std::pow(double(keyDim), -0.5))));
  NodeId sm = node("Softmax", name + ".softmax");
  g_.setAttr(sm, "axis", int64_t(-1));
  g_.connect(scaled, {sm, 0});
  PortRef attnT = transpose(name + ".attnT", {sm, 0}, {0, 1, 3, 2});
  NodeId mv = node("MatMul", name + ".av");
  g_.connect(qkvParts[2], {mv, 0});
  g_.connect(attnT, {mv, 1});
  PortRef xv = reshape(name + ".view_out", {mv, 0}, {1, dim, x.height, x.width});
  PortRef v4 = reshape(name + ".view_v", qkvParts[2], {1, dim, x.height, x.width});
  Value pe = conv(name + ".pe", {v4, dim, x.height, x.width}, dim, 3, 1, int(dim), false);
  PortRef sum = add(name + ".add_pe", xv, pe.port);
  return conv(name + ".proj", {sum, dim, x.height, x.width}, dim, 1, 1, 1, false);
}

Value Builder::psaBlock(const std::string& name, const Value& x, double attnRatio, int numHeads, bool shortcut) {
  Scope scope(*this, name, "PSABlock",
              {{"attn_ratio", float(attnRatio)}, {"num_heads", int64_t(numHeads)}, {"shortcut", int64_t(shortcut ? 1 : 0)}});
  Value a = attention(name + ".attn", x, numHeads, attnRatio);
  Value y = x;
  y.port = shortcut ? add(name + ".add_attn", x.port, a.port) : a.port;
  Value f = conv(name + ".ffn.1", conv(name + ".ffn.0", y, x.channels * 2), x.channels, 1, 1, 1, false);
  Value out = y;
  out.port = shortcut ? add(name + ".add_ffn", y.port, f.port) : f.port;
  return out;
}

Value Builder::c2psa(const std::string& name, const Value& x, int64_t c2, int n, double e) {
  if (x.channels != c2) throw Error("C2PSA needs c1 == c2 (got " + std::to_string(x.channels) + " and " + std::to_string(c2) + ")");
  const int64_t c = int64_t(double(x.channels) * e);
  need(n >= 1 && c >= 64, name, "C2PSA needs n >= 1 and int(c1 * e) >= 64 (num_heads = int(c1 * e) / 64)");
  Scope scope(*this, name, "C2PSA", {{"c2", c2}, {"n", int64_t(n)}, {"e", float(e)}});
  Value y = conv(name + ".cv1", x, 2 * c);
  std::vector<PortRef> ab = split(name + ".split", y.port, 1, {c, c});
  Value b{ab[1], c, y.height, y.width};
  for (int i = 0; i < n; ++i) b = psaBlock(name + ".m." + std::to_string(i), b, 0.5, int(c / 64));
  return conv(name + ".cv2", cat(name + ".cat", {{ab[0], c, y.height, y.width}, b}), x.channels);
}

Value Builder::upsample(const std::string& name, const Value& x, int scale) {
  need(scale >= 1, name, "Upsample scale must be at least 1");
  Scope scope(*this, name, "Upsample", {{"scale", int64_t(scale)}});
  NodeId id = node("Resize", name);
  g_.setAttr(id, "mode", std::string("nearest"));
  g_.setAttr(id, "coordinate_transformation_mode", std::string("asymmetric"));
  g_.setAttr(id, "nearest_mode", std::string("floor"));
  g_.setConstant(id, 2, Tensor::fromFloats({4}, {1, 1, float(scale), float(scale)}));
  g_.connect(x.port, {id, 0});
  return {{id, 0}, x.channels, x.height * scale, x.width * scale};
}

Value Builder::detect(const std::string& name, const std::vector<Value>& xs, int nc, const std::vector<int>& strides) {
  need(!xs.empty() && xs.size() == strides.size(), name,
       "Detect needs one stride per input (" + str(int64_t(xs.size())) + " inputs, " + str(int64_t(strides.size())) + " strides)");
  need(nc >= 1, name, "Detect needs nc >= 1");
  std::vector<int64_t> strides64(strides.begin(), strides.end());
  Scope scope(*this, name, "Detect", {{"nc", int64_t(nc)}, {"strides", strides64}});
  const int regMax = 16;
  const int64_t no = nc + regMax * 4;
  const int64_t c2 = std::max<int64_t>({16, xs[0].channels / 4, regMax * 4});
  const int64_t c3 = std::max<int64_t>(xs[0].channels, std::min<int64_t>(nc, 100));
  std::vector<PortRef> levels;
  int64_t anchors = 0;
  for (size_t i = 0; i < xs.size(); ++i) {
    const std::string li = std::to_string(i);
    const Value& x = xs[i];
    Value box = conv(name + ".cv2." + li + ".0", x, c2, 3);
    box = conv(name + ".cv2." + li + ".1", box, c2, 3);
    box = conv2d(name + ".cv2." + li + ".2", box, 4 * regMax, 1);
    Value cls = conv(name + ".cv3." + li + ".0.0", x, x.channels, 3, 1, int(std::gcd(x.channels, x.channels)));
    cls = conv(name + ".cv3." + li + ".0.1", cls, c3, 1);
    cls = conv(name + ".cv3." + li + ".1.0", cls, c3, 3, 1, int(c3));
    cls = conv(name + ".cv3." + li + ".1.1", cls, c3, 1);
    cls = conv2d(name + ".cv3." + li + ".2", cls, nc, 1);
    PortRef cat = concatPorts(name + ".cat." + li, {box.port, cls.port}, 1);
    levels.push_back(reshape(name + ".view." + li, cat, {1, no, x.height * x.width}));
    anchors += x.height * x.width;
  }
  PortRef all = concatPorts(name + ".cat_levels", levels, 2);
  std::vector<PortRef> boxCls = split(name + ".split_box_cls", all, 1, {regMax * 4, nc});
  // DFL: softmax over the 16 bins of each side, expectation by a fixed 1x1 conv with arange weights.
  std::optional<Scope> dflScope(std::in_place, *this, name + ".dfl", "", std::map<std::string, AttrValue>{});
  PortRef dfl = reshape(name + ".dfl.view", boxCls[0], {1, 4, regMax, anchors});
  dfl = transpose(name + ".dfl.transpose", dfl, {0, 2, 1, 3});
  NodeId sm = node("Softmax", name + ".dfl.softmax");
  g_.setAttr(sm, "axis", int64_t(1));
  g_.connect(dfl, {sm, 0});
  NodeId dconv = node("Conv", name + ".dfl.conv");
  std::vector<float> ar(regMax);
  std::iota(ar.begin(), ar.end(), 0.0f);
  g_.setConstant(dconv, 1, Tensor::fromFloats({1, regMax, 1, 1}, ar));
  g_.connect({sm, 0}, {dconv, 0});
  PortRef dist = reshape(name + ".dfl.out", {dconv, 0}, {1, 4, anchors});
  dflScope.reset();
  const auto [anchorT, strideT] = anchorsAndStrides(xs, strides, anchors);
  std::vector<PortRef> ltrb = split(name + ".dist_split", dist, 1, {2, 2});
  PortRef x1y1 = binaryConst("Sub", name + ".x1y1", ltrb[0], anchorT, true);
  PortRef x2y2 = binaryConst("Add", name + ".x2y2", ltrb[1], anchorT, true);
  PortRef cxy = binaryConst("Div", name + ".cxy", add(name + ".xy_sum", x1y1, x2y2), Tensor::scalar(2.0f));
  NodeId wh = node("Sub", name + ".wh");
  g_.connect(x2y2, {wh, 0});
  g_.connect(x1y1, {wh, 1});
  PortRef dbox = binaryConst("Mul", name + ".dbox", concatPorts(name + ".xywh", {cxy, {wh, 0}}, 1), strideT);
  PortRef scores = unary("Sigmoid", name + ".cls_sigmoid", boxCls[1]);
  PortRef out = concatPorts(name + ".out", {dbox, scores}, 1);
  return {out, 4 + nc, 1, anchors};
}

Graph buildYolo11(const Yolo11Config& cfg) {
  Graph g;
  Builder b(g, cfg.seed);
  auto ch = [&](int64_t c) { return makeDivisible(double(std::min<int64_t>(c, cfg.maxChannels)) * cfg.width, 8); };
  auto rep = [&](int n) { return n > 1 ? std::max(int(std::lround(double(n) * cfg.depth)), 1) : n; };
  Value x = b.input("images", 3, cfg.imageSize, cfg.imageSize);
  Value l0 = b.conv("model.0", x, ch(64), 3, 2);
  Value l1 = b.conv("model.1", l0, ch(128), 3, 2);
  Value l2 = b.c3k2("model.2", l1, ch(256), rep(2), false, 0.25);
  Value l3 = b.conv("model.3", l2, ch(256), 3, 2);
  Value l4 = b.c3k2("model.4", l3, ch(512), rep(2), false, 0.25);
  Value l5 = b.conv("model.5", l4, ch(512), 3, 2);
  Value l6 = b.c3k2("model.6", l5, ch(512), rep(2), true, 0.5);
  Value l7 = b.conv("model.7", l6, ch(1024), 3, 2);
  Value l8 = b.c3k2("model.8", l7, ch(1024), rep(2), true, 0.5);
  Value l9 = b.sppf("model.9", l8, ch(1024), 5);
  Value l10 = b.c2psa("model.10", l9, ch(1024), rep(2));
  Value l11 = b.upsample("model.11", l10);
  Value l12 = b.concat("model.12", {l11, l6});
  Value l13 = b.c3k2("model.13", l12, ch(512), rep(2), false, 0.5);
  Value l14 = b.upsample("model.14", l13);
  Value l15 = b.concat("model.15", {l14, l4});
  Value l16 = b.c3k2("model.16", l15, ch(256), rep(2), false, 0.5);
  Value l17 = b.conv("model.17", l16, ch(256), 3, 2);
  Value l18 = b.concat("model.18", {l17, l13});
  Value l19 = b.c3k2("model.19", l18, ch(512), rep(2), false, 0.5);
  Value l20 = b.conv("model.20", l19, ch(512), 3, 2);
  Value l21 = b.concat("model.21", {l20, l10});
  Value l22 = b.c3k2("model.22", l21, ch(1024), rep(2), true, 0.5);
  Value out = b.detect("model.23", {l16, l19, l22}, cfg.numClasses, {8, 16, 32});
  b.output("output0", out);
  layoutCollapsed(g);
  return g;
}

int64_t trainableParameterCount(const Graph& g) {
  int64_t n = 0;
  for (NodeId id : g.nodeIds()) {
    const Node& node = g.node(id);
    const OpSpec* spec = findOp(node.op);
    if (!spec) continue;
    for (size_t i = 0; i < node.inputs.size() && i < spec->inputs.size(); ++i) {
      const PortSpec& p = spec->inputs[i];
      const Tensor& t = node.inputs[i].constant;
      if (p.param && !p.buffer && !p.setting && !node.inputs[i].source && !t.empty() && t.dtype() == DType::Float32) n += t.numel();
    }
  }
  return n;
}

}  // namespace nc::yolo
