#include "core/tensor/npy.h"

#include <bit>
#include <cctype>
#include <charconv>
#include <cstring>
#include <sstream>

#include "core/base/error.h"
#include "core/base/file_io.h"

namespace nc {

// Data is copied as is: the host must be little-endian like the files we accept.
static_assert(std::endian::native == std::endian::little);

namespace {

[[noreturn]] void fail(const std::string& what, const std::string& msg) { throw Error(what + ": " + msg); }

uint32_t readLE(const std::string& b, size_t off, int bytes) {
  uint32_t v = 0;
  for (int i = 0; i < bytes; ++i) v |= uint32_t(uint8_t(b[off + size_t(i)])) << (8 * i);
  return v;
}

// The header is a Python dict literal: {'descr': '<f4', 'fortran_order': False, 'shape': (2, 3), }
// Returns the text after `'key':`, with leading spaces skipped.
std::string valueOf(const std::string& header, const std::string& key, const std::string& what) {
  for (const char* q : {"'", "\""}) {
    const std::string k = q + key + q;
    size_t p = header.find(k);
    if (p == std::string::npos) continue;
    p = header.find(':', p + k.size());
    if (p == std::string::npos) break;
    ++p;
    while (p < header.size() && std::isspace(uint8_t(header[p]))) ++p;
    return header.substr(p);
  }
  fail(what, "header has no '" + key + "' entry: " + header);
}

std::string parseDescr(const std::string& header, const std::string& what) {
  std::string v = valueOf(header, "descr", what);
  if (v.empty() || (v[0] != '\'' && v[0] != '"')) fail(what, "unsupported 'descr' (structured dtype?): " + header);
  size_t end = v.find(v[0], 1);
  if (end == std::string::npos) fail(what, "malformed 'descr' in header: " + header);
  return v.substr(1, end - 1);
}

bool parseFortran(const std::string& header, const std::string& what) {
  std::string v = valueOf(header, "fortran_order", what);
  if (v.rfind("False", 0) == 0) return false;
  if (v.rfind("True", 0) == 0) return true;
  fail(what, "malformed 'fortran_order' in header: " + header);
}

Shape parseShape(const std::string& header, const std::string& what) {
  std::string v = valueOf(header, "shape", what);
  if (v.empty() || v[0] != '(') fail(what, "malformed 'shape' in header: " + header);
  size_t end = v.find(')');
  if (end == std::string::npos) fail(what, "malformed 'shape' in header: " + header);
  Shape shape;
  std::string inner = v.substr(1, end - 1);
  std::stringstream ss(inner);
  std::string item;
  while (std::getline(ss, item, ',')) {
    size_t a = item.find_first_not_of(" \t\n"), b = item.find_last_not_of(" \tL\n");
    if (a == std::string::npos) continue;  // trailing comma of a 1-tuple
    std::string num = item.substr(a, b - a + 1);
    if (num.empty() || num.find_first_not_of("0123456789") != std::string::npos)
      fail(what, "malformed dimension '" + num + "' in shape: " + header);
    int64_t d = 0;
    const auto [ptr, ec] = std::from_chars(num.data(), num.data() + num.size(), d);
    if (ec != std::errc() || ptr != num.data() + num.size())
      fail(what, "dimension '" + num + "' in shape is out of range: " + header);
    shape.push_back(d);
  }
  return shape;
}

}  // namespace

Tensor parseNpy(const std::string& b, const std::string& what) {
  static const char kMagic[] = "\x93NUMPY";
  if (b.size() < 10 || std::memcmp(b.data(), kMagic, 6) != 0) fail(what, "not a .npy file (bad magic)");
  const int major = uint8_t(b[6]), minor = uint8_t(b[7]);
  if (major < 1 || major > 3)
    fail(what, "unsupported .npy format version " + std::to_string(major) + "." + std::to_string(minor));
  const int lenBytes = major == 1 ? 2 : 4;
  const size_t prefix = 8 + size_t(lenBytes);
  if (b.size() < prefix) fail(what, "truncated header");
  const size_t headerLen = readLE(b, 8, lenBytes);
  if (b.size() < prefix + headerLen) fail(what, "truncated header");
  const std::string header = b.substr(prefix, headerLen);

  const std::string descr = parseDescr(header, what);
  if (parseFortran(header, what)) fail(what, "Fortran-order arrays are not supported; save with C order");
  const Shape shape = parseShape(header, what);

  if (descr.size() >= 2 && descr[0] == '>') fail(what, "big-endian data ('" + descr + "') is not supported");
  std::string kind = descr;
  if (!kind.empty() && (kind[0] == '<' || kind[0] == '|' || kind[0] == '=')) kind = kind.substr(1);
  if (kind != "f4" && kind != "f8" && kind != "i8")
    fail(what, "unsupported dtype '" + descr + "' (expected float32 '<f4', float64 '<f8' or int64 '<i8')");

  const int64_t n = shapeNumel(shape);
  const size_t elem = kind == "f4" ? 4 : 8;
  const size_t dataOff = prefix + headerLen;
  const size_t need = size_t(n) * elem;
  if (b.size() - dataOff < need)
    fail(what, "data is truncated: shape " + shapeToString(shape) + " needs " + std::to_string(need) + " bytes, file has " +
                   std::to_string(b.size() - dataOff));
  const char* src = b.data() + dataOff;
  if (kind == "i8") {
    Tensor t(DType::Int64, shape);
    std::memcpy(t.raw(), src, need);
    return t;
  }
  Tensor t(DType::Float32, shape);
  if (kind == "f4") {
    std::memcpy(t.raw(), src, need);
  } else {
    float* dst = t.f32();
    for (int64_t i = 0; i < n; ++i) {
      double d;
      std::memcpy(&d, src + size_t(i) * 8, 8);
      dst[i] = float(d);
    }
  }
  return t;
}

Tensor loadNpy(const std::string& path) {
  return parseNpy(readFileBytes(path), "'" + path + "'");
}

}  // namespace nc
