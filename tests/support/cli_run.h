#pragma once
// Runs the built netcanvas-cli (NC_CLI_PATH, set by tests/CMakeLists.txt for the tests that use
// it) as a user would, capturing its exit status, stdout and stderr.
#include <QProcess>
#include <QStringList>
#include <string>

#ifndef NC_CLI_PATH
#error "NC_CLI_PATH must point at the built netcanvas-cli"
#endif

namespace nctest {

struct CliResult {
  int code = -1;  // -1: did not start, timed out or crashed
  std::string out, err;
  std::string log() const { return out + err; }
};

inline CliResult runCli(const QStringList& args, int timeoutMs = 300000) {
  QProcess p;
  p.start(QString::fromUtf8(NC_CLI_PATH), args);
  CliResult r;
  if (!p.waitForFinished(timeoutMs)) {
    p.kill();
    p.waitForFinished();
    r.err = "timed out";
    return r;
  }
  r.code = p.exitStatus() == QProcess::NormalExit ? p.exitCode() : -1;
  r.out = p.readAllStandardOutput().toStdString();
  r.err = p.readAllStandardError().toStdString();
  return r;
}

}  // namespace nctest
