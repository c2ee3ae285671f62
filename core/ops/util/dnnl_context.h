#pragma once
// The process-wide oneDNN engine and stream used by the fast kernels (Conv, pooling). oneDNN
// JIT-compiles primitives on creation (20-50 ms), so kernels cache their primitives; this file
// only owns the one CPU engine and the one in-order stream, and serialises execution on it.
#include <atomic>
#include <dnnl.hpp>
#include <mutex>
#include <unordered_map>

#include "core/tensor/tensor.h"

namespace nc {

dnnl::engine& dnnlEngine();

// Runs `prim` with `args` on the process stream and waits for it. Calls from different threads
// are serialised (one stream, one set of OpenMP workers).
void dnnlExecute(const dnnl::primitive& prim, const std::unordered_map<int, dnnl::memory>& args);

// How many primitive sets (a convolution or pool with its reorders, built per input shape) the
// fast kernels have created in this process. JIT compilation is the expensive part, so tests
// check that edits which keep the shapes do not redo it.
uint64_t dnnlPrimitivesCreated();
void noteDnnlPrimitiveCreated();

// Plain (row-major) layout tag for a rank-3..5 activation (ncw, nchw, ncdhw).
dnnl::memory::format_tag plainActivationTag(int rank);

// A oneDNN memory over a tensor's own storage (no copy). The tensor must outlive the memory.
dnnl::memory wrapTensor(const dnnl::memory::desc& md, const Tensor& t);

}  // namespace nc
