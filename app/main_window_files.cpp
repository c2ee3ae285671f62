// MainWindow's file actions: recent files, open/save/recovery, ONNX import/export, canvas image,
// and closing with unsaved changes.
#include <QApplication>
#include <QCheckBox>
#include <QCloseEvent>
#include <QComboBox>
#include <QDialog>
#include <QDialogButtonBox>
#include <QFileDialog>
#include <QFileInfo>
#include <QFormLayout>
#include <QHBoxLayout>
#include <QLabel>
#include <QMenu>
#include <QMessageBox>
#include <QSettings>
#include <QStatusBar>
#include <QToolButton>

#include "app/main_window.h"
#include "ui/document.h"
#include "ui/export_check.h"
#include "ui/graph_scene.h"
#include "ui/graph_view.h"

using namespace ncui;

namespace {
constexpr int kMaxRecent = 10;
}  // namespace

void MainWindow::updateRecentMenu() {
  recentMenu_->clear();
  QStringList recent = QSettings().value("files/recent").toStringList();
  for (const QString& p : recent)
    recentMenu_
        ->addAction(QFileInfo(p).fileName(), this,
                    [this, p] {
                      if (maybeSave()) openFile(p);
                    })
        ->setToolTip(p);
  recentMenu_->setEnabled(!recent.isEmpty());
}

void MainWindow::addRecent(const QString& path) {
  QSettings s;
  QStringList recent = s.value("files/recent").toStringList();
  QString abs = QFileInfo(path).absoluteFilePath();
  recent.removeAll(abs);
  recent.prepend(abs);
  while (recent.size() > kMaxRecent) recent.removeLast();
  s.setValue("files/recent", recent);
  updateRecentMenu();
}

bool MainWindow::openFile(const QString& path, bool interactive) {
  try {
    doc_->load(path);
  } catch (const std::exception& e) {
    QString msg =
        tr("Cannot open %1: %2").arg(QFileInfo(path).fileName(), QString::fromUtf8(e.what()));
    lastError_ = QString::fromUtf8(e.what());
    if (interactive) QMessageBox::critical(this, tr("Open failed"), msg);
    statusBar()->showMessage(msg, 10000);
    return false;
  }
  addRecent(path);
  view_->frameAll();
  statusBar()->showMessage(tr("Opened %1").arg(path), 4000);
  return true;
}

void MainWindow::offerRecovery(const QString& path) {
  QString r = Document::pendingRecovery(path, recoveryDir());
  if (r.isEmpty()) return;
  auto answer = QMessageBox::question(
      this, tr("Recover unsaved changes?"),
      tr("NetCanvas found unsaved changes to %1 from %2 that are newer than the file. Recover "
         "them?")
          .arg(path.isEmpty() ? tr("an untitled graph") : QFileInfo(path).fileName(),
               QFileInfo(r).lastModified().toString()),
      QMessageBox::Yes | QMessageBox::No);
  if (answer == QMessageBox::Yes) {
    try {
      doc_->recoverFrom(r, path);
      view_->frameAll();
    } catch (const std::exception& e) {
      QMessageBox::critical(this, tr("Recovery failed"), QString::fromUtf8(e.what()));
    }
  } else {
    Document::removeRecovery(path, recoveryDir());
  }
}

bool MainWindow::maybeSave() {
  if (!doc_->isModified()) return true;
  auto b = QMessageBox::warning(this, tr("Unsaved changes"),
                                tr("%1 has unsaved changes. Save them?").arg(doc_->displayName()),
                                QMessageBox::Save | QMessageBox::Discard | QMessageBox::Cancel);
  if (b == QMessageBox::Save) return save();
  return b == QMessageBox::Discard;
}

void MainWindow::newFile() {
  if (!maybeSave()) return;
  Document::removeRecovery(doc_->path(), recoveryDir());
  doc_->newDocument();
  view_->frameAll();
}

void MainWindow::open() {
  if (!maybeSave()) return;
  QSettings s;
  QString path = QFileDialog::getOpenFileName(
      this, tr("Open"), s.value("files/lastDir").toString(),
      tr("NetCanvas projects and ONNX models (*.ncproj *.onnx);;All files (*)"));
  if (path.isEmpty()) return;
  s.setValue("files/lastDir", QFileInfo(path).absolutePath());
  if (openFile(path)) offerRecovery(doc_->path());
}

bool MainWindow::saveTo(const QString& path) {
  try {
    QString old = doc_->path();
    doc_->save(path);
    Document::removeRecovery(old, recoveryDir());
    Document::removeRecovery(path, recoveryDir());
  } catch (const std::exception& e) {
    QMessageBox::critical(this, tr("Save failed"),
                          tr("Cannot save %1: %2").arg(path, QString::fromUtf8(e.what())));
    return false;
  }
  addRecent(path);
  statusBar()->showMessage(tr("Saved %1").arg(path), 4000);
  return true;
}

bool MainWindow::save() {
  if (doc_->path().isEmpty()) return saveAs();
  return saveTo(doc_->path());
}

bool MainWindow::saveAs() {
  QSettings s;
  QString path =
      QFileDialog::getSaveFileName(this, tr("Save As"), s.value("files/lastDir").toString(),
                                   tr("NetCanvas projects (*.ncproj)"));
  if (path.isEmpty()) return false;
  if (QFileInfo(path).suffix().isEmpty()) path += ".ncproj";
  s.setValue("files/lastDir", QFileInfo(path).absolutePath());
  return saveTo(path);
}

