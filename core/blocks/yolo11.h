#pragma once
// The YOLO11 block library as graph builders, following Ultralytics' module definitions
// (ultralytics/nn/modules/{conv,block,head}.py): Conv (Conv2d without bias + BatchNorm eps 1e-3
// + SiLU), Bottleneck, C3k, C3k2, SPPF, Attention, PSABlock, C2PSA, Detect with DFL, and the
// whole YOLO11n. Node names mirror the PyTorch module paths (model.2.cv1.conv, ...).
// Weights are seeded random (Kaiming-normal convolutions, BatchNorm statistics near identity),
// so evaluation is deterministic; real weights can be loaded into the same graph.
//
// Every builder method that corresponds to an Ultralytics module opens a composite block (see
// Block in core/graph.h) named after the module path ("model.2", nested "model.2.cv1", ...) with
// the block library's type and parameters (core/blocks/library.h), collapsed. Blocks are metadata:
// node names, ids, weights and numbers are the same as without them.
#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "core/graph/graph.h"

namespace nc::yolo {

// A value in the graph being built: an output port and what we know of it.
struct Value {
  PortRef port;
  int64_t channels = 0;
  int64_t height = 0, width = 0;
};

class Builder {
 public:
  // Blocks (and nodes outside any method's block) go under `parent` (kNoBlock: top level).
  Builder(Graph& g, uint64_t seed, BlockId parent = kNoBlock) : g_(g), seed_(seed), current_(parent), parent_(parent) {}

  // The next block opened reuses the existing block `id` (its id, name, parent, position and
  // collapsed state) instead of adding one; its type and parameters are set. For regeneration.
  void reuseBlock(BlockId id) { reuse_ = id; }
  // The most recent block opened directly under the builder's parent (kNoBlock: none yet).
  BlockId lastBlock() const { return last_; }

  Value input(const std::string& name, int64_t c, int64_t h, int64_t w);
  void output(const std::string& name, const Value& v);

  // Ultralytics Conv: Conv2d(k, s, autopad, groups, bias=False) -> BatchNorm2d(eps 1e-3) -> SiLU.
  Value conv(const std::string& name, const Value& x, int64_t c2, int k = 1, int s = 1, int groups = 1,
             bool act = true);
  // A plain nn.Conv2d with bias (Detect's last layers).
  Value conv2d(const std::string& name, const Value& x, int64_t c2, int k, bool bias = true);
  Value bottleneck(const std::string& name, const Value& x, int64_t c2, bool shortcut, int k1, int k2, double e);
  Value c3k(const std::string& name, const Value& x, int64_t c2, int n, bool shortcut, double e, int k);
  Value c3k2(const std::string& name, const Value& x, int64_t c2, int n, bool c3k, double e, bool shortcut = true);
  Value sppf(const std::string& name, const Value& x, int64_t c2, int k = 5);
  Value attention(const std::string& name, const Value& x, int numHeads, double attnRatio = 0.5);
  Value psaBlock(const std::string& name, const Value& x, double attnRatio, int numHeads, bool shortcut = true);
  Value c2psa(const std::string& name, const Value& x, int64_t c2, int n = 1, double e = 0.5);
  Value upsample(const std::string& name, const Value& x, int scale = 2);
  // Ultralytics' Concat module (channel axis), as a block.
  Value concat(const std::string& name, const std::vector<Value>& xs);
  // Detect head (inference form): 1 x (4 + nc) x anchors, boxes as xywh in pixels, class scores.
  Value detect(const std::string& name, const std::vector<Value>& xs, int nc, const std::vector<int>& strides);

  Graph& graph() { return g_; }

 private:
  // Opens a block for the scope's lifetime; nodes added meanwhile belong to it.
  class Scope {
   public:
    Scope(Builder& b, const std::string& name, const std::string& type, std::map<std::string, AttrValue> params);
    ~Scope() { b_.current_ = saved_; }
    Scope(const Scope&) = delete;
    Scope& operator=(const Scope&) = delete;

   private:
    Builder& b_;
    BlockId saved_;
  };

  NodeId node(const std::string& op, const std::string& name);
  Value cat(const std::string& name, const std::vector<Value>& xs);  // torch.cat: plain node
  PortRef add(const std::string& name, PortRef a, PortRef b);
  std::vector<PortRef> split(const std::string& name, PortRef x, int axis, const std::vector<int64_t>& sizes);
  PortRef reshape(const std::string& name, PortRef x, const std::vector<int64_t>& shape);
  PortRef transpose(const std::string& name, PortRef x, const std::vector<int64_t>& perm);
  PortRef unary(const std::string& op, const std::string& name, PortRef x);
  PortRef binaryConst(const std::string& op, const std::string& name, PortRef x, const Tensor& c, bool constFirst = false);
  PortRef concatPorts(const std::string& name, const std::vector<PortRef>& xs, int axis);
  uint64_t nextSeed() { return seed_ + (counter_++) * 0x9E3779B97F4A7C15ull; }

  Graph& g_;
  uint64_t seed_;
  uint64_t counter_ = 0;
  double layoutX_ = 0;
  BlockId current_;
  BlockId reuse_ = kNoBlock;
  BlockId last_ = kNoBlock;
  BlockId parent_;
};

struct Yolo11Config {
  double depth = 0.50, width = 0.25;
  int maxChannels = 1024;
  int numClasses = 80;
  int64_t imageSize = 640;
  uint64_t seed = 1;
};

// YOLO11 graph (YOLO11n with the default config): input "images" 1x3xSxS, output "output0"
// 1 x (4 + nc) x anchors. Its top level is the 24 layers model.0 ... model.23 as collapsed blocks,
// laid out as a canvas shows them (layoutCollapsed).
Graph buildYolo11(const Yolo11Config& cfg = {});

// Trainable parameters as PyTorch counts them: node-owned float constants on param ports that
// are not buffers (BatchNorm running statistics are buffers).
int64_t trainableParameterCount(const Graph& g);

}  // namespace nc::yolo
