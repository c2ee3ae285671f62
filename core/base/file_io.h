#pragma once
// Whole-file helpers shared by every reader and writer (ONNX models, tensor files, projects).
#include <string>

namespace nc {

// The file's bytes; throws nc::Error naming the path if it cannot be opened.
std::string readFileBytes(const std::string& path);
// Writes `bytes` to a temporary file next to `path`, then renames it over `path`: a reader sees
// the old file or the new one, never a partial write. Throws nc::Error naming the path.
void writeFileAtomic(const std::string& path, const std::string& bytes);

}  // namespace nc
