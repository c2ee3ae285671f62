#pragma once
// Layout of graphs with composite blocks (core/graph/graph.h, Block), on top of layeredLayout.
#include "core/graph/graph.h"
#include "core/layout/layout.h"

namespace nc {

// Lays out a block's inside, flat and layered, with its top-left at the block's position; nested
// blocks move to the top-left of their nodes. Node ids are the graph's (options.nodeHeight too).
void layoutBlockInside(Graph& g, BlockId id, const LayoutOptions& options = {});
// Lays out the graph as a canvas shows it: each outermost collapsed block is one item and every
// other node another (layered, left to right); then each collapsed block's inside is laid out from
// its new position. options.nodeHeight is asked about nodes only (blocks count as blockHeight).
void layoutCollapsed(Graph& g, const LayoutOptions& options = {}, double blockHeight = 80);

}  // namespace nc
