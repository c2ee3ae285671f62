// Weight initialisers: fans as in torch.nn.init, moments within statistical bounds, determinism.
#include <QtTest>
#include <cmath>

#include "core/base/error.h"
#include "core/tensor/init.h"

using namespace nc;

namespace {
struct Moments {
  double mean = 0, var = 0, lo = INFINITY, hi = -INFINITY;
};
Moments moments(const Tensor& t) {
  Moments m;
  for (float v : t.floats()) m.mean += v, m.lo = std::min(m.lo, double(v)), m.hi = std::max(m.hi, double(v));
  m.mean /= double(t.numel());
  for (float v : t.floats()) m.var += (v - m.mean) * (v - m.mean);
  m.var /= double(t.numel());
  return m;
}
bool sameValues(const Tensor& a, const Tensor& b) {
  return a.shape() == b.shape() && std::memcmp(a.raw(), b.raw(), a.bytes()) == 0;
}
}  // namespace

class TestInit : public QObject {
  Q_OBJECT
 private Q_SLOTS:
  // torch.nn.init._calculate_fan_in_and_fan_out on the same shapes.
  void fans() {
    Fans conv = computeFans({64, 32, 3, 3});
    QCOMPARE(conv.fanIn, int64_t(32 * 9));
    QCOMPARE(conv.fanOut, int64_t(64 * 9));
    Fans linear = computeFans({10, 20});
    QCOMPARE(linear.fanIn, int64_t(20));
    QCOMPARE(linear.fanOut, int64_t(10));
    Fans conv1d = computeFans({8, 4, 5});
    QCOMPARE(conv1d.fanIn, int64_t(20));
    QCOMPARE(conv1d.fanOut, int64_t(40));
    Fans vec = computeFans({7});  // our extension for vectors
    QCOMPARE(vec.fanIn, int64_t(7));
    QCOMPARE(vec.fanOut, int64_t(7));
    QVERIFY_THROWS_EXCEPTION(Error, computeFans({-1, 3}));
  }

  // Kaiming normal for a 64x32x3x3 conv weight: std = sqrt(2/288) = 0.0833.
  // With n = 18432 samples the sample mean has sd 0.0833/sqrt(n) = 6.1e-4 (bound: 5 sd) and the
  // sample variance has relative sd sqrt(2/n) = 1.04% (bound: 5 sd = 5.2%).
  void kaimingMoments() {
    Shape s{64, 32, 3, 3};
    Tensor w = kaimingNormal(s, 42);
    QCOMPARE(w.shape(), s);
    QCOMPARE(w.dtype(), DType::Float32);
    const double sd = std::sqrt(2.0 / 288.0), n = double(w.numel());
    Moments m = moments(w);
    QVERIFY2(std::fabs(m.mean) < 5 * sd / std::sqrt(n), qPrintable(QString::number(m.mean)));
    QVERIFY2(std::fabs(m.var / (sd * sd) - 1) < 5 * std::sqrt(2 / n), qPrintable(QString::number(m.var)));
    // A normal: about 68.3% within one sd (binomial sd 0.34% -> bound 2%).
    int64_t within = 0;
    for (float v : w.floats()) within += std::fabs(v) < sd;
    QVERIFY(std::fabs(double(within) / n - 0.6827) < 0.02);
  }

  // Xavier uniform for 100x50: a = sqrt(6/150) = 0.2, variance a^2/3; all samples in [-a, a].
  void xavierMoments() {
    Shape s{100, 50};
    Tensor w = xavierUniform(s, 7);
    QCOMPARE(w.shape(), s);
    const double a = std::sqrt(6.0 / 150.0), n = double(w.numel());
    Moments m = moments(w);
    QVERIFY(m.lo >= -a && m.hi <= a);
    QVERIFY(m.lo < -0.99 * a && m.hi > 0.99 * a);  // the whole range is used
    const double var = a * a / 3;
    QVERIFY(std::fabs(m.mean) < 5 * std::sqrt(var / n));
    // Variance of U(-a,a) samples: relative sd of the estimate is sqrt(0.8/n) (kurtosis 1.8).
    QVERIFY2(std::fabs(m.var / var - 1) < 5 * std::sqrt(0.8 / n), qPrintable(QString::number(m.var / var)));
  }

  void deterministicBySeed() {
    QVERIFY(sameValues(kaimingNormal({16, 8, 3, 3}, 5), kaimingNormal({16, 8, 3, 3}, 5)));
    QVERIFY(!sameValues(kaimingNormal({16, 8, 3, 3}, 5), kaimingNormal({16, 8, 3, 3}, 6)));
    QVERIFY(sameValues(xavierUniform({9, 13}, 1), xavierUniform({9, 13}, 1)));
    QVERIFY(!sameValues(xavierUniform({9, 13}, 1), xavierUniform({9, 13}, 2)));
  }

  // initialise() by scheme gives exactly the named initialisers' numbers.
  void initialiseByScheme() {
    const Shape s{8, 4, 3, 3};
    QVERIFY(sameValues(initialise(InitScheme::KaimingNormal, s, 9), kaimingNormal(s, 9)));
    QVERIFY(sameValues(initialise(InitScheme::XavierUniform, s, 9), xavierUniform(s, 9)));
    QVERIFY(sameValues(initialise(InitScheme::Constant, s, 9, 0.5f), constantTensor(s, 0.5f)));
    QVERIFY(sameValues(initialise(InitScheme::Zeros, s, 9), constantTensor(s, 0.0f)));
    QVERIFY(sameValues(initialise(InitScheme::Ones, s, 9), constantTensor(s, 1.0f)));
    QVERIFY(isRandomScheme(InitScheme::KaimingNormal) && !isRandomScheme(InitScheme::Ones));
    QCOMPARE(QString(initSchemeName(InitScheme::XavierUniform)), QString("Xavier uniform"));
  }

  void constantAndEdgeShapes() {
    Tensor c = constantTensor({2, 3}, 0.25f);
    QCOMPARE(c.shape(), (Shape{2, 3}));
    for (float v : c.floats()) QCOMPARE(v, 0.25f);
    QCOMPARE(constantTensor({}, 3.0f).numel(), int64_t(1));
    QCOMPARE(constantTensor({}, 3.0f).f32()[0], 3.0f);
    // Vectors (BatchNorm statistics, biases) and empty tensors initialise too.
    Tensor v = kaimingNormal({5}, 1);
    QCOMPARE(v.shape(), (Shape{5}));
    QCOMPARE(xavierUniform({0, 4}, 1).numel(), int64_t(0));
    const Tensor u = xavierUniform({5}, 3);
    for (float x : u.floats()) QVERIFY(std::fabs(x) <= std::sqrt(6.0 / 10.0));
  }
};

QTEST_MAIN(TestInit)
#include "test_init.moc"
