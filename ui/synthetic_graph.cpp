#include "ui/synthetic_graph.h"

#include <algorithm>
#include <random>

namespace ncui {

nc::Graph syntheticGraph(int n, uint64_t seed) {
  nc::Graph g;
  std::mt19937_64 rng(seed);
  nc::NodeId in = g.addNode("Input", "x");
  g.setAttr(in, "shape", std::vector<int64_t>{1, 4, 12, 12});
  std::vector<nc::NodeId> pool{in};
  while (int(g.size()) < std::max(3, n) - 1) {
    nc::NodeId a = pool[pool.size() - 1 - rng() % std::min<size_t>(pool.size(), 6)];
    if (rng() % 4 == 0 && pool.size() > 2) {
      nc::NodeId b = pool[pool.size() - 1 - rng() % std::min<size_t>(pool.size(), 12)];
      nc::NodeId m = g.addNode("Mul");
      g.connect({a, 0}, {m, 0});
      g.connect({b, 0}, {m, 1});
      pool.push_back(m);
    } else {
      nc::NodeId u = g.addNode(rng() % 2 ? "SiLU" : "Sigmoid");
      g.connect({a, 0}, {u, 0});
      pool.push_back(u);
    }
  }
  nc::NodeId out = g.addNode("Output", "y");
  g.connect({pool.back(), 0}, {out, 0});
  return g;
}

}  // namespace ncui
