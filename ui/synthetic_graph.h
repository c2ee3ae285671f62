#pragma once
// Generated graphs for benchmarks and scale tests: one small Input feeding chains of unary ops
// with Mul joins and skip connections, ending in an Output; deterministic for a seed.
#include <cstdint>

#include "core/graph/graph.h"

namespace ncui {

nc::Graph syntheticGraph(int nodes, uint64_t seed = 7);

}  // namespace ncui
