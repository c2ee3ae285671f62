#include "core/onnx/validate.h"

#include <onnx/checker.h>
#include <onnx/defs/schema.h>
#include <onnx/shape_inference/implementation.h>

#include <poll.h>
#include <signal.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstring>
#include <map>
#include <optional>
#include <utility>

#include "core/base/error.h"
#include "core/onnx/inline.h"
#include "core/onnx/proto_util.h"
#include "core/tensor/memory_budget.h"

namespace nc {

namespace {

std::vector<FunctionInfo> functionInfo(const onnx::ModelProto& model) {
  std::vector<FunctionInfo> out;
  std::map<std::pair<std::string, std::string>, int> calls;
  auto count = [&](const auto& nodes) {
    for (auto& n : nodes) ++calls[{n.domain(), n.op_type()}];
  };
  count(model.graph().node());
  for (auto& f : model.functions()) count(f.node());
  for (auto& f : model.functions()) out.push_back({f.domain(), f.name(), f.node_size(), calls[{f.domain(), f.name()}]});
  return out;
}

ValidationReport validate(onnx::ModelProto& model) {
  ValidationReport r;
  r.functions = functionInfo(model);
  int opset = 0;
  for (auto& o : model.opset_import())
    if (o.domain().empty() || o.domain() == "ai.onnx") opset = int(o.version());
  if (opset > 17) {
    r.notes.push_back("libonnx 1.12 knows operator schemas up to opset 17: the checker and shape inference "
                      "were not run for opset " + std::to_string(opset) + " (ONNX Runtime validates it in tests)");
    return r;
  }
  // Functions are inlined first: that refuses recursive functions and undefined values, which
  // libonnx 1.12 does not guard against, before libonnx sees them.
  std::optional<onnx::ModelProto> flat;
  if (model.functions_size() > 0) {
    try {
      flat = inlinedModel(model);
    } catch (const Error& e) {
      throw Error(std::string("invalid model-local function: ") + e.what());
    }
  }
  const char* stage = "ONNX checker failed: ";
  try {
    onnx::checker::check_model(model);  // checks the model-local functions too
    r.checkerRun = true;
    stage = "ONNX shape inference failed: ";
    onnx::shape_inference::InferShapes(model, onnx::OpSchemaRegistry::Instance(),
                                       onnx::ShapeInferenceOptions{true, 1, false});
    if (flat) {
      stage = "ONNX checker failed (functions inlined): ";
      onnx::checker::check_model(*flat);
      stage = "ONNX shape inference failed (functions inlined): ";
      onnx::shape_inference::InferShapes(*flat, onnx::OpSchemaRegistry::Instance(),
                                         onnx::ShapeInferenceOptions{true, 1, false});
      r.notes.push_back("libonnx 1.12 infers shapes through model-local functions but does not report errors "
                        "inside them: the checker and strict shape inference also ran with every function inlined");
    }
    r.shapeInferenceRun = true;
  } catch (const std::exception& e) {
    throw Error(stage + std::string(e.what()));
  }
  return r;
}

// The report through a pipe, one field per line: "ok" or "error", then checkerRun,
// shapeInferenceRun and the notes (ok), or the message (error). Functions are counted by the
// parent. Lines hold no newline: messages are flattened.
std::string flatten(std::string s) {
  for (char& c : s)
    if (c == '\n' || c == '\r') c = ' ';
  return s;
}

std::string encodeReport(const ValidationReport& r) {
  std::string out = "ok\n" + std::to_string(int(r.checkerRun)) + "\n" + std::to_string(int(r.shapeInferenceRun)) + "\n";
  for (const std::string& n : r.notes) out += flatten(n) + "\n";
  return out;
}

ValidationReport decodeReport(const std::string& text, const onnx::ModelProto& model) {
  std::vector<std::string> lines;
  for (size_t start = 0; start < text.size();) {
    size_t end = text.find('\n', start);
    if (end == std::string::npos) end = text.size();
    lines.push_back(text.substr(start, end - start));
    start = end + 1;
  }
  if (lines.size() >= 2 && lines[0] == "error") throw Error(lines[1]);
  if (lines.size() < 3 || lines[0] != "ok") throw Error("ONNX validation failed: no report from the checker process");
  ValidationReport r;
  r.checkerRun = lines[1] == "1";
  r.shapeInferenceRun = lines[2] == "1";
  r.notes.assign(lines.begin() + 3, lines.end());
  r.functions = functionInfo(model);
  return r;
}

void writeAll(int fd, const std::string& s) {
  for (size_t done = 0; done < s.size();) {
    const ssize_t n = ::write(fd, s.data() + done, s.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return;
    done += size_t(n);
  }
}

constexpr int kChildSeconds = 120;  // libonnx on any real model takes well under a second

// Runs validate() in a forked child. The child only runs libonnx on the parsed model (already in
// its copy of memory) and _exits, so no handler, destructor or Qt code runs there.
ValidationReport validateInChild(onnx::ModelProto& model) {
  int fds[2];
  if (::pipe(fds) != 0) throw Error(std::string("ONNX validation: cannot create a pipe: ") + std::strerror(errno));
  const pid_t pid = ::fork();
  if (pid < 0) {
    ::close(fds[0]);
    ::close(fds[1]);
    throw Error(std::string("ONNX validation: cannot start the checker process: ") + std::strerror(errno));
  }
  if (pid == 0) {
    ::close(fds[0]);
#if !defined(__SANITIZE_ADDRESS__)
    // ASan reserves terabytes of address space, so the cap only applies to normal builds.
    const rlim_t cap = rlim_t(std::max<int64_t>(memoryBudget(), int64_t(1) << 30));
    const rlimit as{cap, cap};
    ::setrlimit(RLIMIT_AS, &as);
#endif
    const rlimit cpu{kChildSeconds, kChildSeconds};
    ::setrlimit(RLIMIT_CPU, &cpu);
    std::string out;
    try {
      out = encodeReport(validate(model));
    } catch (const std::bad_alloc&) {
      out = "error\nONNX validation ran out of memory (limit " + formatBytes(int64_t(memoryBudget())) + ")\n";
    } catch (const std::exception& e) {
      out = "error\n" + flatten(e.what()) + "\n";
    }
    writeAll(fds[1], out);
    ::_exit(0);
  }
  ::close(fds[1]);
  std::string text;
  char buf[4096];
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(kChildSeconds + 5);
  bool timedOut = false;
  for (;;) {
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
    if (left.count() <= 0) {
      timedOut = true;
      break;
    }
    pollfd p{fds[0], POLLIN, 0};
    const int ready = ::poll(&p, 1, int(left.count()));
    if (ready < 0 && errno == EINTR) continue;
    if (ready <= 0) continue;
    const ssize_t n = ::read(fds[0], buf, sizeof buf);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) break;
    text.append(buf, size_t(n));
  }
  ::close(fds[0]);
  if (timedOut) ::kill(pid, SIGKILL);
  int status = 0;
  while (::waitpid(pid, &status, 0) < 0 && errno == EINTR) {
  }
  if (timedOut) throw Error("ONNX validation did not finish within " + std::to_string(kChildSeconds) + " s");
  // A crash kills the child (a signal), or under AddressSanitizer ends it with a report and exit 1.
  if (WIFSIGNALED(status) || (WIFEXITED(status) && WEXITSTATUS(status) != 0))
    throw Error("ONNX shape inference crashed on this model (libonnx 1.12, " +
                (WIFSIGNALED(status) ? "signal " + std::to_string(WTERMSIG(status))
                                     : "exit status " + std::to_string(WEXITSTATUS(status))) +
                "): a node is malformed, e.g. inputs of the wrong rank");
  return decodeReport(text, model);
}

}  // namespace

ValidationReport validateModelBytes(const std::string& bytes) {
  onnx::ModelProto m = proto::parseModel(bytes);
  return validateInChild(m);
}

ValidationReport validateOwnModelBytes(const std::string& bytes) {
  onnx::ModelProto m = proto::parseModel(bytes);
  return validate(m);
}

}  // namespace nc
