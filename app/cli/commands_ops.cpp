// ops: every op of the registry by category (the palette's content), with its ONNX version.
#include <CLI/CLI.hpp>
#include <iostream>
#include <map>

#include "app/cli/commands.h"
#include "core/ops/registry.h"

namespace nc::cli {

namespace {

int runOps() {
  std::map<std::string, std::vector<const OpSpec*>> byCategory;
  for (const OpSpec* op : allOps()) byCategory[op->category].push_back(op);
  for (auto& [category, ops] : byCategory) {
    std::cout << category << ":\n";
    for (const OpSpec* op : ops) {
      std::cout << "  " << op->type;
      if (op->pseudo)
        std::cout << " (graph " << (op->outputs.empty() ? "output" : "input") << ")";
      else if (op->onnxType.empty())
        std::cout << " (NetCanvas op, exported as ONNX ops)";
      else
        std::cout << " (ONNX " << op->onnxType << "-" << op->sinceVersion
                  << ", imported from opset " << op->minImportOpset << ")";
      std::cout << "\n";
    }
  }
  return 0;
}

}  // namespace

Command addOpsCommand(CLI::App& app) {
  CLI::App* sub = app.add_subcommand("ops", "List every op by category, with its ONNX version");
  return {sub, [] { return runOps(); }};
}

}  // namespace nc::cli
