#include "tests/support/properties.h"

#include <random>

namespace nctest {

rc::Gen<nc::Shape> genShape(int minRank, int maxRank, int maxDim) {
  return rc::gen::mapcat(rc::gen::inRange(minRank, maxRank + 1), [maxDim](int rank) {
    return rc::gen::container<nc::Shape>(size_t(rank), rc::gen::map(rc::gen::inRange(1, maxDim + 1), [](int d) { return int64_t(d); }));
  });
}

rc::Gen<nc::Tensor> genTensorOfShape(const nc::Shape& shape, float lo, float hi) {
  return rc::gen::map(rc::gen::arbitrary<uint64_t>(), [shape, lo, hi](uint64_t seed) {
    nc::Tensor t(nc::DType::Float32, shape);
    std::mt19937_64 rng(seed);
    std::uniform_real_distribution<float> u(lo, hi);
    for (float& v : t.floats()) v = u(rng);
    return t;
  });
}

rc::Gen<nc::Tensor> genTensor(float lo, float hi, int minRank, int maxRank) {
  return rc::gen::mapcat(genShape(minRank, maxRank), [lo, hi](const nc::Shape& s) { return genTensorOfShape(s, lo, hi); });
}

}  // namespace nctest
