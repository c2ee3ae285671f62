#include "core/base/file_io.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <vector>

#include "core/base/error.h"

namespace nc {

namespace {

std::string sysError(const std::string& what, const std::string& path, int err) {
  return what + " '" + path + "': " + std::strerror(err);
}

// Closes a descriptor on scope exit unless released.
struct Fd {
  int fd = -1;
  ~Fd() {
    if (fd >= 0) ::close(fd);
  }
  int release() {
    const int f = fd;
    fd = -1;
    return f;
  }
};

// The process's umask, read once without changing it (Linux reports it in /proc/self/status;
// calling umask() to read it would change it for every thread meanwhile). 022 if unknown.
mode_t processUmask() {
  static const mode_t mask = [] {
    std::ifstream status("/proc/self/status");
    std::string line;
    while (std::getline(status, line))
      if (line.rfind("Umask:", 0) == 0) return mode_t(std::stoul(line.substr(6), nullptr, 8));
    return mode_t(022);
  }();
  return mask;
}

void writeAll(int fd, const std::string& bytes, const std::string& path) {
  size_t off = 0;
  while (off < bytes.size()) {
    const ssize_t w = ::write(fd, bytes.data() + off, bytes.size() - off);
    if (w < 0 && errno == EINTR) continue;
    if (w < 0) throw Error(sysError("cannot write", path, errno));
    off += size_t(w);
  }
}

}  // namespace

std::string readFileBytes(const std::string& path, int64_t maxBytes) {
  // O_NONBLOCK: opening a FIFO must not wait for a writer; it is refused below anyway.
  Fd f{::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NONBLOCK)};
  if (f.fd < 0) throw Error("cannot open '" + path + "' for reading: " + std::strerror(errno));
  struct stat st {};
  if (::fstat(f.fd, &st) != 0) throw Error(sysError("cannot read", path, errno));
  if (!S_ISREG(st.st_mode))
    throw Error("cannot read '" + path + "': not a regular file (a device, FIFO, socket or directory)");
  if (int64_t(st.st_size) > maxBytes)
    throw Error("cannot read '" + path + "': it has " + std::to_string(st.st_size) + " bytes, more than the " +
                std::to_string(maxBytes) + " allowed");
  std::string bytes(size_t(st.st_size), '\0');
  size_t off = 0;
  while (off < bytes.size()) {
    const ssize_t r = ::read(f.fd, bytes.data() + off, bytes.size() - off);
    if (r < 0 && (errno == EINTR || errno == EAGAIN)) continue;
    if (r < 0) throw Error(sysError("cannot read", path, errno));
    if (r == 0) break;  // the file shrank meanwhile
    off += size_t(r);
  }
  bytes.resize(off);
  return bytes;
}

void writeFileAtomic(const std::string& path, const std::string& bytes) {
  namespace fs = std::filesystem;
  const fs::path target(path);
  const fs::path dir = target.has_parent_path() ? target.parent_path() : fs::path(".");
  std::string leaf = ".";  // appended, not `"." + ...`: GCC 12 -O3 warns falsely (-Wrestrict) on that
  leaf.append(target.filename().string()).append(".XXXXXX");
  std::string tmpl = (dir / leaf).string();
  std::vector<char> tmp(tmpl.begin(), tmpl.end());
  tmp.push_back('\0');
  Fd f{::mkstemp(tmp.data())};
  if (f.fd < 0) throw Error(sysError("cannot write", path, errno));
  try {
    // mkstemp creates 0600; the saved file gets what a plain create would give it.
    if (::fchmod(f.fd, 0666 & ~processUmask()) != 0) throw Error(sysError("cannot set the mode of", path, errno));
    writeAll(f.fd, bytes, path);
    if (::fsync(f.fd) != 0) throw Error(sysError("cannot flush", path, errno));
    if (::close(f.release()) != 0) throw Error(sysError("cannot write", path, errno));
    if (::rename(tmp.data(), target.c_str()) != 0) throw Error(sysError("cannot replace", path, errno));
  } catch (...) {
    ::unlink(tmp.data());
    throw;
  }
  // The rename is durable once the directory is on disk too.
  Fd d{::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC)};
  if (d.fd < 0 || ::fsync(d.fd) != 0)
    throw Error(sysError("saved, but cannot flush the folder of", path, errno));
}

}  // namespace nc
