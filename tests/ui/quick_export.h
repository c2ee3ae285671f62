#pragma once
// Ctrl+E as a user presses it: export to the path, opset and block form remembered in the
// settings (no dialog), then read and close the report box the editor shows.
#include <QApplication>
#include <QMessageBox>
#include <QSettings>
#include <QTimer>
#include <QtTest>

// Returns the report's text ("" if no report box appeared).
inline QString quickExport(QWidget* window, const QString& path, bool functions) {
  QSettings s;
  s.setValue("export/path", path);
  s.setValue("export/opset", 17);
  s.setValue("export/functions", functions);
  QString report;
  QTimer::singleShot(0, window, [&] {
    QTRY_VERIFY(QApplication::activeModalWidget());
    auto* box = qobject_cast<QMessageBox*>(QApplication::activeModalWidget());
    QVERIFY(box);
    report = box->text();
    box->accept();
  });
  window->activateWindow();
  QTest::keyClick(window, Qt::Key_E, Qt::ControlModifier);
  s.remove("export/path");
  s.remove("export/functions");
  return report;
}
