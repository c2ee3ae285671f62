// Resize: hand-computed cases for every mode and coordinate transform, fast vs reference,
// ONNX Runtime round trips at opsets 17 and 18, Resize-10 import, properties and bad inputs.
#include <onnx/onnx_pb.h>
#include <rapidcheck.h>

#include <QtTest>
#include <chrono>
#include <cmath>
#include <cstdio>

#include "core/eval/evaluator.h"
#include "core/base/file_io.h"
#include "core/onnx/export.h"
#include "core/onnx/import.h"
#include "core/onnx/tensor_proto.h"
#include "core/ops/resize.h"
#include "core/tensor/memory_budget.h"
#include "tools/ort/ort_bridge.h"
#include "core/eval/shape_inference.h"
#include "tests/support/expect_error.h"
#include "tests/support/op_case.h"
#include "tests/support/ort.h"
#include "tests/support/properties.h"

using namespace nc;
using namespace nctest;

namespace {

Tensor f32(Shape s, std::vector<float> v) { return Tensor::fromFloats(std::move(s), v); }
Tensor i64(std::vector<int64_t> v) { return Tensor::fromInt64({int64_t(v.size())}, v); }
Tensor scalesOf(std::vector<float> v) { return Tensor::fromFloats({int64_t(v.size())}, v); }

// Resize with node-owned scales (roi unbound): the form NetCanvas itself builds.
OpCase byScales(const Tensor& x, std::vector<float> scales, const std::string& mode = "nearest") {
  OpCase c("Resize");
  c.attr("mode", mode).input(x, "x").none().constant(scalesOf(std::move(scales)));
  return c;
}
OpCase bySizes(const Tensor& x, std::vector<int64_t> sizes, const std::string& mode = "nearest") {
  OpCase c("Resize");
  c.attr("mode", mode).input(x, "x").none().none().constant(i64(std::move(sizes)));
  return c;
}

// Diagnostic of the single op node of an OpCase graph ("" when none).
std::string diagnostic(const OpCase& c) {
  Graph g = c.graph();
  ShapeInfo info = inferShapes(g);
  for (auto& d : info.diagnostics) return d.message;
  return {};
}
TensorType outputType(const OpCase& c) {
  Graph g = c.graph();
  ShapeInfo info = inferShapes(g);
  const Node* op = g.findByName("op");
  const TensorType* t = info.type({op->id, 0});
  return t ? *t : TensorType::unknown();
}

// A one-node ONNX model built by hand (for importing older opsets).
std::string oneNodeModel(int opset, const std::string& opType,
                         const std::vector<std::string>& inputs,
                         const std::vector<std::pair<std::string, std::string>>& stringAttrs,
                         const Shape& xShape,
                         const std::vector<std::pair<std::string, Tensor>>& initializers) {
  onnx::ModelProto m;
  m.set_ir_version(7);
  m.add_opset_import()->set_version(opset);
  auto* g = m.mutable_graph();
  g->set_name("t");
  auto* n = g->add_node();
  n->set_op_type(opType);
  n->set_name("old");
  for (auto& i : inputs) n->add_input(i);
  n->add_output("y");
  for (auto& [k, v] : stringAttrs) {
    auto* a = n->add_attribute();
    a->set_name(k);
    a->set_type(onnx::AttributeProto::STRING);
    a->set_s(v);
  }
  auto* in = g->add_input();
  in->set_name("x");
  in->mutable_type()->mutable_tensor_type()->set_elem_type(onnx::TensorProto::FLOAT);
  for (int64_t d : xShape)
    in->mutable_type()->mutable_tensor_type()->mutable_shape()->add_dim()->set_dim_value(d);
  auto* out = g->add_output();
  out->set_name("y");
  out->mutable_type()->mutable_tensor_type()->set_elem_type(onnx::TensorProto::FLOAT);
  for (auto& [name, t] : initializers) {
    onnx::TensorProto p;
    p.ParseFromString(tensorToProtoBytes(t, name));
    *g->add_initializer() = p;
  }
  std::string bytes;
  m.SerializeToString(&bytes);
  return bytes;
}

const Tensor k2x2 = Tensor::fromFloats({1, 1, 2, 2}, {1, 2, 3, 4});

}  // namespace

