#pragma once
// The one adapter from the core's plain observer interface to Qt signals. Views connect to
// these signals; nothing else observes the graph.
#include <QObject>

#include "core/graph/graph.h"

namespace ncui {

class GraphSignals : public QObject, public nc::GraphObserver {
  Q_OBJECT
 public:
  explicit GraphSignals(nc::Graph& graph, QObject* parent = nullptr);
  ~GraphSignals() override;

  void nodeAdded(nc::NodeId id) override { Q_EMIT nodeAddedSignal(id); }
  void nodeRemoved(nc::NodeId id) override { Q_EMIT nodeRemovedSignal(id); }
  void connectionAdded(const nc::ConnectionId& c) override { Q_EMIT connectionAddedSignal(c); }
  void connectionRemoved(const nc::ConnectionId& c) override { Q_EMIT connectionRemovedSignal(c); }
  void nodeChanged(nc::NodeId id) override { Q_EMIT nodeChangedSignal(id); }
  void nodeMoved(nc::NodeId id) override { Q_EMIT nodeMovedSignal(id); }
  void blockChanged(nc::BlockId id) override { Q_EMIT blockChangedSignal(id); }

 Q_SIGNALS:
  void nodeAddedSignal(nc::NodeId id);
  void nodeRemovedSignal(nc::NodeId id);
  void connectionAddedSignal(const nc::ConnectionId& c);
  void connectionRemovedSignal(const nc::ConnectionId& c);
  void nodeChangedSignal(nc::NodeId id);
  void nodeMovedSignal(nc::NodeId id);
  void blockChangedSignal(nc::BlockId id);
  // The whole graph was replaced (new, open, import): views rebuild from the model.
  void graphReset();

 private:
  nc::Graph& graph_;
};

}  // namespace ncui
