#pragma once
// The SiLU rewrite of the recognition pass (core/blocks/recognize.h): exporters (ours, PyTorch's)
// write SiLU as Sigmoid -> Mul, which an imported graph reads back as two nodes.
#include "core/graph/graph.h"

namespace nc::blocks {

// Every Sigmoid -> Mul on the same input becomes one SiLU node in the Mul's place: its id (so the
// graph's order is kept), block and position; named like the node our export wrote as
// "<name>_sigmoid" + "<name>_mul", else like the Mul. Without a SiLU op in the registry, nothing
// changes.
void recognizeSilu(Graph& g);

}  // namespace nc::blocks
