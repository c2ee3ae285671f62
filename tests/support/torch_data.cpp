#include "tests/support/torch_data.h"

#include <QProcess>
#include <QString>
#include <QStringList>
#include <chrono>
#include <cstdio>
#include <filesystem>

#ifndef NC_TORCH_YOLO11_DIR
#error "NC_TORCH_YOLO11_DIR must name the directory the YOLO11n test data is generated into"
#endif

namespace fs = std::filesystem;

namespace nctest {

std::string ensureTorchYolo11n(std::string* dir) {
  const fs::path out = NC_TORCH_YOLO11_DIR, data = fs::path(NC_SOURCE_DIR) / "tests" / "data";
  const fs::path model = out / "model.onnx", script = data / "make_yolo11n.py", blocks = data / "make_yolo_blocks.py";
  *dir = out.string();
  std::error_code ec;
  if (fs::exists(model, ec) && fs::last_write_time(model, ec) > fs::last_write_time(script, ec) &&
      fs::last_write_time(model, ec) > fs::last_write_time(blocks, ec))
    return {};
  const char* python = "/usr/bin/python3";  // Debian's, where python3-torch and python3-onnx live
  const std::string what = std::string(python) + " " + script.string() + " " + out.string();
  auto t0 = std::chrono::steady_clock::now();
  QProcess p;
  p.setProcessChannelMode(QProcess::MergedChannels);
  p.start(python, {QString::fromStdString(script.string()), QString::fromStdString(out.string())});
  const bool ran = p.waitForStarted() && p.waitForFinished(600000);
  const std::string log = p.readAll().toStdString();
  if (!ran || p.exitStatus() != QProcess::NormalExit || p.exitCode() != 0)
    return "generating the PyTorch YOLO11n failed (" + what +
           "); it needs Debian's python3-torch and python3-onnx, which `bash tools/dev.sh test` installs" +
           (log.empty() ? std::string() : ":\n" + log);
  std::printf("generated %s in %.1f s\n", model.string().c_str(),
              std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count());
  return {};
}

}  // namespace nctest