class TestResize : public QObject {
  Q_OBJECT
 private Q_SLOTS:
  // 1x1x2x2 nearest 2x (the YOLO neck): every value repeated in a 2x2 block.
  void nearest2x() {
    Tensor y = f32({1, 1, 4, 4}, {1, 1, 2, 2, 1, 1, 2, 2, 3, 3, 4, 4, 3, 3, 4, 4});
    NC_CHECK(byScales(k2x2, {1, 1, 2, 2}).expect(y).check());
    NC_CHECK(byScales(k2x2, {1, 1, 2, 2}).checkOnnx());
    // The fast kernel's 2x path on a larger odd-sized map, against the reference.
    Tensor big = randn({2, 3, 13, 7}, 5);
    NC_CHECK(byScales(big, {1, 1, 2, 2}).check());
    NC_CHECK(byScales(big, {1, 1, 2, 2}).checkOnnx());
  }
  // Non-integer nearest upsampling on the ONNX example: 2x3 scales, asymmetric rows/cols.
  void nearestScales() {
    Tensor y =
        f32({1, 1, 4, 6}, {1, 1, 1, 2, 2, 2, 1, 1, 1, 2, 2, 2, 3, 3, 3, 4, 4, 4, 3, 3, 3, 4, 4, 4});
    NC_CHECK(byScales(k2x2, {1, 1, 2, 3}).expect(y).check());
    NC_CHECK(byScales(k2x2, {1, 1, 2, 3}).checkOnnx());
  }
  // The four rounding modes, 4 -> 6 with half_pixel: x_original = -1/6, 1/2, 7/6, 11/6, 5/2, 19/6.
  void nearestModes() {
    Tensor x = f32({4}, {1, 2, 3, 4});
    const std::vector<std::pair<std::string, std::vector<float>>> cases = {
        {"round_prefer_floor", {1, 1, 2, 3, 3, 4}},
        {"round_prefer_ceil", {1, 2, 2, 3, 4, 4}},
        {"floor", {1, 1, 2, 2, 3, 4}},
        {"ceil", {1, 2, 3, 3, 4, 4}},
    };
    for (auto& [mode, want] : cases) {
      OpCase c = bySizes(x, {6});
      c.attr("nearest_mode", mode).expect(f32({6}, want));
      NC_CHECK(c.check());
      NC_CHECK(c.checkOnnx());
    }
  }
  // Bilinear, half_pixel 2x: the edges clamp (x_original = -0.25 reads the first pixel).
  void bilinearHalfPixel() {
    Tensor y = f32({1, 1, 4, 4}, {1, 1.25, 1.75, 2, 1.5, 1.75, 2.25, 2.5, 2.5, 2.75, 3.25, 3.5, 3,
                                  3.25, 3.75, 4});
    NC_CHECK(byScales(k2x2, {1, 1, 2, 2}, "linear").expect(y).check());
    NC_CHECK(byScales(k2x2, {1, 1, 2, 2}, "linear").checkOnnx());
  }
  // Bilinear align_corners 2x2 -> 3x3: corners kept, midpoints averaged.
  void bilinearAlignCorners() {
    Tensor y = f32({1, 1, 3, 3}, {1, 1.5, 2, 2, 2.5, 3, 3, 3.5, 4});
    OpCase c = byScales(k2x2, {1, 1, 1.5f, 1.5f}, "linear");
    c.attr("coordinate_transformation_mode", std::string("align_corners")).expect(y);
    NC_CHECK(c.check());
    NC_CHECK(c.checkOnnx());
  }
  // Trilinear align_corners on 2x2x2 holding v = 4z + 2y + x: the result is the same plane at
  // half steps, 2i + j + k/2.
  void trilinear() {
    Tensor x(DType::Float32, {1, 1, 2, 2, 2});
    for (int i = 0; i < 8; ++i) x.f32()[i] = float(i);
    Tensor y(DType::Float32, {1, 1, 3, 3, 3});
    for (int i = 0; i < 3; ++i)
      for (int j = 0; j < 3; ++j)
        for (int k = 0; k < 3; ++k) y.f32()[(i * 3 + j) * 3 + k] = 2.0f * i + j + 0.5f * k;
    OpCase c = bySizes(x, {1, 1, 3, 3, 3}, "linear");
    c.attr("coordinate_transformation_mode", std::string("align_corners")).expect(y);
    NC_CHECK(c.check());
    NC_CHECK(c.checkOnnx());
  }
  // Cubic, asymmetric 2x on [1, 2, 4, 8]; a = -0.75 gives weights (-3/32, 19/32, 19/32, -3/32)
  // at half steps. exclude_outside renormalises away the taps beyond the edges.
  void cubic() {
    // (ONNX Runtime runs linear and cubic only on 2-D and NCHW-like inputs: hence 1x4.)
    Tensor x = f32({1, 4}, {1, 2, 4, 8});
    OpCase c = byScales(x, {1, 2}, "cubic");
    c.attr("coordinate_transformation_mode", std::string("asymmetric"))
        .expect(f32({1, 8}, {1, 1.3125f, 2, 2.71875f, 4, 6.1875f, 8, 8.375f}));
    NC_CHECK(c.check());
    NC_CHECK(c.checkOnnx());
    OpCase e = byScales(x, {1, 2}, "cubic");
    e.attr("coordinate_transformation_mode", std::string("asymmetric"))
        .attr("exclude_outside", int64_t(1))
        .expect(f32({1, 8}, {1, 9.0f / 7.0f, 2, 2.71875f, 4, 6.9375f / 1.09375f, 8, 8.75f}));
    NC_CHECK(e.check());
    NC_CHECK(e.checkOnnx());
    // cubic_coeff_a = -0.5 on a 2-D map, ONNX Runtime as the oracle.
    OpCase a = byScales(randn({1, 2, 5, 6}, 9), {1, 1, 1.6f, 2.5f}, "cubic");
    a.attr("cubic_coeff_a", -0.5f);
    NC_CHECK(a.check());
    NC_CHECK(a.checkOnnx());
  }
  // tf_crop_and_resize: roi [0.25, 0.75] of 5 samples maps 3 outputs onto 1, 2, 3; roi
  // [0.5, 1.5] runs past the end, which gives extrapolation_value. (roi: starts, then ends.)
  void cropAndResize() {
    Tensor x = f32({1, 5}, {0, 10, 20, 30, 40});
    for (auto [roi, want] : std::vector<std::pair<std::vector<float>, std::vector<float>>>{
             {{0, 0.25f, 1, 0.75f}, {10, 20, 30}}, {{0, 0.5f, 1, 1.5f}, {20, 40, -1}}}) {
      OpCase c("Resize");
      c.attr("mode", std::string("linear"))
          .attr("coordinate_transformation_mode", std::string("tf_crop_and_resize"))
          .attr("extrapolation_value", -1.0f)
          .input(x, "x")
          .constant(scalesOf(roi))
          .none()
          .constant(i64({1, 3}))
          .expect(f32({1, 3}, want));
      NC_CHECK(c.check());
      NC_CHECK(c.checkOnnx());
    }
    // 2-D with nearest and a roi fed at run time.
    OpCase n("Resize");
    n.attr("coordinate_transformation_mode", std::string("tf_crop_and_resize"))
        .attr("extrapolation_value", 7.0f)
        .input(randn({1, 1, 6, 5}, 2), "x")
        .input(scalesOf({0, 0, 0.2f, -0.1f, 1, 1, 0.9f, 1.3f}), "roi")
        .none()
        .constant(i64({1, 1, 4, 4}));
    NC_CHECK(n.check());
    NC_CHECK(n.checkOnnx());
  }
  // pytorch_half_pixel: a length-1 output reads coordinate 0; tf_half_pixel_for_nn.
  void otherTransforms() {
    Tensor x = f32({1, 1, 4, 4}, {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16});
    OpCase p = bySizes(x, {1, 1, 3, 1}, "linear");
    // Rows: x_original = (i + 0.5) * 4/3 - 0.5 = 1/6, 3/2, 17/6; the single column reads column 0.
    p.attr("coordinate_transformation_mode", std::string("pytorch_half_pixel"))
        .expect(f32({1, 1, 3, 1}, {1 + 4.0f / 6, 7, 13 - 4.0f / 6}));
    NC_CHECK(p.check());
    NC_CHECK(p.checkOnnx());
    // tf_half_pixel_for_nn: the conformance case whose model needs a Constant op, rebuilt here.
    const std::string dir =
        "/usr/share/libonnx-testdata/data/node/"
        "test_resize_downsample_sizes_nearest_tf_half_pixel_for_nn";
    Tensor cx = readTensorFile(dir + "/test_data_set_0/input_0.pb");
    Tensor cs = readTensorFile(dir + "/test_data_set_0/input_1.pb");
    Tensor cy = readTensorFile(dir + "/test_data_set_0/output_0.pb");
    OpCase t("Resize");
    t.attr("coordinate_transformation_mode", std::string("tf_half_pixel_for_nn"))
        .input(cx, "x")
        .none()
        .none()
        .input(cs, "sizes")
        .expect(cy);
    NC_CHECK(t.check());
    NC_CHECK(t.checkOnnx());
    QCOMPARE(cy.shape(), (Shape{1, 1, 3, 2}));
  }
  // Conformance quirk: align_corners downsampling uses the unrounded length (scale * input), as
  // the ONNX reference outputs do; 2x4 * 0.6 -> 1x2 with x_original = 0 and 3/1.4.
  void alignCornersUnroundedLength() {
    Tensor x = f32({1, 1, 2, 4}, {1, 2, 3, 4, 5, 6, 7, 8});
    OpCase c = byScales(x, {1, 1, 0.6f, 0.6f}, "linear");
    const double xo = 3.0 / (double(4 * 0.6f) - 1);  // 2.142857...
    c.attr("coordinate_transformation_mode", std::string("align_corners"))
        .expect(f32({1, 1, 1, 2}, {1, float(1 + xo)}));
    NC_CHECK(c.check());
  }
  // Scales and sizes fed at run time (graph inputs, as in the conformance models).
  void runtimeInputs() {
    Tensor x = randn({1, 2, 5, 3}, 4);
    OpCase s("Resize");
    s.attr("mode", std::string("linear"))
        .input(x, "x")
        .none()
        .input(scalesOf({1, 1, 2.2f, 1.7f}), "scales");
    NC_CHECK(s.check());
    NC_CHECK(s.checkOnnx());
    QCOMPARE(outputType(s).dims, (Shape{-1, -1, -1, -1}));  // values unknown statically
    OpCase z("Resize");
    z.attr("mode", std::string("cubic"))
        .input(x, "x")
        .none()
        .none()
        .input(i64({1, 2, 9, 2}), "sizes");
    NC_CHECK(z.check());
    NC_CHECK(z.checkOnnx());
    QCOMPARE(s.run(false)[0].shape(), (Shape{1, 2, 11, 5}));
  }
  // Static shapes: constants give the output shape (floor(in * scale), float as ONNX computes).
  void shapeInference() {
    QCOMPARE(outputType(byScales(randn({1, 3, 5, 7}, 1), {1, 1, 0.6f, 2.5f})).dims,
             (Shape{1, 3, 3, 17}));
    QCOMPARE(outputType(bySizes(randn({1, 3, 5, 7}, 1), {1, 3, 8, 2})).dims, (Shape{1, 3, 8, 2}));
    // Half-built: neither scales nor sizes bound -> rank known, resized dims unknown; no error.
    OpCase h("Resize");
    h.input(randn({1, 3, 5, 7}, 1), "x");
    QCOMPARE(outputType(h).dims, (Shape{-1, -1, -1, -1}));
    QCOMPARE(diagnostic(h), std::string());
    try {  // ... but such a graph does not export
      exportModelBytes(h.graph());
      QFAIL("export without scales or sizes should fail");
    } catch (const Error& e) {
      QVERIFY2(std::string(e.what()).find("connect 'scales' or 'sizes'") != std::string::npos,
               e.what());
    }
  }
  // Opset 18: axes, keep_aspect_ratio_policy and antialias, through ONNX Runtime at opset 18.
  void opset18() {
    Tensor x = randn({1, 2, 6, 9}, 3);
    OpCase a = byScales(x, {2.0f, 0.5f}, "linear");
    a.attr("axes", std::vector<int64_t>{2, -1});
    NC_CHECK(a.check());
    QCOMPARE(a.run(false)[0].shape(), (Shape{1, 2, 12, 4}));
    NC_CHECK(checkGraphWithOrt(a.graph(), a.feeds(), {1e-4, 1e-4}, 18));
    // Exporting opset-18 attributes at opset 17 is refused by name.
    try {
      exportModelBytes(a.graph());
      QFAIL("export at opset 17 should fail");
    } catch (const Error& e) {
      QVERIFY2(std::string(e.what()).find("'axes' needs opset 18") != std::string::npos, e.what());
    }
    for (const char* policy : {"not_larger", "not_smaller"}) {
      OpCase k = bySizes(x, {4, 4}, "nearest");
      k.attr("axes", std::vector<int64_t>{2, 3})
          .attr("keep_aspect_ratio_policy", std::string(policy));
      NC_CHECK(k.check());
      // 6x9 into 4x4: not_larger scales by 4/9 -> 3x4; not_smaller by 4/6 -> 4x6.
      QCOMPARE(k.run(false)[0].shape(),
               std::string(policy) == "not_larger" ? (Shape{1, 2, 3, 4}) : (Shape{1, 2, 4, 6}));
      NC_CHECK(checkGraphWithOrt(k.graph(), k.feeds(), {1e-4, 1e-4}, 18));
    }
    for (const char* mode : {"linear", "cubic"}) {
      OpCase aa = byScales(randn({1, 1, 9, 11}, 8), {1, 1, 0.5f, 0.3f}, mode);
      aa.attr("antialias", int64_t(1));
      NC_CHECK(aa.check());
      NC_CHECK(checkGraphWithOrt(aa.graph(), aa.feeds(), {1e-4, 1e-4}, 18));
    }
    // Antialiased linear 4 -> 2 by hand: scale 1/2 widens the triangle to 4 taps
    // (1/8, 3/8, 3/8, 1/8 around x_original = 0.5, 2.5), edges clamped.
    OpCase h = byScales(f32({4}, {0, 8, 16, 24}), {0.5f}, "linear");
    h.attr("antialias", int64_t(1))
        .expect(f32({2}, {0 * 0.125f + 0 * 0.375f + 8 * 0.375f + 16 * 0.125f,
                          8 * 0.125f + 16 * 0.375f + 24 * 0.375f + 24 * 0.125f}));
    NC_CHECK(h.check());
  }
  // Every configuration exports at opset 17 and 18 alike.
  void exportOpsets() {
    OpCase c = byScales(randn({1, 3, 4, 5}, 6), {1, 1, 2, 2}, "linear");
    c.attr("coordinate_transformation_mode", std::string("asymmetric"));
    NC_CHECK(checkGraphWithOrt(c.graph(), c.feeds(), {1e-4, 1e-4}, 17));
    NC_CHECK(checkGraphWithOrt(c.graph(), c.feeds(), {1e-4, 1e-4}, 18));
    ValidationReport r;
    exportModelBytes(c.graph(), {}, &r);
    QVERIFY(r.checkerRun && r.shapeInferenceRun);
  }
  // Resize-10 (X, scales) imports onto our ports with asymmetric coordinates; ONNX Runtime
  // runs the original opset-10 model.
  void importOpset10() {
    Tensor x = randn({1, 2, 3, 4}, 7);
    for (const char* mode : {"nearest", "linear"}) {
      std::string bytes = oneNodeModel(10, "Resize", {"x", "scales"}, {{"mode", mode}}, x.shape(),
                                       {{"scales", scalesOf({1, 1, 2, 3})}});
      Graph g = importModelBytes(bytes);
      const Node* n = g.findByName("old");
      QVERIFY(n && n->op == "Resize");
      QVERIFY(!n->inputs[1].source && n->inputs[1].constant.empty());  // roi unbound
      QCOMPARE(n->inputs[2].constant.shape(), (Shape{4}));
      std::vector<Tensor> ours = evaluate(g, {{"x", x}});
      std::string path = tempPath(".onnx");
      writeFileAtomic(path, bytes);
      OrtResult ort = runOrt(path, {{"x", x}});
      NC_CHECK(compareTensors(ours[0], ort.outputs[0], {1e-5, 1e-5}));
      if (std::string(mode) == "nearest") {  // floor(x / scale): plain repetition
        QCOMPARE(ours[0].shape(), (Shape{1, 2, 6, 12}));
        QCOMPARE(ours[0].f32()[12 * 1 + 5], x.f32()[4 * 0 + 1]);
      }
    }
    // tf_half_pixel_for_nn also arrives as "tf_half_pixel_for_nearest" from some tools.
    std::string b11 =
        oneNodeModel(11, "Resize", {"x", "roi", "scales"},
                     {{"coordinate_transformation_mode", "tf_half_pixel_for_nearest"}}, x.shape(),
                     {{"roi", Tensor(DType::Float32, {0})}, {"scales", scalesOf({1, 1, 2, 2})}});
    Graph g11 = importModelBytes(b11);
    QCOMPARE(
        std::get<std::string>(g11.findByName("old")->attrs.at("coordinate_transformation_mode")),
        std::string("tf_half_pixel_for_nn"));
    // Opset-18 attributes in an older model are refused by name.
    std::string bad = oneNodeModel(13, "Resize", {"x", "", "scales"},
                                   {{"keep_aspect_ratio_policy", "not_larger"}}, x.shape(),
                                   {{"scales", scalesOf({1, 1, 2, 2})}});
    try {
      importModelBytes(bad);
      QFAIL("import should fail");
    } catch (const Error& e) {
      QVERIFY2(std::string(e.what()).find("'keep_aspect_ratio_policy' exists from opset 18") !=
                   std::string::npos,
               e.what());
    }
  }
  void badInputs() {
    // Wrong scales length: names the input and both shapes.
    std::string d = diagnostic(byScales(k2x2, {2, 2, 2}));
    QVERIFY2(d.find("node 'op' (Resize)") != std::string::npos, d.c_str());
    QVERIFY2(d.find("'scales' has shape [3]") != std::string::npos, d.c_str());
    QVERIFY2(d.find("[1, 1, 2, 2]") != std::string::npos, d.c_str());
    {
      Graph g = byScales(k2x2, {2, 2, 2}).graph();
      QCOMPARE(inferShapes(g).diagnostics.at(0).input, 2);
    }
    // Wrong sizes length, fed at run time: the shape is known statically.
    OpCase s("Resize");
    s.input(k2x2, "x").none().none().input(i64({4, 4}), "sizes");
    d = diagnostic(s);
    QVERIFY2(d.find("'sizes' has shape [2]") != std::string::npos &&
                 d.find("[1, 1, 2, 2]") != std::string::npos,
             d.c_str());
    // Both scales and sizes.
    OpCase both("Resize");
    both.input(k2x2, "x").none().constant(scalesOf({1, 1, 2, 2})).constant(i64({1, 1, 4, 4}));
    d = diagnostic(both);
    QVERIFY2(d.find("only one of 'scales' and 'sizes'") != std::string::npos, d.c_str());
    // Integer scales, a non-positive scale, and both inputs empty.
    OpCase is("Resize");
    is.input(k2x2, "x").none().constant(i64({1, 1, 2, 2}));
    QVERIFY2(diagnostic(is).find("'scales' must be float32") != std::string::npos,
             diagnostic(is).c_str());
    QVERIFY2(diagnostic(byScales(k2x2, {1, 1, 0, 2})).find("positive") != std::string::npos,
             diagnostic(byScales(k2x2, {1, 1, 0, 2})).c_str());
    OpCase none("Resize");
    none.input(k2x2, "x").none().constant(Tensor(DType::Float32, {0}));
    QVERIFY2(diagnostic(none).find("one of the inputs 'scales' and 'sizes'") != std::string::npos,
             diagnostic(none).c_str());
    // tf_crop_and_resize without roi, and a roi of the wrong length.
    OpCase noRoi = bySizes(k2x2, {1, 1, 3, 3}, "linear");
    noRoi.attr("coordinate_transformation_mode", std::string("tf_crop_and_resize"));
    QCOMPARE(diagnostic(noRoi), std::string());  // roi unbound: half-built, evaluation says why
    QVERIFY(!noRoi.check().empty());
    QVERIFY2(noRoi.check().find("needs input 'roi'") != std::string::npos, noRoi.check().c_str());
    OpCase badRoi("Resize");
    badRoi.attr("coordinate_transformation_mode", std::string("tf_crop_and_resize"))
        .input(k2x2, "x")
        .constant(scalesOf({0, 0, 1, 1}))
        .none()
        .constant(i64({1, 1, 3, 3}));
    d = diagnostic(badRoi);
    QVERIFY2(d.find("'roi' has shape [4]") != std::string::npos &&
                 d.find("needs 8") != std::string::npos,
             d.c_str());
    // Bad data at run time: the kernels throw a clear error instead of crashing.
    Graph g;
    NodeId id = g.addNode("Resize");
    AttrReader reader(resizeOp(), nodeInfo(g.node(id)));
    for (const KernelFactory& make : {resizeOp().reference, resizeOp().fast}) {
      auto kernel = make(reader);
      for (const std::vector<Tensor>& bad :
           std::vector<std::vector<Tensor>>{{k2x2, Tensor(), scalesOf({1, 2}), Tensor()},
                                            {k2x2, Tensor(), Tensor(), i64({1, 1, -2, 2})},
                                            {k2x2, Tensor(), scalesOf({1, 1, NAN, 2}), Tensor()},
                                            {k2x2, Tensor(), scalesOf({1, 1, 1e30f, 2}), Tensor()},
                                            {k2x2, Tensor(), Tensor(), Tensor()}}) {
        try {
          kernel->compute(bad);
          QFAIL("bad data should throw");
        } catch (const Error& e) {
          const std::string m = e.what();
          QVERIFY2(
              m.find("'scales'") != std::string::npos || m.find("'sizes'") != std::string::npos,
              m.c_str());
        }
      }
    }
  }
  // A scale of 1e9 (issue #12): the output size, and for the fast kernel its per-coordinate
  // tables, are checked against the memory budget before anything is built (it used to build
  // 2.7 GB of tables in 21 s, then bad_alloc). The budget is fixed here so that the test does not
  // depend on the machine's memory.
  void hostileScales() {
    ScopedMemoryBudget budget(int64_t(1) << 30);
    const Tensor x = Tensor::fromFloats({1, 1, 2, 2}, {1, 2, 3, 4});
    const OpCase huge = byScales(x, {1e9f, 1, 1, 1});
    std::string d = diagnostic(huge);
    QVERIFY2(d.find("node 'op' (Resize)") != std::string::npos &&
                 d.find("[1000000000, 1, 2, 2]") != std::string::npos &&
                 d.find("memory budget of 1.0 GiB") != std::string::npos,
             d.c_str());
    Graph g;
    NodeId id = g.addNode("Resize");
    for (const char* mode : {"nearest", "linear", "cubic"}) {
      g.setAttr(id, "mode", std::string(mode));
      AttrReader reader(resizeOp(), nodeInfo(g.node(id)));
      for (const KernelFactory& make : {resizeOp().fast, resizeOp().reference}) {
        const auto t0 = std::chrono::steady_clock::now();
        const std::string m = errorOf([&] {
          make(reader)->compute(std::vector<Tensor>{x, Tensor(), scalesOf({1e9f, 1, 1, 1}), Tensor()});
        });
        QVERIFY2(m.find("Resize output of shape [1000000000, 1, 2, 2] has 4000000000 elements") !=
                         std::string::npos &&
                     m.find("memory budget") != std::string::npos,
                 m.c_str());
        std::printf("%s: one error in %.1f ms\n", mode,
                    std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count());
      }
    }
    // An output that fits (1e8 floats, 381 MiB) but whose linear tables would not: the fast
    // kernel refuses before building them.
    g.setAttr(id, "mode", std::string("linear"));
    AttrReader reader(resizeOp(), nodeInfo(g.node(id)));
    const Tensor one = Tensor::fromFloats({1, 1, 1, 1}, {1});
    const std::string m = errorOf([&] {
      resizeOp().fast(reader)->compute(std::vector<Tensor>{one, Tensor(), scalesOf({1e8f, 1, 1, 1}), Tensor()});
    });
    QVERIFY2(m.find("of working memory") != std::string::npos, m.c_str());
    // Through the evaluator the error names the node.
    const std::string e = errorOf([&] { evaluate(huge.graph(), huge.feeds()); });
    QVERIFY2(e.find("node 'op' (Resize)") != std::string::npos && e.find("memory budget") != std::string::npos,
             e.c_str());
  }

