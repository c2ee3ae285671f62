#pragma once
// Geometry of the canvas's cards (node cards and collapsed-block cards): their width, row
// heights and the height a card will have, computable from the model alone so that the
// document and the layout can size boxes before (or without) any graphics item existing.
#include "core/graph/graph.h"

namespace ncui {

namespace card {
constexpr double kWidth = 196;  // node and block cards alike
constexpr double kHeader = 36;
constexpr double kPortRow = 15;
constexpr double kLine = 14;
constexpr double kThumbH = 64;
// Below this zoom cards (and wires) are drawn as plain shapes.
constexpr double kLodThreshold = 0.4;

// Height of a node card drawn with these rows.
double nodeHeight(int portRows, int attrLines, bool statsLine, bool thumbnail);
// Height of a collapsed block card with this many port rows.
double blockHeight(int portRows);
// Height a node of the graph will have, estimated from the model alone.
double estimatedNodeHeight(const nc::Graph& g, nc::NodeId id);
// Height a collapsed block will have, from the model alone.
double estimatedBlockHeight(const nc::Graph& g, nc::BlockId id);
}  // namespace card

}  // namespace ncui
