#include "core/ops/util/dnnl_context.h"

#include "core/base/error.h"

namespace nc {

namespace {
std::mutex& streamMutex() {
  static std::mutex m;
  return m;
}
dnnl::stream& dnnlStream() {
  static dnnl::stream s(dnnlEngine());
  return s;
}
}  // namespace

dnnl::engine& dnnlEngine() {
  static dnnl::engine e(dnnl::engine::kind::cpu, 0);
  return e;
}

void dnnlExecute(const dnnl::primitive& prim, const std::unordered_map<int, dnnl::memory>& args) {
  std::lock_guard<std::mutex> lock(streamMutex());
  dnnl::stream& s = dnnlStream();
  prim.execute(s, args);
  s.wait();
}

namespace {
std::atomic<uint64_t> primitivesCreated{0};
}
uint64_t dnnlPrimitivesCreated() { return primitivesCreated.load(); }
void noteDnnlPrimitiveCreated() { ++primitivesCreated; }

dnnl::memory::format_tag plainActivationTag(int rank) {
  using tag = dnnl::memory::format_tag;
  switch (rank) {
    case 3:
      return tag::ncw;
    case 4:
      return tag::nchw;
    case 5:
      return tag::ncdhw;
    default:
      throw Error("oneDNN kernels support 1 to 3 spatial dims, got rank " + std::to_string(rank));
  }
}

dnnl::memory wrapTensor(const dnnl::memory::desc& md, const Tensor& t) {
  return dnnl::memory(md, dnnlEngine(), const_cast<void*>(t.raw()));
}

}  // namespace nc
