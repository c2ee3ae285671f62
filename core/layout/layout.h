#pragma once
// Layered (Sugiyama-style) automatic layout of a graph: inputs on the left, outputs on the right.
// Longest-path layering, long edges split by virtual nodes, barycentre ordering sweeps, then a
// vertical placement that pulls each node towards its neighbours while keeping the order.
// Qt-free; linear-ish in nodes + edges (10,000 nodes lay out in a few tens of milliseconds).
#include <functional>
#include <vector>

#include "core/graph/graph.h"

namespace nc {

struct LayoutOptions {
  double layerSpacing = 280;  // x distance between layers (node width + gap)
  double nodeSpacing = 200;   // minimum y distance between the tops of nodes of one layer
  // Optional node heights: then a node sits at least height + verticalGap below the one above
  // it in its layer (y is a node's top edge, so chains keep their first ports aligned).
  std::function<double(NodeId)> nodeHeight;
  double verticalGap = 40;
  int sweeps = 4;  // barycentre sweeps (each one down and one up)
  double originX = 0, originY = 0;
};

struct NodePosition {
  NodeId id = kNoNode;
  double x = 0, y = 0;
  int layer = 0;
};

// Positions for every node of g, in ascending id order.
std::vector<NodePosition> layeredLayout(const Graph& g, const LayoutOptions& options = {});

}  // namespace nc
