// .npy reader: hand-built files of each accepted format and clear errors for everything else.
#include <QtTest>
#include <cstring>
#include <fstream>

#include "core/base/error.h"
#include "core/tensor/npy.h"

using namespace nc;

namespace {
// A .npy file byte by byte: magic, version, little-endian header length, a dict header padded
// with spaces to a 64-byte boundary and ended by '\n', then the raw data.
std::string npy(int major, const std::string& dict, const std::string& data) {
  const size_t lenBytes = major == 1 ? 2 : 4;
  std::string header = dict;
  while ((10 + lenBytes - 2 + header.size() + 1) % 64 != 0) header += ' ';
  header += '\n';
  std::string out = "\x93NUMPY";
  out += char(major);
  out += char(0);
  for (size_t i = 0; i < lenBytes; ++i) out += char((header.size() >> (8 * i)) & 0xff);
  return out + header + data;
}
template <class T>
std::string bytesOf(std::initializer_list<T> v) {
  std::string s(v.size() * sizeof(T), '\0');
  std::memcpy(s.data(), std::data(v), s.size());
  return s;
}
QString expectError(const std::string& bytes) {
  try {
    parseNpy(bytes, "x.npy");
  } catch (const Error& e) {
    return QString::fromStdString(e.what());
  }
  return {};
}
}  // namespace

class TestNpy : public QObject {
  Q_OBJECT
 private Q_SLOTS:
  void float32FromFile() {
    // np.save of np.arange(6, dtype=np.float32).reshape(2, 3) * 0.5, rebuilt by hand.
    std::string bytes = npy(1, "{'descr': '<f4', 'fortran_order': False, 'shape': (2, 3), }",
                            bytesOf<float>({0, 0.5f, 1, 1.5f, 2, 2.5f}));
    QCOMPARE((bytes.size() - 24) % 64, size_t(0));  // header padded as numpy does
    QTemporaryDir dir;
    const std::string path = dir.filePath("a.npy").toStdString();
    std::ofstream(path, std::ios::binary) << bytes;
    Tensor t = loadNpy(path);
    QCOMPARE(t.dtype(), DType::Float32);
    QCOMPARE(t.shape(), (Shape{2, 3}));
    QCOMPARE(t.toFloatVector(), (std::vector<float>{0, 0.5f, 1, 1.5f, 2, 2.5f}));
  }

  void float64IsConverted() {
    Tensor t = parseNpy(npy(2, "{'descr': '<f8', 'fortran_order': False, 'shape': (3,), }",
                            bytesOf<double>({1.25, -2.0, 1e-3})));
    QCOMPARE(t.dtype(), DType::Float32);
    QCOMPARE(t.shape(), (Shape{3}));
    QCOMPARE(t.f32()[0], 1.25f);
    QCOMPARE(t.f32()[1], -2.0f);
    QCOMPARE(t.f32()[2], float(1e-3));
  }

  void int64AndScalar() {
    Tensor t = parseNpy(npy(3, "{'descr': '<i8', 'fortran_order': False, 'shape': (1, 2, 2), }",
                            bytesOf<int64_t>({1, -2, 3, int64_t(1) << 40})));
    QCOMPARE(t.dtype(), DType::Int64);
    QCOMPARE(t.shape(), (Shape{1, 2, 2}));
    QCOMPARE(t.toInt64Vector(), (std::vector<int64_t>{1, -2, 3, int64_t(1) << 40}));
    Tensor s = parseNpy(npy(1, "{'descr': '<f4', 'fortran_order': False, 'shape': (), }", bytesOf<float>({7})));
    QCOMPARE(s.rank(), 0);
    QCOMPARE(s.f32()[0], 7.0f);
  }

  void errors() {
    QVERIFY(expectError("hello world, not numpy").contains("bad magic"));
    QVERIFY(expectError(npy(1, "{'descr': '>f4', 'fortran_order': False, 'shape': (1,), }", bytesOf<float>({1})))
                .contains("big-endian"));
    QVERIFY(expectError(npy(1, "{'descr': '<f4', 'fortran_order': True, 'shape': (1,), }", bytesOf<float>({1})))
                .contains("Fortran"));
    QString e = expectError(npy(1, "{'descr': '<i4', 'fortran_order': False, 'shape': (1,), }", bytesOf<int32_t>({1})));
    QVERIFY2(e.contains("unsupported dtype '<i4'") && e.startsWith("x.npy"), qPrintable(e));
    QVERIFY(expectError(npy(1, "{'descr': '<f4', 'fortran_order': False, 'shape': (4,), }", bytesOf<float>({1, 2})))
                .contains("truncated"));
    std::string v4 = npy(1, "{'descr': '<f4', 'fortran_order': False, 'shape': (1,), }", bytesOf<float>({1}));
    v4[6] = 4;
    QVERIFY(expectError(v4).contains("version 4.0"));
    QVERIFY_THROWS_EXCEPTION(Error, loadNpy("/nonexistent/file.npy"));
  }
};

QTEST_MAIN(TestNpy)
#include "test_npy.moc"
