#include "ui/card_geometry.h"

#include <algorithm>

#include "core/ops/registry.h"

namespace ncui::card {

double nodeHeight(int portRows, int attrLines, bool statsLine, bool thumbnail) {
  double h = kHeader + 6 + portRows * kPortRow;
  h += 4 + kLine * (attrLines + 1 + (statsLine ? 1 : 0));
  if (thumbnail) h += kThumbH + 6;
  return h + 6;
}

double blockHeight(int portRows) {
  return kHeader + 6 + portRows * kPortRow + 4 + kLine * 3 + kThumbH + 6 + 6;
}

double estimatedNodeHeight(const nc::Graph& g, nc::NodeId id) {
  const nc::Node& n = g.node(id);
  const nc::OpSpec* spec = nc::findOp(n.op);
  int shownAttrs = 0;
  for (auto& [k, v] : n.attrs)
    if (!(n.op == "Input" && (k == "value" || k == "shape" || k == "dtype"))) ++shownAttrs;
  int attrLines = std::min(2, (shownAttrs + 1) / 2);
  bool stats = spec && !spec->pseudo;
  return nodeHeight(std::max(int(n.inputs.size()), n.numOutputs), attrLines, stats,
                    n.numOutputs > 0);
}

double estimatedBlockHeight(const nc::Graph& g, nc::BlockId id) {
  nc::BlockPorts ports = g.blockPorts(id);
  return blockHeight(int(std::max(ports.inputs.size(), ports.outputs.size())));
}

}  // namespace ncui::card
