// Writes the bundled example projects in resources/examples/ (run after changing the formats or
// the block library):  build/bin/netcanvas-make-examples resources/examples
#include <cstdio>
#include <filesystem>

#include "core/blocks/library.h"
#include "core/blocks/yolo11.h"
#include "core/layout/block_layout.h"
#include "core/project/project.h"

using namespace nc;

namespace {

void finish(Graph& g, const std::filesystem::path& path) {
  layoutCollapsed(g);  // blocks collapsed, insides laid out for expanding in place
  saveProject(g, path.string());
  std::printf("wrote %s (%zu nodes)\n", path.c_str(), g.size());
}

}  // namespace

int main(int argc, char** argv) {
  std::filesystem::path dir = argc > 1 ? argv[1] : "resources/examples";
  try {
    {  // The seed plan's C3k2 layer pattern: Conv -> BatchNorm -> SiLU (at an editor-friendly size).
      Graph g;
      yolo::Builder b(g, 1);
      yolo::Value x = b.input("x", 64, 40, 40);
      b.output("y", b.conv("layer", x, 128, 3, 1));
      g.setBlockCollapsed(g.findBlockByName("layer")->id, false);  // shown open: Conv -> BN -> SiLU
      finish(g, dir / "c3k2.ncproj");
    }
    {  // The Sigmoid attention gate of the seed plan: features * sigmoid(scores).
      Graph g;
      NodeId f = g.addNode("Input", "features"), s = g.addNode("Input", "attention_scores");
      g.setAttr(f, "shape", Shape{1, 32, 20, 20});
      g.setAttr(s, "shape", Shape{1, 32, 20, 20});
      g.setAttr(s, "seed", int64_t(2));
      NodeId sig = g.addNode("Sigmoid", "gate"), mul = g.addNode("Mul", "weighted"), out = g.addNode("Output", "y");
      g.connect({s, 0}, {sig, 0});
      g.connect({f, 0}, {mul, 0});
      g.connect({sig, 0}, {mul, 1});
      g.connect({mul, 0}, {out, 0});
      finish(g, dir / "attention_gate.ncproj");
    }
    {  // SPPF and C2PSA, as in YOLO11n's backbone end (reduced spatial size).
      Graph g;
      yolo::Builder b(g, 3);
      yolo::Value x = b.input("x", 128, 10, 10);
      yolo::Value y = b.c2psa("c2psa", b.sppf("sppf", x, 128, 5), 128, 1);
      b.output("y", y);
      finish(g, dir / "sppf_c2psa.ncproj");
    }
  } catch (const std::exception& e) {
    std::fprintf(stderr, "netcanvas-make-examples: %s\n", e.what());
    return 1;
  }
  return 0;
}
