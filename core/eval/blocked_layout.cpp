#include "core/eval/blocked_layout.h"

#include <map>
#include <mutex>

#include "core/ops/util/dnnl_context.h"
#include "core/ops/registry.h"

namespace nc {

bool blockable(const Tensor& t) {
  return !t.empty() && t.dtype() == DType::Float32 && t.rank() == 4 && t.dim(1) > 0 &&
         t.dim(1) % kChannelBlock == 0;
}

namespace {

// Reorder primitives plain <-> blocked, per (shape, direction). Creating one is cheap next to a
// convolution, but not free; the set of shapes of one model is small.
dnnl::reorder& reorderFor(const Shape& s, bool toBlockedDir) {
  static std::mutex m;
  static std::map<std::pair<Shape, bool>, dnnl::reorder> cache;
  std::lock_guard<std::mutex> lock(m);
  auto key = std::make_pair(s, toBlockedDir);
  auto it = cache.find(key);
  if (it != cache.end()) return it->second;
  if (cache.size() >= 256) cache.clear();
  const dnnl::memory::dims d(s.begin(), s.end());
  using tag = dnnl::memory::format_tag;
  const dnnl::memory::desc plain(d, dnnl::memory::data_type::f32, tag::nchw),
      blocked(d, dnnl::memory::data_type::f32, tag::nChw16c);
  dnnl::engine& eng = dnnlEngine();
  auto pd = toBlockedDir ? dnnl::reorder::primitive_desc(eng, plain, eng, blocked)
                         : dnnl::reorder::primitive_desc(eng, blocked, eng, plain);
  return cache.emplace(key, dnnl::reorder(pd)).first->second;
}

Tensor reorder(const Tensor& x, bool toBlockedDir) {
  if (!blockable(x))
    throw Error("blocked layout: tensor of shape " + shapeToString(x.shape()) +
                " is not N x C x H x W with C a multiple of 16");
  Tensor y = Tensor::uninitialized(DType::Float32, x.shape());
  const dnnl::memory::dims d(x.shape().begin(), x.shape().end());
  using tag = dnnl::memory::format_tag;
  const dnnl::memory::desc plain(d, dnnl::memory::data_type::f32, tag::nchw),
      blocked(d, dnnl::memory::data_type::f32, tag::nChw16c);
  dnnlExecute(reorderFor(x.shape(), toBlockedDir),
              {{DNNL_ARG_FROM, wrapTensor(toBlockedDir ? plain : blocked, x)},
               {DNNL_ARG_TO, wrapTensor(toBlockedDir ? blocked : plain, y)}});
  return y;
}

// N x C x H x W (blocked) seen as N x C/16 x H*W*16 x 1: channel blocks are contiguous per
// image. Rank 4 like the original, so the op's axis attribute (1 or -3) means the same axis.
Tensor blockView(const Tensor& t) {
  return t.reshaped({t.dim(0), t.dim(1) / kChannelBlock, t.dim(2) * t.dim(3) * kChannelBlock, 1});
}

int64_t attrInt(const Node& n, const char* name, int64_t def) {
  auto it = n.attrs.find(name);
  return it == n.attrs.end() ? def : std::get<int64_t>(it->second);
}

std::optional<std::vector<Tensor>> runPointwise(const Kernel& k, std::span<const Tensor> in,
                                                const std::vector<bool>& inBlocked, std::vector<bool>& outBlocked) {
  const Shape* shape = nullptr;
  for (size_t i = 0; i < in.size(); ++i) {
    if (in[i].empty()) continue;
    if (!inBlocked[i]) return std::nullopt;
    if (shape && in[i].shape() != *shape) return std::nullopt;
    shape = &in[i].shape();
  }
  std::vector<Tensor> out = k.compute(in);
  for (const Tensor& t : out)
    if (t.shape() != *shape) throw Error("blocked layout: a pointwise op changed the shape");
  outBlocked.assign(out.size(), true);
  return out;
}

std::optional<std::vector<Tensor>> runConcat(const Node& n, const Kernel& k, std::span<const Tensor> in,
                                             const std::vector<bool>& inBlocked, std::vector<bool>& outBlocked) {
  const int64_t axis = attrInt(n, "axis", 0);
  if (in.empty() || (axis != 1 && axis != -3)) return std::nullopt;
  std::vector<Tensor> views;
  for (size_t i = 0; i < in.size(); ++i) {
    if (!blockable(in[i])) return std::nullopt;
    // A plain input among blocked ones (e.g. from an op without a blocked form) is reordered.
    views.push_back(blockView(inBlocked[i] ? in[i] : toBlocked(in[i])));
  }
  std::vector<Tensor> out = k.compute(views);
  if (out.size() != 1) return std::nullopt;
  Shape s = in[0].shape();
  s[1] = out[0].dim(1) * kChannelBlock;
  outBlocked = {true};
  return std::vector<Tensor>{out[0].reshaped(s)};
}

std::optional<std::vector<Tensor>> runSplit(const Node& n, const Kernel& k, std::span<const Tensor> in,
                                            std::vector<bool>& outBlocked) {
  const int64_t axis = attrInt(n, "axis", 0);
  if (axis != 1 && axis != -3) return std::nullopt;
  const Tensor& x = in[0];
  const int64_t c = x.dim(1), parts = n.numOutputs;
  if (parts < 1) return std::nullopt;
  std::vector<int64_t> sizes;
  if (in.size() > 1 && !in[1].empty())
    sizes = in[1].toInt64Vector();
  else if (auto it = n.attrs.find("split"); it != n.attrs.end())
    sizes = std::get<std::vector<int64_t>>(it->second);
  else
    for (int64_t i = 0, each = (c + parts - 1) / parts; i < parts; ++i)
      sizes.push_back(std::max<int64_t>(0, std::min(each, c - i * each)));
  if (int64_t(sizes.size()) != parts) return std::nullopt;
  int64_t total = 0;
  std::vector<int64_t> blocks;
  for (int64_t s : sizes) {
    if (s <= 0 || s % kChannelBlock != 0) return std::nullopt;
    total += s;
    blocks.push_back(s / kChannelBlock);
  }
  if (total != c) return std::nullopt;
  std::vector<Tensor> args = {blockView(x), Tensor::fromInt64({int64_t(blocks.size())}, blocks)};
  std::vector<Tensor> out = k.compute(args);
  if (out.size() != sizes.size()) return std::nullopt;
  for (size_t i = 0; i < out.size(); ++i) out[i] = out[i].reshaped({x.dim(0), sizes[i], x.dim(2), x.dim(3)});
  outBlocked.assign(out.size(), true);
  return out;
}

// Nearest resize of H and W only: the blocked data is an N x C/16 x H x W x 16 plain tensor,
// resized with the same geometry on H and W and identity on the other axes.
std::optional<std::vector<Tensor>> runResize(const OpSpec& spec, const Node& n, const Kernel& k,
                                             std::span<const Tensor> in, std::vector<bool>& outBlocked) {
  AttrReader a(spec, nodeInfo(n));
  if (a.s("mode") != "nearest") return std::nullopt;
  const Tensor& x = in[0];
  const int64_t nb = x.dim(0), cb = x.dim(1) / kChannelBlock;
  const Tensor view = x.reshaped({nb, cb, x.dim(2), x.dim(3), kChannelBlock});
  std::vector<Tensor> args(in.begin(), in.end());
  args[0] = view;
  int scalesPort = 1, sizesPort = -1;
  if (n.op == "Resize") {
    if (a.has("axes") || a.s("coordinate_transformation_mode") == "tf_crop_and_resize" ||
        a.s("keep_aspect_ratio_policy") != "stretch")
      return std::nullopt;
    if (in.size() > 1 && !in[1].empty()) return std::nullopt;  // roi
    scalesPort = 2;
    sizesPort = 3;
  }
  const bool hasScales = int(in.size()) > scalesPort && !in[size_t(scalesPort)].empty();
  const bool hasSizes = sizesPort >= 0 && int(in.size()) > sizesPort && !in[size_t(sizesPort)].empty();
  if (hasScales == hasSizes) return std::nullopt;
  if (hasScales) {
    const Tensor& s = in[size_t(scalesPort)];
    if (s.dtype() != DType::Float32 || s.numel() != 4 || s.f32()[0] != 1.0f || s.f32()[1] != 1.0f)
      return std::nullopt;
    args[size_t(scalesPort)] = Tensor::fromFloats({5}, {1.0f, 1.0f, s.f32()[2], s.f32()[3], 1.0f});
  } else {
    const Tensor& s = in[size_t(sizesPort)];
    if (s.dtype() != DType::Int64 || s.numel() != 4 || s.i64()[0] != nb || s.i64()[1] != x.dim(1))
      return std::nullopt;
    args[size_t(sizesPort)] = Tensor::fromInt64({5}, {nb, cb, s.i64()[2], s.i64()[3], kChannelBlock});
  }
  std::vector<Tensor> out = k.compute(args);
  if (out.size() != 1 || out[0].rank() != 5) return std::nullopt;
  outBlocked = {true};
  return std::vector<Tensor>{out[0].reshaped({nb, x.dim(1), out[0].dim(2), out[0].dim(3)})};
}

}  // namespace

Tensor toBlocked(const Tensor& plain) { return reorder(plain, true); }
Tensor toPlain(const Tensor& blocked) { return reorder(blocked, false); }

std::optional<std::vector<Tensor>> computeBlockedNode(const Node& n, const Kernel& k, std::span<const Tensor> in,
                                                      const std::vector<bool>& inBlocked,
                                                      std::vector<bool>& outBlocked) {
  const OpSpec* spec = findOp(n.op);
  if (!spec) return std::nullopt;
  if (spec->blocked == BlockedForm::Kernel) {
    // The spec promises a BlockedKernel for its fast kernel; the reference kernel is not one.
    auto* bk = dynamic_cast<const BlockedKernel*>(&k);
    return bk ? bk->computeBlocked(in, inBlocked, outBlocked) : std::nullopt;
  }
  bool any = false;
  for (bool b : inBlocked) any = any || b;
  if (!any || in.empty()) return std::nullopt;
  switch (spec->blocked) {
    case BlockedForm::Pointwise: return runPointwise(k, in, inBlocked, outBlocked);
    case BlockedForm::ChannelConcat: return runConcat(n, k, in, inBlocked, outBlocked);
    case BlockedForm::ChannelSplit: return inBlocked[0] ? runSplit(n, k, in, outBlocked) : std::nullopt;
    case BlockedForm::SpatialResize: return inBlocked[0] ? runResize(*spec, n, k, in, outBlocked) : std::nullopt;
    case BlockedForm::None:
    case BlockedForm::Kernel: break;
  }
  return std::nullopt;
}

}  // namespace nc
