#pragma once
// Layout of what the canvas shows: every visible item (a node, or a collapsed block standing for
// all the nodes inside it) is one box of a layered layout (nc::layeredLayout on a proxy graph
// with one node per item and one connection per distinct item-to-item edge).
#include <QPointF>
#include <optional>

#include "core/graph/graph.h"

namespace ncui {

// Lays out the items of the nodes inside `scope` (kNoBlock: the whole graph). With `origin`, the
// result is moved so that its top-left corner lies there. A layout much wider than tall (a
// backbone of 24 blocks) is folded into rows of consecutive layers, like wrapped text, so that
// it fills a screen at a readable zoom.
void layOutVisibleItems(nc::Graph& g, nc::BlockId scope, std::optional<QPointF> origin = {},
                        double targetAspect = 1.6);

// Whether two visible items of `scope` overlap (as drawn).
bool visibleItemsOverlap(const nc::Graph& g, nc::BlockId scope);

}  // namespace ncui
