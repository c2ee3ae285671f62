// netcanvas-cli: export, validate, run and benchmark graphs without the editor.
// CLI11 parses the command line (one subcommand per file group, see commands.h); any failure
// prints exactly one line "netcanvas-cli: <message>" on stderr and exits non-zero (1: the
// operation failed, 2: the command line is wrong).
#include <CLI/CLI.hpp>
#include <cstdio>
#include <iostream>
#include <memory>
#include <string>
#include <vector>

#include "app/cli/commands.h"

#ifndef NC_VERSION
#define NC_VERSION "0.0.0"
#endif

using namespace nc::cli;

namespace {

const char* kDescription =
    "netcanvas-cli: export, validate, run and benchmark NetCanvas projects and ONNX models.";
const char* kFooter =
    "Run 'netcanvas-cli COMMAND --help' for a command's arguments and options.\n"
    "Exit status: 0 on success, 1 when the operation fails, 2 for a wrong command line.";

// The parser of every command and what running each does. `help` (hidden) is the old spelling
// of --help.
struct Cli {
  std::shared_ptr<CLI::Formatter> formatter = std::make_shared<CLI::Formatter>();
  CLI::App app{kDescription, "netcanvas-cli"};
  std::vector<Command> commands;
  CLI::App* help = nullptr;

  Cli() {
    formatter->label("Usage", "usage");
    formatter->label("SUBCOMMAND", "COMMAND");
    formatter->label("Positionals", "Arguments");
    formatter->column_width(34);
    app.formatter(formatter);
    app.set_help_flag("-h,--help", "show this help and exit");
    app.set_version_flag("--version", std::string("netcanvas-cli ") + NC_VERSION,
                         "show the version and exit");
    app.require_subcommand(1);
    app.group("Commands");  // the heading of the commands, inherited by each
    // A repeated option keeps its last value (--input collects all of its own).
    app.option_defaults()->multi_option_policy(CLI::MultiOptionPolicy::TakeLast);
    commands = {addExportCommand(app),        addValidateCommand(app), addRunCommand(app),
                addBenchCommand(app),         addTemplateCommand(app), addOpsCommand(app),
                addMakeBenchModelCommand(app)};
    help = app.add_subcommand("help", "show this help");
    help->group("");
    help->allow_extras();  // "help anything" is still help
    app.footer(kFooter);   // after the commands, which would inherit it
  }

  std::string mainHelp() const {
    return formatter->make_help(&app, "netcanvas-cli", CLI::AppFormatMode::Normal);
  }
  const CLI::App* chosen() const {
    auto subs = app.get_subcommands();
    return subs.empty() ? nullptr : subs.front();
  }
};

std::string seeHelp(const CLI::App* sub) {
  return sub ? " (see netcanvas-cli " + sub->get_name() + " --help)" : " (see --help)";
}

// "--name=value" names the option "--name".
std::string optionName(const std::string& arg) {
  auto eq = arg.find('=');
  return arg.rfind("--", 0) == 0 && eq != std::string::npos ? arg.substr(0, eq) : arg;
}

// An argument that no command or option takes.
std::string unexpectedMessage(const std::string& arg, const CLI::App* sub) {
  if (!sub) {
    if (arg.rfind("-", 0) == 0) return "unknown option '" + optionName(arg) + "'" + seeHelp(sub);
    return "unknown command '" + arg + "'" + seeHelp(sub);
  }
  const std::string cmd = "'" + sub->get_name() + "'";
  if (arg.size() > 1 && arg[0] == '-')
    return "unknown option '" + optionName(arg) + "' for " + cmd + seeHelp(sub);
  return "unexpected argument '" + arg + "' for " + cmd + seeHelp(sub);
}

// A missing argument or option of `sub`, named as its help names it.
std::string missingMessage(const CLI::App& sub) {
  for (const CLI::Option* o : sub.get_options()) {
    if (!o->get_required() || o->count() > 0) continue;
    std::string what = o->get_name();
    if (!o->get_positional()) what += " " + o->get_type_name();
    return "'" + sub.get_name() + "' needs " + what + seeHelp(&sub);
  }
  return sub.get_name() + ": an argument is missing" + seeHelp(&sub);
}

// An option given without its value. CLI11 says "-o: 1 required OUT.onnx missing".
std::string valueMissingMessage(const CLI::ParseError& e, const CLI::App& sub) {
  const std::string what = e.what();
  const CLI::Option* o = sub.get_option_no_throw(what.substr(0, what.find(':')));
  if (!o) return sub.get_name() + ": " + what + seeHelp(&sub);
  return "option " + o->get_name() + " of '" + sub.get_name() + "' needs a value " +
         o->get_type_name() + seeHelp(&sub);
}

// CLI11's error as one line in the words of netcanvas-cli.
std::string usageMessage(const CLI::ParseError& e, const Cli& cli) {
  const CLI::App* sub = cli.chosen();
  if (!sub) {
    std::vector<std::string> rest = cli.app.remaining();
    if (rest.empty()) return "no command given (see --help)";
    return unexpectedMessage(rest.front(), nullptr);
  }
  if (dynamic_cast<const CLI::ExtrasError*>(&e)) {
    std::vector<std::string> rest = sub->remaining();
    if (rest.empty()) rest = cli.app.remaining();
    if (!rest.empty()) return unexpectedMessage(rest.front(), sub);
  }
  if (dynamic_cast<const CLI::RequiredError*>(&e)) return missingMessage(*sub);
  if (dynamic_cast<const CLI::ArgumentMismatch*>(&e)) return valueMissingMessage(e, *sub);
  return sub->get_name() + ": " + e.what();
}

std::string oneLine(std::string s) {
  for (char& c : s)
    if (c == '\n' || c == '\r') c = ' ';
  while (!s.empty() && s.back() == ' ') s.pop_back();
  return s;
}

int fail(const std::string& message, int code) {
  std::fprintf(stderr, "netcanvas-cli: %s\n", oneLine(message).c_str());
  return code;
}

// Runs the command the command line chose; its failures are exit 1.
int runChosen(const Cli& cli) {
  const CLI::App* sub = cli.chosen();
  if (sub == cli.help) {
    std::cout << cli.mainHelp();
    return 0;
  }
  for (const Command& c : cli.commands)
    if (c.parser == sub) return c.run();
  return fail("no command given (see --help)", 2);
}

}  // namespace

int main(int argc, char** argv) {
  Cli cli;
  try {
    cli.app.parse(argc, argv);
  } catch (const CLI::CallForHelp& e) {
    return cli.app.exit(e);
  } catch (const CLI::CallForVersion& e) {
    return cli.app.exit(e);
  } catch (const CLI::ParseError& e) {
    return fail(usageMessage(e, cli), 2);
  }
  try {
    int rc = runChosen(cli);
    std::cout.flush();
    if (!std::cout) return fail("cannot write to standard output", 1);
    return rc;
  } catch (const std::bad_alloc&) {
    return fail("out of memory", 1);
  } catch (const std::exception& e) {
    return fail(e.what(), 1);
  }
}