void MainWindow::importOnnx() {
  if (!maybeSave()) return;
  QSettings s;
  QString path = QFileDialog::getOpenFileName(
      this, tr("Import ONNX"), s.value("files/lastDir").toString(), tr("ONNX models (*.onnx)"));
  if (path.isEmpty()) return;
  try {
    doc_->importOnnx(path);
  } catch (const std::exception& e) {
    QMessageBox::critical(
        this, tr("Import failed"),
        tr("Cannot import %1: %2").arg(QFileInfo(path).fileName(), QString::fromUtf8(e.what())));
    return;
  }
  view_->frameAll();
}

void MainWindow::exportOnnx(bool askPath) {
  QSettings s;
  QString path = s.value("export/path").toString();
  nc::ExportOptions options;
  options.opset = s.value("export/opset", 17).toInt();
  options.functions = s.value("export/functions", false).toBool();
  if (askPath || path.isEmpty()) {
    QDialog dlg(this);
    dlg.setWindowTitle(tr("Export ONNX"));
    auto* form = new QFormLayout(&dlg);
    auto* pathLabel = new QLabel(path.isEmpty() ? tr("(choose a file)") : path);
    auto* browse = new QToolButton;
    browse->setText(tr("Choose…"));
    auto* row = new QWidget;
    auto* rowLayout = new QHBoxLayout(row);
    rowLayout->setContentsMargins(0, 0, 0, 0);
    rowLayout->addWidget(pathLabel, 1);
    rowLayout->addWidget(browse);
    auto* opsetBox = new QComboBox;
    opsetBox->addItems({"17", "18"});
    opsetBox->setCurrentText(QString::number(options.opset));
    auto* functionsBox = new QCheckBox(tr("Blocks as ONNX functions"));
    functionsBox->setChecked(options.functions);
    functionsBox->setToolTip(tr("Off: every block inlined (the widest runtime support). On: each "
                                "composite block becomes a model-local ONNX function; blocks of one "
                                "structure share one function."));
    form->addRow(tr("File"), row);
    form->addRow(tr("Opset"), opsetBox);
    form->addRow(tr("Blocks"), functionsBox);
    auto* buttons = new QDialogButtonBox(QDialogButtonBox::Ok | QDialogButtonBox::Cancel);
    form->addRow(buttons);
    QString chosen = path;
    connect(browse, &QToolButton::clicked, &dlg, [&] {
      QString def =
          chosen.isEmpty() ? QFileInfo(doc_->path()).completeBaseName() + ".onnx" : chosen;
      QString p =
          QFileDialog::getSaveFileName(&dlg, tr("Export ONNX"), def, tr("ONNX models (*.onnx)"));
      if (!p.isEmpty()) {
        if (QFileInfo(p).suffix().isEmpty()) p += ".onnx";
        chosen = p;
        pathLabel->setText(p);
      }
    });
    connect(buttons, &QDialogButtonBox::accepted, &dlg, &QDialog::accept);
    connect(buttons, &QDialogButtonBox::rejected, &dlg, &QDialog::reject);
    if (dlg.exec() != QDialog::Accepted || chosen.isEmpty()) return;
    path = chosen;
    options.opset = opsetBox->currentText().toInt();
    options.functions = functionsBox->isChecked();
    s.setValue("export/path", path);
    s.setValue("export/opset", options.opset);
    s.setValue("export/functions", options.functions);
  }
  doc_->evaluation()->waitForIdle(120000);  // compare against up-to-date previews
  std::map<std::string, nc::Tensor> inputs, outputs;
  editorTensors(doc_->graph(), *doc_->evaluation(), inputs, outputs);
  QApplication::setOverrideCursor(Qt::WaitCursor);
  ExportCheck r = exportAndVerify(doc_->graph(), path.toStdString(), options, inputs, outputs);
  QApplication::restoreOverrideCursor();
  QMessageBox box(
      r.ok() ? QMessageBox::Information : QMessageBox::Warning,
      r.ok() ? tr("Exported and validated") : tr("Export problems"),
      (r.written ? tr("Wrote %1 (opset %2%3).")
                       .arg(path)
                       .arg(options.opset)
                       .arg(options.functions ? tr(", blocks as functions") : QString())
                 : tr("Nothing was written.")) +
          "\n\n" + r.summary(),
      QMessageBox::Ok, this);
  box.exec();
  statusBar()->showMessage(
      r.ok() ? tr("Exported %1").arg(path) : tr("Export of %1 had problems").arg(path), 6000);
}

void MainWindow::exportImage() {
  QSettings s;
  QString path = QFileDialog::getSaveFileName(this, tr("Export Canvas Image"),
                                              s.value("files/lastImage").toString(),
                                              tr("PNG image (*.png);;SVG drawing (*.svg)"));
  if (path.isEmpty()) return;
  if (QFileInfo(path).suffix().isEmpty()) path += ".png";
  s.setValue("files/lastImage", path);
  if (!scene_->exportImage(path))
    QMessageBox::critical(this, tr("Export failed"), tr("Cannot write %1").arg(path));
}

void MainWindow::closeEvent(QCloseEvent* e) {
  if (!maybeSave()) {
    e->ignore();
    return;
  }
  Document::removeRecovery(doc_->path(), recoveryDir());
  QSettings s;
  s.setValue("window/geometry", saveGeometry());
  s.setValue("window/state", saveState());
  e->accept();
}
