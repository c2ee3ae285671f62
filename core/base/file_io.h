#pragma once
// Whole-file helpers shared by every reader and writer (ONNX models, tensor files, projects).
#include <cstdint>
#include <string>

namespace nc {

// Files larger than this are refused unless a caller allows more (protobuf cannot parse a model
// over 2 GiB; weights sidecars of real networks are far smaller).
inline constexpr int64_t kMaxFileBytes = int64_t(4) << 30;

// The file's bytes. Only regular files are read, and only up to maxBytes (checked from the file's
// size before anything is read): a FIFO, /dev/zero or a directory is an error, never a hang or a
// read without end. Throws nc::Error naming the path.
std::string readFileBytes(const std::string& path, int64_t maxBytes = kMaxFileBytes);
// Writes `bytes` to a temporary file next to `path` (mode from the umask), fsyncs it, renames it
// over `path` and fsyncs the folder: a reader, or the disk after a crash, sees the old file or
// the new one, never a partial write. Every call is checked; the umask is never changed. Throws
// nc::Error naming the path.
void writeFileAtomic(const std::string& path, const std::string& bytes);

}  // namespace nc
