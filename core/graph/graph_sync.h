#pragma once
// Bringing a live graph to the state of a snapshot through its ordinary edit operations, so that
// observers (the canvas) see only what differs and the evaluator recomputes only the nodes that
// changed. Undo of edits that are easiest to express as "before/after" graphs (regenerating a
// block, inserting a library block, grouping) uses it.
//
// `target` must be a copy of an earlier or later state of `g` itself (same lineage): a node that
// has the same id and revision in both is taken as computationally unchanged (every change that
// affects computation bumps the revision); its name, position and block are still synced.
#include "core/graph/graph.h"

namespace nc {

void syncGraphTo(Graph& g, const Graph& target);

}  // namespace nc
