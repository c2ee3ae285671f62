#include "core/base/file_io.h"

#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <vector>

#include "core/base/error.h"

namespace nc {

std::string readFileBytes(const std::string& path) {
  std::ifstream f(path, std::ios::binary);
  if (!f) {
    std::string msg = "cannot open '";
    msg += path;
    msg += "' for reading";
    throw Error(msg);
  }
  std::ostringstream ss;
  ss << f.rdbuf();
  return ss.str();
}

void writeFileAtomic(const std::string& path, const std::string& bytes) {
  namespace fs = std::filesystem;
  fs::path target(path);
  fs::path dir = target.has_parent_path() ? target.parent_path() : fs::path(".");
  std::string leaf = ".";
  leaf += target.filename().string();
  leaf += ".XXXXXX";
  std::string tmpl = (dir / leaf).string();
  std::vector<char> buf(tmpl.begin(), tmpl.end());
  buf.push_back('\0');
  int fd = mkstemp(buf.data());
  if (fd < 0) throw Error("cannot write '" + path + "': " + std::strerror(errno));
  mode_t mask = ::umask(0);
  ::umask(mask);
  ::fchmod(fd, 0666 & ~mask);
  size_t off = 0;
  while (off < bytes.size()) {
    ssize_t w = ::write(fd, bytes.data() + off, bytes.size() - off);
    if (w < 0) {
      int err = errno;
      ::close(fd);
      ::unlink(buf.data());
      throw Error("cannot write '" + path + "': " + std::strerror(err));
    }
    off += size_t(w);
  }
  ::fsync(fd);
  ::close(fd);
  std::error_code ec;
  fs::rename(buf.data(), target, ec);
  if (ec) {
    ::unlink(buf.data());
    throw Error("cannot write '" + path + "': " + ec.message());
  }
}

}  // namespace nc
