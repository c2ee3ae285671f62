#pragma once
// RapidCheck generators: random rank-1..4 shapes with small odd sizes, and float tensors.
#include <rapidcheck.h>

#include "core/tensor/tensor.h"

namespace nctest {

// Shapes of rank minRank..maxRank with dims in 1..maxDim (odd sizes like 13 appear often).
rc::Gen<nc::Shape> genShape(int minRank = 1, int maxRank = 4, int maxDim = 13);
// A float32 tensor of a random shape with values uniform in [lo, hi].
rc::Gen<nc::Tensor> genTensor(float lo = -10.0f, float hi = 10.0f, int minRank = 1, int maxRank = 4);
rc::Gen<nc::Tensor> genTensorOfShape(const nc::Shape& shape, float lo = -10.0f, float hi = 10.0f);

}  // namespace nctest

namespace rc {
template <>
struct Arbitrary<nc::Tensor> {
  static Gen<nc::Tensor> arbitrary() { return nctest::genTensor(); }
};
}  // namespace rc

namespace nctest {
// rc::check with at most `maxSuccess` cases (ONNX Runtime properties start a process per case).
template <typename Testable>
bool checkN(const std::string& description, int maxSuccess, Testable&& testable) {
  using namespace rc::detail;
  std::cerr << "\n- " << description << std::endl;
  TestMetadata metadata;
  metadata.id = description;
  metadata.description = description;
  TestParams params = configuration().testParams;
  params.maxSuccess = maxSuccess;
  const auto result = checkTestable(std::forward<Testable>(testable), metadata, params);
  printResultMessage(result, std::cerr);
  std::cerr << std::endl;
  return result.template is<SuccessResult>();
}
}  // namespace nctest
