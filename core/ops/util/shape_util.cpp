#include "core/ops/util/shape_util.h"

#include <algorithm>

namespace nc {

Shape broadcastShapes(const Shape& a, const Shape& b) {
  size_t r = std::max(a.size(), b.size());
  Shape out(r);
  for (size_t i = 0; i < r; ++i) {
    int64_t da = i < r - a.size() ? 1 : a[i - (r - a.size())];
    int64_t db = i < r - b.size() ? 1 : b[i - (r - b.size())];
    if (da == 1) out[i] = db;
    else if (db == 1) out[i] = da;
    else if (da < 0 || db < 0) out[i] = da < 0 ? db : da;
    else if (da == db) out[i] = da;
    else
      throw ShapeError("shapes " + shapeToString(a) + " and " + shapeToString(b) +
                       " cannot be broadcast (dimension " + std::to_string(i) + ": " + std::to_string(da) +
                       " vs " + std::to_string(db) + ")");
  }
  return out;
}

TensorType broadcastTypes(const InferContext& ctx) {
  std::optional<TensorType> acc;
  for (int i = 0; i < ctx.numInputs(); ++i) {
    const auto& t = ctx.input(i);
    if (!t) continue;
    if (!t->rankKnown) return TensorType::unknown(t->dtype);
    if (!acc) {
      acc = *t;
      continue;
    }
    try {
      acc->dims = broadcastShapes(acc->dims, t->dims);
    } catch (const ShapeError& e) {
      ctx.fail(std::string("input ") + std::to_string(i) + ": " + e.what(), i);
    }
  }
  return acc ? *acc : TensorType::unknown();
}

std::vector<TensorType> sameAsFirstInput(const InferContext& ctx) {
  const auto& t = ctx.input(0);
  return {t ? *t : TensorType::unknown()};
}

int normalizeAxis(int64_t axis, int rank, const std::string& what) {
  if (axis < -rank || axis >= rank)
    throw ShapeError(what + " " + std::to_string(axis) + " is out of range for rank " + std::to_string(rank));
  return int(axis < 0 ? axis + rank : axis);
}

}  // namespace nc
