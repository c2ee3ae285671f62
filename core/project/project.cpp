// Project files on disk: the JSON and its weights sidecar, written atomically (the documents
// themselves: project_json.cpp).
#include "core/project/project.h"

#include <algorithm>
#include <filesystem>

#include "core/base/error.h"
#include "core/base/file_io.h"
#include "core/onnx/import.h"

namespace nc {

std::string weightsPathFor(const std::string& projectPath) { return projectPath + ".weights"; }

void saveProject(const Graph& g, const std::string& path) {
  ProjectBytes b = serializeProject(g);
  std::string wp = weightsPathFor(path);
  if (!b.weights.empty()) writeFileAtomic(wp, b.weights);
  writeFileAtomic(path, b.json);
  if (b.weights.empty()) {
    std::error_code ec;
    std::filesystem::remove(wp, ec);  // a stale sidecar of an earlier save; harmless if absent
  }
}

Graph loadProject(const std::string& path) {
  try {
    std::string text = readFileBytes(path);
    std::string wp = weightsPathFor(path);
    std::string weights;
    if (std::filesystem::exists(wp)) weights = readFileBytes(wp);
    return deserializeProject(text, weights);
  } catch (const Error& e) {
    throw Error(path + ": " + e.what());
  }
}

bool isOnnxPath(const std::string& path) {
  std::string ext = std::filesystem::path(path).extension().string();
  std::transform(ext.begin(), ext.end(), ext.begin(),
                 [](unsigned char c) { return char(std::tolower(c)); });
  return ext == ".onnx";
}

Graph loadGraphFile(const std::string& path) {
  return isOnnxPath(path) ? importModel(path) : loadProject(path);
}

}  // namespace nc
