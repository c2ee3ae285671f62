#pragma once
// The NetCanvas main window: the canvas in the centre, panels as docks, File/Edit/View menus,
// status bar with graph totals and evaluation progress, settings, autosave and recovery.
// Dialogs and file choosers live here (app/); ui/ receives paths.
#include <QMainWindow>
#include <QPointer>

#include "core/graph/graph.h"

class QLabel;
class QProgressBar;
class QToolButton;
class QMenu;
class QTimer;
class QUndoView;
class QDockWidget;

namespace ncui {
class Document;
class GraphScene;
class GraphView;
class PaletteWidget;
class InspectorWidget;
class BlockInspector;
class TensorView;
class ProblemsPanel;
}  // namespace ncui

class MainWindow : public QMainWindow {
  Q_OBJECT
 public:
  explicit MainWindow(QWidget* parent = nullptr);
  ~MainWindow() override;

  ncui::Document* document() const { return doc_; }
  ncui::GraphScene* scene() const { return scene_; }
  ncui::GraphView* view() const { return view_; }
  ncui::PaletteWidget* palette() const { return palette_; }
  ncui::InspectorWidget* inspector() const { return inspector_; }
  ncui::BlockInspector* blockInspector() const { return blockInspector_; }
  ncui::TensorView* tensorView() const { return tensorView_; }
  ncui::ProblemsPanel* problems() const { return problems_; }

  // Opens a project or ONNX file; shows an error and keeps the current document on failure.
  bool openFile(const QString& path, bool interactive = true);
  // The message of the last failed openFile().
  QString lastError() const { return lastError_; }
  bool saveTo(const QString& path);
  // Opens a bundled template ("yolo11n") as a new untitled document.
  bool newFromTemplate(const QString& name, bool interactive = true);
  // Saves a block to the user's block library under `name` (asks when empty and interactive).
  bool saveBlockToLibrary(nc::BlockId id, const QString& name = {}, bool interactive = true);
  // Offers recovery of an autosave newer than `path` (or of an untitled session).
  void offerRecovery(const QString& path);
  // `persist`: remember the choice in the settings (not for one-off runs like --screenshot).
  void setDarkTheme(bool dark, bool persist = true);
  // Evaluations shorter than this never show the progress bar (default 300 ms).
  void setProgressDelay(int ms);
  // What the inspector's "load" buttons do once a file is chosen (one undo step each); false
  // with a message box (interactive) or the status bar on error.
  bool loadNpyFile(nc::NodeId id, int port, const QString& path, bool interactive = true);
  bool loadImageFile(nc::NodeId id, const QString& path, bool interactive = true);
  static QString recoveryDir();

 protected:
  void closeEvent(QCloseEvent* e) override;

 private:
  void buildActions();
  void buildDocks();
  QDockWidget* addPanelDock(QWidget* w, const QString& title, const char* name,
                            Qt::DockWidgetArea area);
  QDockWidget* buildPaletteDock();
  QDockWidget* buildInspectorDock();
  void buildProblemsDock();
  void buildHistoryDock();
  void updateTitle();
  void updateTotals();
  void updateRecentMenu();
  void addRecent(const QString& path);
  bool maybeSave();
  void newFile();
  void open();
  bool save();
  bool saveAs();
  void importOnnx();
  void exportOnnx(bool askPath);
  void exportImage();
  void showNode(nc::NodeId id);
  void showBlock(nc::BlockId id);
  void showTensor(nc::NodeId id);
  void updateProblems();
  void onEvaluated();
  void loadNpy(nc::NodeId id, int port);
  void loadImage(nc::NodeId id);

  ncui::Document* doc_;
  ncui::GraphScene* scene_;
  ncui::GraphView* view_;
  QMenu* recentMenu_ = nullptr;
  QMenu* viewMenu_ = nullptr;
  QAction* darkAction_ = nullptr;
  QLabel* totals_;
  QLabel* evalLabel_;
  QProgressBar* progress_;
  QToolButton* cancelEval_;
  QLabel* zoomLabel_;
  QTimer* autosave_;
  QTimer* progressDelay_;
  QUndoView* undoView_ = nullptr;
  ncui::PaletteWidget* palette_ = nullptr;
  ncui::InspectorWidget* inspector_ = nullptr;
  ncui::BlockInspector* blockInspector_ = nullptr;
  class QStackedWidget* inspectorStack_ = nullptr;
  ncui::TensorView* tensorView_ = nullptr;
  ncui::ProblemsPanel* problems_ = nullptr;
  QDockWidget* problemsDock_ = nullptr;
  QString lastError_;
};