  void properties() {
    static const char* kCoords[] = {"half_pixel", "pytorch_half_pixel",   "align_corners",
                                    "asymmetric", "tf_half_pixel_for_nn", "tf_crop_and_resize"};
    static const char* kModes[] = {"nearest", "linear", "cubic"};
    static const char* kRound[] = {"round_prefer_floor", "round_prefer_ceil", "floor", "ceil"};
    // A random configuration; `ortSafe` avoids the known differences from ONNX Runtime
    // (unrounded lengths for align_corners/crop with scales; unchanged axes; its rank limits).
    auto genCase = [](bool ortSafe) {
      const std::string mode = kModes[*rc::gen::inRange(0, 3)];
      const std::string coord = kCoords[*rc::gen::inRange(0, 6)];
      // ONNX Runtime treats an axis whose length does not change as untouched, even where the
      // spec shifts it (tf_half_pixel_for_nn, a tf_crop_and_resize roi): such axes must change.
      const bool shifts = coord == "tf_half_pixel_for_nn" || coord == "tf_crop_and_resize";
      Shape shape = *genShape(1, 4, 7);
      // ONNX Runtime interpolates (bi/tri)linearly and bicubically only on 2-D, 3-D (linear) and
      // 4-D inputs whose two outer axes stay as they are.
      size_t fixedOuter = 0;
      if (ortSafe && mode != "nearest") {
        while (shape.size() < 2 || (mode == "cubic" && shape.size() == 3))
          shape.push_back(*rc::gen::inRange(1, 8));
        if (shape.size() == 4 && shifts) shape.resize(2);
        if (shape.size() == 4) fixedOuter = 2;
      }
      Tensor x = *genTensorOfShape(shape, -5.0f, 5.0f);
      OpCase c("Resize");
      c.attr("mode", mode).attr("coordinate_transformation_mode", coord);
      if (mode == "nearest") c.attr("nearest_mode", std::string(kRound[*rc::gen::inRange(0, 4)]));
      if (mode == "cubic" && *rc::gen::inRange(0, 2)) c.attr("exclude_outside", int64_t(1));
      c.input(x, "x");
      if (coord == "tf_crop_and_resize") {
        std::vector<float> roi(2 * shape.size());
        for (size_t i = 0; i < shape.size(); ++i) {
          // Eighths: exact in float and double, so that rounding ties fall alike everywhere.
          roi[i] = i < fixedOuter ? 0.0f : float(*rc::gen::inRange(-2, 5)) / 8;
          roi[i + shape.size()] = i < fixedOuter ? 1.0f : float(*rc::gen::inRange(4, 11)) / 8;
        }
        c.constant(scalesOf(roi));
        c.attr("extrapolation_value", 2.5f);
      } else {
        c.none();
      }
      const bool useSizes =
          ortSafe ? (coord == "align_corners" || coord == "tf_crop_and_resize" || mode == "nearest")
                  : *rc::gen::inRange(0, 2) == 1;
      if (useSizes) {
        std::vector<int64_t> sizes;
        for (size_t i = 0; i < shape.size(); ++i) {
          int64_t n = i < fixedOuter ? shape[i] : *rc::gen::inRange<int64_t>(1, 2 * shape[i] + 3);
          if (ortSafe && shifts && n == shape[i]) ++n;
          sizes.push_back(n);
        }
        c.none().constant(i64(sizes));
      } else {
        std::vector<float> scales;
        for (size_t i = 0; i < shape.size(); ++i) {
          float sc = i < fixedOuter ? 1.0f : float(*rc::gen::inRange(3, 31)) / 10;
          // ONNX Runtime also copies an axis whose length stays, whatever its scale; the spec
          // (and we) still resample it, e.g. 2 * 1.1 -> 2 shifts by half_pixel.
          if (ortSafe && std::floor(float(shape[i]) * sc) == float(shape[i]))
            sc = shifts ? 2.0f : 1.0f;
          scales.push_back(sc);
        }
        c.constant(scalesOf(scales));
      }
      return c;
    };
    QVERIFY(rc::check("resize: fast == reference on random shapes, modes and scales", [&] {
      OpCase c = genCase(false);
      RC_ASSERT(c.check() == "");
    }));
    QVERIFY(checkN("resize: ONNX Runtime agrees", 12, [&] {
      OpCase c = genCase(true);
      const std::string m = c.checkOnnx();
      RC_ASSERT(m == "");
    }));
  }
  // YOLO11's neck (nearest 2x of 1x256x40x40) and a bilinear 2x: kernel times of the reference
  // and the fast kernel, and ONNX Runtime (1 thread) on the exported model, printed.
  void benchmark() {
    struct Bench {
      const char* what;
      OpCase c;
      Tensor x;
      std::vector<float> scales;
    };
    Tensor xn = randn({1, 256, 40, 40}, 1), xl = randn({1, 64, 40, 40}, 1);
    std::vector<Bench> benches = {
        {"nearest 2x 1x256x40x40", byScales(xn, {1, 1, 2, 2}), xn, {1, 1, 2, 2}},
        {"bilinear 2x 1x64x40x40", byScales(xl, {1, 1, 2, 2}, "linear"), xl, {1, 1, 2, 2}}};
    for (Bench& b : benches) {
      Graph g = b.c.graph();
      AttrReader reader(resizeOp(), nodeInfo(g.node(g.findByName("op")->id)));
      const ResizeParams p = parseResizeParams(reader);
      const Tensor s = scalesOf(b.scales);
      ResizeInputs ins;
      ins.scales = &s;
      const ResizePlan plan = planResize(p, b.x.shape(), ins);
      auto best = [&](auto&& f, int n) {
        double ms = 1e30;
        for (int i = 0; i < n; ++i) {
          auto t0 = std::chrono::steady_clock::now();
          f();
          ms = std::min(
              ms, std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0)
                      .count());
        }
        return ms;
      };
      const double ref = best([&] { resizeReference(p, plan, b.x); }, 2);
      const double fast = best([&] { resizeFast(p, plan, b.x); }, 20);
      NC_CHECK(compareTensors(resizeFast(p, plan, b.x), resizeReference(p, plan, b.x)));
      std::string path = tempPath(".onnx");
      exportModel(g, path);
      OrtResult ort = runOrt(path, {{"x", b.x}}, 1, 20);
      std::sort(ort.ms.begin(), ort.ms.end());
      qInfo("%s: reference %.2f ms, fast %.3f ms, ONNX Runtime %.3f ms (best of 20)", b.what, ref,
            fast, ort.ms.front());
    }
  }
};

QTEST_APPLESS_MAIN(TestResize)
#include "test_resize.moc"
