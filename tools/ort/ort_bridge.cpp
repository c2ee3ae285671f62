#include "tools/ort/ort_bridge.h"

#include <fcntl.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>

#include "core/base/error.h"
#include "core/base/file_io.h"

#ifndef NC_DEFAULT_ORT_DIR
#define NC_DEFAULT_ORT_DIR ""
#endif

namespace nc {

namespace fs = std::filesystem;

std::string ortDir() {
  if (const char* e = std::getenv("NETCANVAS_ORT_DIR"); e && *e) return e;
  return NC_DEFAULT_ORT_DIR;
}

bool ortAvailable() {
  fs::path d = ortDir();
  return fs::exists(d / "ort_run.js") && fs::exists(d / "node_modules" / "onnxruntime-node");
}

namespace {

void writeChecked(const fs::path& file, const void* data, size_t size) {
  std::ofstream out(file, std::ios::binary);
  out.write(static_cast<const char*>(data), std::streamsize(size));
  out.close();
  if (!out) throw Error("cannot write '" + file.string() + "' for ONNX Runtime");
}

// Runs `node ort_run.js DIR` without a shell, its stderr into DIR/stderr.txt; the exit status.
int runNode(const fs::path& script, const fs::path& dir) {
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  const std::string errFile = (dir / "stderr.txt").string();
  posix_spawn_file_actions_addopen(&actions, 2, errFile.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
  std::string node = "node", scriptArg = script.string(), dirArg = dir.string();
  char* argv[] = {node.data(), scriptArg.data(), dirArg.data(), nullptr};
  pid_t pid = 0;
  const int rc = posix_spawnp(&pid, "node", &actions, nullptr, argv, environ);
  posix_spawn_file_actions_destroy(&actions);
  if (rc != 0) throw Error("cannot start node for ONNX Runtime: " + std::string(std::strerror(rc)));
  int status = 0;
  while (waitpid(pid, &status, 0) < 0)
    if (errno != EINTR) throw Error("waiting for ONNX Runtime failed: " + std::string(std::strerror(errno)));
  if (WIFEXITED(status)) return WEXITSTATUS(status);
  return 128 + (WIFSIGNALED(status) ? WTERMSIG(status) : 0);
}

}  // namespace

OrtResult runOrt(const std::string& modelPath, const std::vector<std::pair<std::string, Tensor>>& inputs,
                 int threads, int iters, bool optimize) {
  if (!ortAvailable())
    throw Error("ONNX Runtime is not installed in '" + ortDir() +
                "' (run: npm install --ignore-scripts --prefix tests/ort)");
  std::string tmpl = (fs::temp_directory_path() / "nc-ort-XXXXXX").string();
  std::vector<char> buf(tmpl.begin(), tmpl.end());
  buf.push_back('\0');
  if (!mkdtemp(buf.data())) throw Error("cannot create a temporary directory for ONNX Runtime");
  fs::path dir(buf.data());
  struct Cleanup {
    fs::path d;
    ~Cleanup() {
      std::error_code ec;
      fs::remove_all(d, ec);
    }
  } cleanup{dir};

  nlohmann::json req;
  req["model"] = fs::absolute(modelPath).string();
  req["threads"] = threads;
  req["iters"] = iters;
  req["optimize"] = optimize;
  req["inputs"] = nlohmann::json::array();
  for (size_t i = 0; i < inputs.size(); ++i) {
    const Tensor& t = inputs[i].second;
    fs::path f = dir / ("input_" + std::to_string(i) + ".bin");
    writeChecked(f, t.raw(), t.bytes());
    req["inputs"].push_back({{"name", inputs[i].first}, {"dtype", dtypeName(t.dtype())}, {"dims", t.shape()}, {"file", f.string()}});
  }
  const std::string request = req.dump();
  writeChecked(dir / "request.json", request.data(), request.size());
  const int rc = runNode(fs::path(ortDir()) / "ort_run.js", dir);
  if (rc != 0) {
    std::string err;
    try {
      err = readFileBytes((dir / "stderr.txt").string());
    } catch (...) {
    }
    while (!err.empty() && (err.back() == '\n' || err.back() == '\r')) err.pop_back();
    throw Error(err.empty() ? "ONNX Runtime failed (exit status " + std::to_string(rc) + ")" : err);
  }
  nlohmann::json resp = nlohmann::json::parse(readFileBytes((dir / "response.json").string()));
  OrtResult r;
  for (auto& o : resp["outputs"]) {
    std::string dtype = o["dtype"];
    Shape dims = o["dims"].get<Shape>();
    Tensor t(dtype == "int64" ? DType::Int64 : DType::Float32, dims);
    if (dtype != "float32" && dtype != "int64") throw Error("ONNX Runtime returned an output of type " + dtype);
    std::string bytes = readFileBytes(o["file"].get<std::string>());
    if (bytes.size() != t.bytes()) throw Error("ONNX Runtime output has an unexpected size");
    std::memcpy(t.raw(), bytes.data(), bytes.size());
    r.names.push_back(o["name"]);
    r.outputs.push_back(t);
  }
  r.ms = resp["ms"].get<std::vector<double>>();
  if (resp.contains("rss_before_load_kb")) r.rssBeforeLoadKb = resp["rss_before_load_kb"].get<int64_t>();
  if (resp.contains("peak_rss_kb")) r.peakRssKb = resp["peak_rss_kb"].get<int64_t>();
  return r;
}

}  // namespace nc
