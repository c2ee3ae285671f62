#pragma once
// The subcommands of netcanvas-cli. Each add*Command declares its CLI11 subcommand (arguments,
// options, one line of help each) on the main parser and returns what running it does; main.cpp
// runs the one the command line chose. Usage errors are CLI11's (exit 2); a failing operation
// throws nc::Error (exit 1).
#include <functional>
#include <optional>
#include <string>
#include <vector>

namespace CLI {
class App;
class Validator;
}  // namespace CLI

namespace nc::cli {

struct Command {
  CLI::App* parser = nullptr;
  std::function<int()> run;  // the exit status
};

Command addExportCommand(CLI::App& app);    // commands_model.cpp
Command addValidateCommand(CLI::App& app);  // commands_model.cpp
Command addRunCommand(CLI::App& app);       // commands_run.cpp
Command addBenchCommand(CLI::App& app);     // commands_bench.cpp
Command addTemplateCommand(CLI::App& app);  // commands_template.cpp
Command addMakeBenchModelCommand(CLI::App& app);
Command addOpsCommand(CLI::App& app);  // commands_ops.cpp

// --data DIR of run and bench (commands_run.cpp).
void addDataOption(CLI::App& sub, std::optional<std::string>& dir);

// Validators shared by the commands (options.cpp). Each reports a one-line reason.
// A decimal integer in lo..hi, normalised to plain decimal ("010" is 10, not octal 8): give it
// to Option::transform (Option::check would drop the normalisation).
CLI::Validator integerIn(int lo, int hi);
// One of `names`; `what` names the kind in the message ("unknown template 'x' (yolo11n)").
CLI::Validator oneOf(const std::string& what, const std::vector<std::string>& names);
// NAME=FILE with a non-empty NAME (run --input).
CLI::Validator nameEqualsFile();

}  // namespace nc::cli
