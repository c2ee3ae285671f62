// netcanvas [FILE]                              open the editor (on a project or .onnx file)
// netcanvas --screenshot OUT.png FILE           load, evaluate, select the last node, frame all,
//                                               render the window offscreen to OUT.png, exit
// netcanvas --template yolo11n [--screenshot OUT.png [--size WxH]]
//                                               open a bundled template (blocks collapsed)
// netcanvas --bench-canvas N                    open + lay out an N-node generated graph and
//                                               measure ms per frame while panning (offscreen)
#include <QApplication>
#include <QCommandLineParser>
#include <QElapsedTimer>
#include <QScrollBar>
#include <QTimer>
#include <cstdio>
#include <cstdlib>
#include <ctime>
#include <tuple>

#include "app/main_window.h"
#include "core/base/error.h"
#include "ui/document.h"
#include "ui/graph_scene.h"
#include "ui/graph_view.h"
#include "ui/node_item.h"
#include "ui/synthetic_graph.h"

namespace {

// CPU time of this thread: the machine may be shared, wall time alone would measure the load.
double threadCpuMs() {
  timespec ts;
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
  return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

void selectLastNode(MainWindow& w) {
  const nc::Graph& g = w.document()->graph();
  nc::NodeId last = nc::kNoNode;
  for (nc::NodeId id : g.topologicalOrder())
    if (g.node(id).numOutputs > 0) last = id;  // the last node that computes a tensor
  if (last == nc::kNoNode) return;
  // A node hidden in a collapsed block is shown by the block.
  if (nc::BlockId b = g.visibleBlock(last); b != nc::kNoBlock)
    w.scene()->selectBlocks({b});
  else
    w.scene()->selectNodes({last});
}

// `file` is a path, or "template:NAME".
int screenshot(const QString& out, const QString& file, int dark, QSize size) {
  MainWindow w;
  if (dark >= 0) w.setDarkTheme(dark == 1, false);
  w.resize(size);
  w.show();
  bool opened = file.startsWith("template:") ? w.newFromTemplate(file.mid(9), false)
                                             : w.openFile(file, false);
  if (!opened) {
    std::fprintf(stderr, "netcanvas: %s\n", qPrintable(w.lastError()));
    return 1;
  }
  if (!w.document()->evaluation()->waitForIdle(300000)) {
    std::fprintf(stderr, "netcanvas: evaluation of %s did not finish\n", qPrintable(file));
    return 1;
  }
  selectLastNode(w);
  QApplication::processEvents();
  w.view()->frameAll();
  QApplication::processEvents();
  QImage img = w.grab().toImage();
  if (!img.save(out)) {
    std::fprintf(stderr, "netcanvas: cannot write %s\n", qPrintable(out));
    return 1;
  }
  return 0;
}

int benchCanvas(int n) {
  MainWindow w;
  w.resize(1600, 1000);
  w.show();
  QApplication::processEvents();
  ncui::Document* doc = w.document();
  QElapsedTimer t;
  t.start();
  nc::Graph g = ncui::syntheticGraph(n);
  double genMs = t.nsecsElapsed() / 1e6;
  t.restart();
  double c0 = threadCpuMs();
  doc->setGraph(g, QString());
  QApplication::processEvents();
  double openMs = t.nsecsElapsed() / 1e6, openCpu = threadCpuMs() - c0;
  t.restart();
  c0 = threadCpuMs();
  doc->autoLayout();
  w.view()->frameAll();
  QApplication::processEvents();
  double layoutMs = t.nsecsElapsed() / 1e6, layoutCpu = threadCpuMs() - c0;
  t.restart();
  doc->evaluation()->waitForIdle(600000);
  double evalMs = t.nsecsElapsed() / 1e6;

  auto pan = [&](int frames) {
    QScrollBar* h = w.view()->horizontalScrollBar();
    QScrollBar* v = w.view()->verticalScrollBar();
    QElapsedTimer ft;
    double worst = 0, total = 0, cpu0 = threadCpuMs();
    for (int i = 0; i < frames; ++i) {
      ft.restart();
      h->setValue(h->value() + ((i / 15) % 2 ? -37 : 37));
      v->setValue(v->value() + ((i / 10) % 2 ? -23 : 23));
      w.view()->viewport()->repaint();
      double ms = ft.nsecsElapsed() / 1e6;
      worst = std::max(worst, ms);
      total += ms;
    }
    return std::tuple<double, double, double>(total / frames, worst,
                                              (threadCpuMs() - cpu0) / frames);
  };
  double framedZoom = w.view()->zoom();
  auto [allAvg, allWorst, allCpu] = pan(60);  // everything visible: level-of-detail boxes
  ncui::GraphView* view = w.view();
  view->setZoom(1.0, w.scene()->contentRect().center());
  QApplication::processEvents();
  auto [detAvg, detWorst, detCpu] = pan(60);  // full detail with thumbnails
  std::printf("netcanvas canvas benchmark: %d nodes, %zu connections\n", int(doc->graph().size()),
              doc->graph().connections().size());
  std::printf("  generate graph        %8.1f ms\n", genMs);
  std::printf("  open (model->scene)   %8.1f ms (%.1f ms CPU)\n", openMs, openCpu);
  std::printf("  auto layout + frame   %8.1f ms (%.1f ms CPU)\n", layoutMs, layoutCpu);
  std::printf("  evaluation (bg)       %8.1f ms (finished after layout)\n", evalMs);
  std::printf("  pan, all visible      %8.2f ms/frame avg (%.2f ms CPU), %.2f worst (zoom %.3f)\n",
              allAvg, allCpu, allWorst, framedZoom);
  std::printf("  pan, 100%% zoom        %8.2f ms/frame avg (%.2f ms CPU), %.2f worst\n", detAvg,
              detCpu, detWorst);
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  bool headless = false;
  for (int i = 1; i < argc; ++i) {
    std::string a = argv[i];
    if (a == "--screenshot" || a == "--bench-canvas") headless = true;
  }
  if (headless && !std::getenv("QT_QPA_PLATFORM")) setenv("QT_QPA_PLATFORM", "offscreen", 1);
  if (headless) {
    // Offscreen runs report their own errors in one line; drop Qt's platform chatter.
    qInstallMessageHandler([](QtMsgType type, const QMessageLogContext&, const QString& msg) {
      if (type == QtCriticalMsg || type == QtFatalMsg)
        std::fprintf(stderr, "%s\n", qPrintable(msg));
    });
  }
  QGuiApplication::setHighDpiScaleFactorRoundingPolicy(
      Qt::HighDpiScaleFactorRoundingPolicy::PassThrough);
  QApplication app(argc, argv);
  QApplication::setOrganizationName("NetCanvas");
  QApplication::setApplicationName("NetCanvas");
  QApplication::setApplicationVersion("0.1.0");

  QCommandLineParser parser;
  parser.setApplicationDescription("NetCanvas: a node-graph editor for neural-network layers");
  parser.addHelpOption();
  parser.addVersionOption();
  QCommandLineOption shot("screenshot", "Render the window with FILE loaded to OUT.png and exit.",
                          "OUT.png");
  QCommandLineOption bench("bench-canvas", "Benchmark the canvas on an N-node generated graph.",
                           "N");
  QCommandLineOption theme("theme", "Theme for this run: light or dark (default: as last used).",
                           "NAME");
  QCommandLineOption sizeOpt("size", "Window size for --screenshot (default 1600x1000).", "WxH");
  parser.addOption(sizeOpt);
  QCommandLineOption tmpl("template", "Start from a bundled template (yolo11n).", "NAME");
  parser.addOption(tmpl);
  parser.addOption(shot);
  parser.addOption(theme);
  parser.addOption(bench);
  parser.addPositionalArgument("FILE", "A NetCanvas project (.ncproj) or ONNX model (.onnx).");
  parser.process(app);
  QStringList args = parser.positionalArguments();

  if (parser.isSet(bench)) {
    bool ok = false;
    int n = parser.value(bench).toInt(&ok);
    if (!ok || n < 3) {
      std::fprintf(stderr, "netcanvas: --bench-canvas needs a node count >= 3\n");
      return 2;
    }
    return benchCanvas(n);
  }
  if (parser.isSet(shot)) {
    if (args.size() != (parser.isSet(tmpl) ? 0 : 1)) {
      std::fprintf(stderr,
                   "netcanvas: --screenshot OUT.png needs exactly one FILE or --template NAME\n");
      return 2;
    }
    int dark = !parser.isSet(theme) ? -1 : parser.value(theme) == "dark" ? 1 : 0;
    QSize size(1600, 1000);
    if (parser.isSet(sizeOpt)) {
      QStringList wh = parser.value(sizeOpt).split('x');
      bool okW = false, okH = false;
      if (wh.size() == 2) size = QSize(wh[0].toInt(&okW), wh[1].toInt(&okH));
      if (!okW || !okH || size.width() < 200 || size.height() < 200) {
        std::fprintf(stderr, "netcanvas: --size needs WxH, e.g. 2400x1400\n");
        return 2;
      }
    }
    return screenshot(parser.value(shot),
                      parser.isSet(tmpl) ? "template:" + parser.value(tmpl) : args.front(), dark,
                      size);
  }

  MainWindow w;
  w.show();
  QString file = args.isEmpty() ? QString() : args.front();
  if (parser.isSet(tmpl)) {
    if (!w.newFromTemplate(parser.value(tmpl), false)) {
      std::fprintf(stderr, "netcanvas: %s\n", qPrintable(w.lastError()));
      return 2;
    }
  } else if (!file.isEmpty()) {
    w.openFile(file);
  }
  QTimer::singleShot(0, &w, [&w] { w.offerRecovery(w.document()->path()); });
  return app.exec();
}
