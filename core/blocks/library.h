#pragma once
// The block library: parametric composite blocks (YOLO11's Conv, Bottleneck, C3k, C3k2, SPPF,
// Attention, PSABlock, C2PSA, Upsample, Concat, Detect) and the operations on blocks that the
// editor and the importer share: insert a library block, regenerate a parametric block's inside
// when a parameter changes (keeping weights whose shapes still fit), group nodes into a block,
// and save/instantiate a block for the user's library.
//
// Parameters are AttrValues; flags are int64 0/1. Names follow Ultralytics' constructor arguments:
//   Conv        c2, k, s, g, act
//   Bottleneck  c2, shortcut, k (ints [k1, k2]), e
//   C3k         c2, n, shortcut, e, k
//   C3k2        c2, n, c3k, e, shortcut
//   SPPF        c2, k
//   Attention   num_heads, attn_ratio
//   PSABlock    attn_ratio, num_heads, shortcut
//   C2PSA       c2, n, e
//   Upsample    scale
//   Concat      (none; channel axis)
//   Detect      nc, strides (ints)
#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "core/tensor/attr.h"
#include "core/graph/graph.h"
#include "core/layout/layout.h"

namespace nc::blocks {

struct BlockParamSpec {
  std::string name;
  AttrValue defaultValue;
  std::string doc;
  double min = 0, max = 0;  // inclusive range for numbers (min == max: unchecked)
};

struct BlockType {
  std::string type;     // "C3k2"
  std::string caption;  // "C3k2 (CSP bottleneck, 2 convolutions)"
  std::string doc;
  int inputs = 1;  // number of inputs; -1: any number >= 1 (Concat, Detect)
  std::vector<BlockParamSpec> params;
};

const std::vector<BlockType>& blockLibrary();
const BlockType* findBlockType(const std::string& type);
// The block type's defaults overlaid with `params`; throws nc::Error naming an unknown parameter,
// a wrong type or a value out of range.
std::map<std::string, AttrValue> completeParams(const std::string& type, const std::map<std::string, AttrValue>& params);

// Adds a library block named `name` (made unique) under `parent`, fed by `inputs` (their shapes
// must be known: shape inference runs on the graph), with seeded weights. Returns the block.
BlockId insertBlock(Graph& g, const std::string& type, const std::map<std::string, AttrValue>& params,
                    const std::vector<PortRef>& inputs, const std::string& name, BlockId parent = kNoBlock,
                    uint64_t seed = 1);

// Rebuilds the inside of a parametric block with new parameters: the outside inputs and the
// consumers of its outputs stay connected; weights of inside nodes whose name and shape still fit
// are kept. Throws nc::Error (graph unchanged) for an unknown type, bad parameters, unknown input
// shapes, or a changed number of outputs that something outside consumes.
// `params` overlays the block's current parameters (which overlay the type's defaults), so
// passing only the changed parameter is enough; {} rebuilds with the current ones.
void regenerateBlock(Graph& g, BlockId id, const std::map<std::string, AttrValue>& params);

// Groups nodes into a new plain block (type ""): every node must currently share one innermost
// block (which becomes the new block's parent); blocks lying wholly inside the selection move
// under the new block. Returns it.
BlockId groupNodes(Graph& g, const std::vector<NodeId>& nodes, const std::string& name);

// A block as a standalone graph for the user's block library: its nodes and inner blocks, with
// one Input node per outside input (shape from shape inference when known) and one Output node
// per output. Saved with saveProject.
Graph extractBlock(const Graph& g, BlockId id);
// The inverse: adds `saved`'s nodes (not its Input/Output nodes) as a new block named `name`
// (made unique) at (x, y); each saved Input's consumers become unbound inputs of the block.
BlockId instantiateBlock(Graph& g, const Graph& saved, const std::string& name, double x, double y);

}  // namespace nc::blocks
