#include "ui/graph_signals.h"

namespace ncui {

GraphSignals::GraphSignals(nc::Graph& graph, QObject* parent) : QObject(parent), graph_(graph) {
  graph_.addObserver(this);
}

GraphSignals::~GraphSignals() { graph_.removeObserver(this); }

}  // namespace ncui
