#include "ui/document.h"

#include <QDir>
#include <QFileInfo>
#include <QJsonDocument>
#include <QJsonObject>
#include <cmath>
#include <set>

#include "core/base/error.h"
#include "core/blocks/library.h"
#include "core/blocks/recognize.h"
#include "core/blocks/yolo11.h"
#include "core/graph/param_init.h"
#include "core/layout/layout.h"
#include "core/ops/registry.h"
#include "core/project/project.h"
#include "ui/block_layout.h"
#include "ui/card_geometry.h"
#include "ui/commands.h"

namespace ncui {

Document::Document(QObject* parent)
    : QObject(parent),
      signals_(new GraphSignals(graph_, this)),
      stack_(new QUndoStack(this)),
      eval_(new EvalService(this)) {
  auto edited = [this] { dirty_ = true; };
  connect(signals_, &GraphSignals::nodeAddedSignal, this, edited);
  connect(signals_, &GraphSignals::nodeRemovedSignal, this, edited);
  connect(signals_, &GraphSignals::connectionAddedSignal, this, edited);
  connect(signals_, &GraphSignals::connectionRemovedSignal, this, edited);
  connect(signals_, &GraphSignals::nodeChangedSignal, this, edited);
  // After every command (push, merge, undo, redo): new shapes and a new evaluation.
  connect(stack_, &QUndoStack::indexChanged, this, [this] { onGraphEdited(); });
  connect(stack_, &QUndoStack::cleanChanged, this,
          [this](bool clean) { Q_EMIT modifiedChanged(!clean); });
  connect(eval_, &EvalService::finished, this, &Document::evaluated);
  refresh();
}

Document::~Document() {
  // Children would be deleted after graph_ is gone; the adapter detaches from graph_ and the
  // evaluation thread stops first.
  delete eval_;
  delete signals_;
  // The stack is deleted after graph_: its last indexChanged (from clear()) must reach nobody.
  stack_->blockSignals(true);
}

void Document::onGraphEdited() {
  if (!dirty_) return;
  refresh();
}

void Document::inferNow() {
  dirty_ = false;
  shapes_ = nc::inferShapes(graph_);
  ++shapesGeneration_;
}

void Document::refresh() {
  inferNow();
  Q_EMIT shapesChanged();
  eval_->schedule(graph_);
}

// ---- edits ----

nc::NodeId Document::addNode(const QString& op, QPointF pos, const QString& name) {
  if (!nc::findOp(op.toStdString())) {
    Q_EMIT message(tr("Unknown op type '%1'").arg(op));
    return nc::kNoNode;
  }
  auto* cmd = new AddNodeCommand(graph_, op.toStdString(), pos, name.toStdString());
  stack_->push(cmd);
  return cmd->nodeId();
}

void Document::deleteNodes(const std::vector<nc::NodeId>& ids) {
  std::vector<nc::NodeId> valid;
  for (nc::NodeId id : ids)
    if (graph_.contains(id)) valid.push_back(id);
  if (valid.empty()) return;
  stack_->push(new DeleteNodesCommand(graph_, valid));
}

void Document::moveNodes(const std::map<nc::NodeId, QPointF>& positions, int dragId,
                         const std::map<nc::BlockId, QPointF>& blockPositions) {
  std::map<nc::NodeId, QPointF> valid;
  for (auto& [id, p] : positions)
    if (graph_.contains(id)) valid[id] = p;
  std::map<nc::BlockId, QPointF> validBlocks;
  for (auto& [id, p] : blockPositions)
    if (graph_.containsBlock(id)) validBlocks[id] = p;
  if (valid.empty() && validBlocks.empty()) return;
  stack_->push(new MoveNodesCommand(graph_, valid, dragId, {}, validBlocks));
}

QString Document::connectionProblem(nc::PortRef from, nc::PortRef to) const {
  const nc::Node* src = graph_.findNode(from.node);
  const nc::Node* dst = graph_.findNode(to.node);
  if (!src || !dst) return tr("No such node");
  if (from.port < 0 || from.port >= src->numOutputs)
    return tr("'%1' has no output %2").arg(QString::fromStdString(src->name)).arg(from.port);
  if (to.port < 0 || to.port >= int(dst->inputs.size()))
    return tr("'%1' has no input %2").arg(QString::fromStdString(dst->name)).arg(to.port);
  if (dst->inputs[size_t(to.port)].source)
    return tr("Input %1 of '%2' is already connected; disconnect it first")
        .arg(to.port)
        .arg(QString::fromStdString(dst->name));
  if (graph_.wouldCreateCycle(from, to))
    return tr("Connecting '%1' to '%2' would create a cycle")
        .arg(QString::fromStdString(src->name), QString::fromStdString(dst->name));
  return {};
}

bool Document::connectPorts(nc::PortRef from, nc::PortRef to) {
  QString problem = connectionProblem(from, to);
  if (!problem.isEmpty()) {
    Q_EMIT message(problem);
    return false;
  }
  // Connecting a node's data input makes its weight shapes known: required parameters that
  // are still unbound get initialised in the same undo step, so a BatchNorm or Conv dropped
  // from the palette computes (and previews) as soon as it is wired.
  const nc::Node& dst = graph_.node(to.node);
  const nc::OpSpec* spec = nc::findOp(dst.op);
  std::vector<int> missing;
  if (spec && to.port == 0)
    for (int i = 1; i < int(dst.inputs.size()) && i < int(spec->inputs.size()); ++i) {
      const nc::PortSpec& ps = spec->inputs[size_t(i)];
      const nc::InputBinding& b = dst.inputs[size_t(i)];
      if (ps.param && !ps.optional && !b.source && b.constant.empty()) missing.push_back(i);
    }
  if (missing.empty()) {
    stack_->push(new ConnectCommand(graph_, from, to));
    return true;
  }
  auto* connect = new ConnectCommand(graph_, from, to);
  stack_->beginMacro(connect->text() + tr(" (initialise weights)"));
  stack_->push(connect);
  nc::ShapeInfo si = nc::inferShapes(graph_);
  const nc::Node& node = graph_.node(to.node);
  std::vector<std::optional<nc::TensorType>> types;
  for (int i = 0; i < int(node.inputs.size()); ++i)
    types.push_back(si.inputType(graph_, {to.node, i}));
  for (int port : missing) {
    std::optional<nc::Shape> shape = nc::suggestParamShape(*spec, node, port, types);
    if (!shape || shape->empty()) continue;
    bool known = true;
    for (int64_t d : *shape) known = known && d > 0;
    if (!known) continue;
    // The inspector's defaults, seeded by node and port so that the result is reproducible.
    const nc::InitScheme scheme = nc::defaultInitScheme(*spec, port, shape);
    stack_->push(new SetConstantCommand(
        graph_, to.node, port,
        nc::initialise(scheme, *shape, nc::defaultInitSeed(to.node, port))));
  }
  stack_->endMacro();
  return true;
}

void Document::disconnectPort(nc::PortRef to) {
  const nc::Node* n = graph_.findNode(to.node);
  if (!n || to.port < 0 || to.port >= int(n->inputs.size()) || !n->inputs[size_t(to.port)].source)
    return;
  stack_->push(new DisconnectCommand(graph_, to));
}

void Document::setAttribute(nc::NodeId id, const QString& name, const nc::AttrValue& value) {
  if (!graph_.contains(id)) return;
  const nc::Node& n = graph_.node(id);
  const nc::OpSpec* spec = nc::findOp(n.op);
  const nc::AttrSpec* a = spec ? spec->findAttr(name.toStdString()) : nullptr;
  if (!a || nc::attrTypeOf(value) != a->type) {
    Q_EMIT message(
        tr("%1 has no %2 attribute '%3'")
            .arg(QString::fromStdString(n.op), nc::attrTypeName(nc::attrTypeOf(value)), name));
    return;
  }
  if (auto it = n.attrs.find(name.toStdString());
      it != n.attrs.end() && nc::attrEquals(it->second, value))
    return;
  stack_->push(new SetAttributeCommand(graph_, id, name.toStdString(), value));
}

void Document::clearAttribute(nc::NodeId id, const QString& name) {
  if (!graph_.contains(id) || !graph_.node(id).attrs.count(name.toStdString())) return;
  stack_->push(new SetAttributeCommand(graph_, id, name.toStdString(), std::nullopt));
}

void Document::setConstant(nc::NodeId id, int port, const nc::Tensor& value) {
  if (!graph_.contains(id) || port < 0 || port >= int(graph_.node(id).inputs.size())) return;
  stack_->push(new SetConstantCommand(graph_, id, port, value));
}

bool Document::setInputCount(nc::NodeId id, int count) {
  const nc::Node* n = graph_.findNode(id);
  const nc::OpSpec* spec = n ? nc::findOp(n->op) : nullptr;
  if (!spec || spec->inputs.empty() || !spec->inputs.back().variadic) {
    Q_EMIT message(
        tr("%1 has a fixed number of inputs").arg(n ? QString::fromStdString(n->op) : QString()));
    return false;
  }
  if (count < int(spec->inputs.size())) {
    Q_EMIT message(tr("%1 needs at least %2 input(s)")
                       .arg(QString::fromStdString(n->op))
                       .arg(spec->inputs.size()));
    return false;
  }
  if (count == int(n->inputs.size())) return true;
  stack_->push(new SetInputCountCommand(graph_, id, count));
  return true;
}

bool Document::rename(nc::NodeId id, const QString& name) {
  if (!graph_.contains(id)) return false;
  std::string s = name.trimmed().toStdString();
  if (s == graph_.node(id).name) return true;
  if (s.empty()) {
    Q_EMIT message(tr("A node name cannot be empty"));
    return false;
  }
  if (graph_.findByName(s)) {
    Q_EMIT message(tr("A node named '%1' already exists").arg(name));
    return false;
  }
  stack_->push(new RenameCommand(graph_, id, s));
  return true;
}

// The clipboard payload is a small JSON envelope around the project format (the sub-graph of
// the copied nodes, weights base64-encoded), so copy/paste shares the project's validation.
QByteArray Document::copy(const std::vector<nc::NodeId>& ids) const {
  std::set<nc::NodeId> chosen(ids.begin(), ids.end());
  nc::Graph sub;
  // Blocks lying wholly inside the selection travel with it (parents first, so that each
  // block's parent is either copied already or left out).
  std::set<nc::BlockId> whole;
  for (auto& [bid, b] : graph_.blocks()) {
    std::vector<nc::NodeId> inside = graph_.blockNodes(bid);
    bool all = !inside.empty();
    for (nc::NodeId n : inside) all = all && chosen.count(n);
    if (all) whole.insert(bid);
  }
  auto nearestCopied = [&](nc::BlockId b) {
    while (b != nc::kNoBlock && !whole.count(b)) b = graph_.block(b).parent;
    return b;
  };
  for (size_t added = 0, pass = 0; added < whole.size() && pass <= whole.size(); ++pass)
    for (nc::BlockId bid : whole) {
      if (sub.containsBlock(bid)) continue;
      nc::Block b = graph_.block(bid);
      b.parent = nearestCopied(b.parent);
      if (b.parent != nc::kNoBlock && !sub.containsBlock(b.parent)) continue;
      sub.addBlock(b);
      ++added;
    }
  for (nc::NodeId id : graph_.topologicalOrder())  // sources before consumers
    if (chosen.count(id)) {
      nc::Node n = graph_.node(id);
      n.block = nearestCopied(n.block);
      sub.restoreNode(n);
    }
  nc::ProjectBytes pb = nc::serializeProject(sub);
  QJsonObject o;
  o["format"] = "netcanvas-clipboard";
  o["project"] = QString::fromStdString(pb.json);
  o["weights"] = QString::fromLatin1(QByteArray::fromStdString(pb.weights).toBase64());
  return QJsonDocument(o).toJson(QJsonDocument::Compact);
}

std::vector<nc::NodeId> Document::paste(const QByteArray& payload, QPointF offset) {
  QJsonObject o = QJsonDocument::fromJson(payload).object();
  if (o.value("format").toString() != "netcanvas-clipboard") {
    Q_EMIT message(tr("The clipboard holds no NetCanvas nodes"));
    return {};
  }
  nc::Graph frag;
  try {
    frag = nc::deserializeProject(
        o.value("project").toString().toStdString(),
        QByteArray::fromBase64(o.value("weights").toString().toLatin1()).toStdString());
  } catch (const std::exception& e) {
    Q_EMIT message(tr("Cannot paste: %1").arg(e.what()));
    return {};
  }
  if (frag.size() == 0) return {};
  if (!frag.blocks().empty()) return pasteWithBlocks(frag, offset);
  std::vector<nc::Node> nodes;
  for (nc::NodeId id : frag.nodeIds()) nodes.push_back(frag.node(id));
  auto* cmd = new InsertNodesCommand(
      graph_, nodes, frag.connections(), offset,
      frag.size() == 1 ? tr("Paste node") : tr("Paste %1 nodes").arg(frag.size()));
  stack_->push(cmd);
  return cmd->insertedIds();
}

// Nodes with fresh ids and unique names, their blocks with fresh ids and unique names, shifted
// by `offset`; one GraphEditCommand.
std::vector<nc::NodeId> Document::pasteWithBlocks(const nc::Graph& frag, QPointF offset) {
  std::vector<nc::NodeId> inserted;
  pushEdit(tr("Paste %1 nodes").arg(frag.size()), [&](nc::Graph& g) {
    inserted.clear();
    std::map<nc::BlockId, nc::BlockId> blockMap;
    blockMap[nc::kNoBlock] = nc::kNoBlock;
    for (size_t pass = 0; blockMap.size() <= frag.blocks().size() && pass <= frag.blocks().size();
         ++pass)
      for (auto& [bid, b] : frag.blocks()) {
        if (blockMap.count(bid) || !blockMap.count(b.parent)) continue;
        nc::Block nb = b;
        nb.id = nc::kNoBlock;
        nb.parent = blockMap[b.parent];
        nb.x += offset.x();
        nb.y += offset.y();
        blockMap[bid] = g.addBlock(nb);
      }
    std::map<nc::NodeId, nc::NodeId> idMap;
    nc::NodeId next = g.nextId();
    for (nc::NodeId id : frag.nodeIds()) idMap[id] = next++;
    for (nc::NodeId id : frag.topologicalOrder()) {
      nc::Node n = frag.node(id);
      n.id = idMap[id];
      n.name = g.uniqueName(n.name);
      n.x += offset.x();
      n.y += offset.y();
      n.block = blockMap.count(n.block) ? blockMap[n.block] : nc::kNoBlock;
      for (auto& in : n.inputs)
        if (in.source) in.source->node = idMap[in.source->node];
      g.restoreNode(n);
      inserted.push_back(n.id);
    }
    std::sort(inserted.begin(), inserted.end());
  });
  return inserted;
}

std::vector<nc::NodeId> Document::duplicate(const std::vector<nc::NodeId>& ids, QPointF offset) {
  if (ids.empty()) return {};
  return paste(copy(ids), offset);
}

namespace {

// Layout with the heights the canvas will draw, so tall nodes never overlap.
std::vector<nc::NodePosition> layoutFor(const nc::Graph& g) {
  nc::LayoutOptions opt;
  opt.layerSpacing = card::kWidth + 90;
  opt.nodeHeight = [&g](nc::NodeId id) { return card::estimatedNodeHeight(g, id); };
  opt.verticalGap = 36;
  return nc::layeredLayout(g, opt);
}

}  // namespace

void Document::autoLayout() {
  if (graph_.size() == 0) return;
  if (!graph_.blocks().empty()) {
    pushEdit(tr("Auto layout"), [](nc::Graph& g) { layOutVisibleItems(g, nc::kNoBlock); });
    return;
  }
  std::map<nc::NodeId, QPointF> to;
  for (const nc::NodePosition& p : layoutFor(graph_)) to[p.id] = QPointF(p.x, p.y);
  auto* cmd = new MoveNodesCommand(graph_, to, -1, tr("Auto layout"));
  stack_->push(cmd);
}

// ---- one-command edits (the block operations are in document_blocks.cpp) ----

bool Document::pushEdit(const QString& text, std::function<void(nc::Graph&)> edit) {
  QString error;
  stack_->push(new GraphEditCommand(graph_, std::move(edit), text, &error));
  if (error.isEmpty()) return true;
  Q_EMIT message(tr("%1: %2").arg(text, error));
  return false;
}

// ---- files ----

namespace {

// Whether any two nodes would be drawn overlapping or so close side by side that the wire
// between them is hidden (positions written by a tool that did not know our node sizes).
// Grid-bucketed: linear in the node count.
bool overlapping(const nc::Graph& g) {
  constexpr double kMinGap = 24;
  struct Box {
    double x, y, h;
  };
  const double cell = 256;
  std::map<std::pair<int64_t, int64_t>, std::vector<Box>> grid;
  for (nc::NodeId id : g.nodeIds()) {
    const nc::Node& n = g.node(id);
    Box b{n.x, n.y, card::estimatedNodeHeight(g, id)};
    int64_t cx = int64_t(std::floor(b.x / cell)), cy = int64_t(std::floor(b.y / cell));
    for (int64_t dx = -1; dx <= 1; ++dx)
      for (int64_t dy = -2; dy <= 2; ++dy) {
        auto it = grid.find({cx + dx, cy + dy});
        if (it == grid.end()) continue;
        for (const Box& o : it->second)
          if (std::abs(o.x - b.x) < card::kWidth + kMinGap && b.y < o.y + o.h - 1 &&
              o.y < b.y + b.h - 1)
            return true;
      }
    grid[{cx, cy}].push_back(b);
  }
  return false;
}

bool needsLayout(const nc::Graph& g) {
  // Imported models carry no positions (every node at the origin); files written by tools
  // that do not know our node sizes may overlap them. With blocks, what counts is what the
  // canvas shows (collapsed blocks stand for their nodes).
  if (!g.blocks().empty()) return visibleItemsOverlap(g, nc::kNoBlock);
  return g.size() >= 2 && overlapping(g);
}

void layOut(nc::Graph& g) {
  if (!g.blocks().empty()) {
    layOutVisibleItems(g, nc::kNoBlock);
    return;
  }
  for (const nc::NodePosition& p : layoutFor(g)) g.setPosition(p.id, p.x, p.y);
}

}  // namespace

void Document::setGraph(const nc::Graph& g, const QString& path) {
  eval_->cancel();
  eval_->reset();
  stack_->clear();
  if (needsLayout(g)) {  // imported or generated: no positions yet
    nc::Graph positioned = g;
    layOut(positioned);
    graph_ = positioned;  // observers stay attached to graph_
  } else {
    graph_ = g;
  }
  path_ = path;
  inferNow();  // views rebuild with the new graph's shapes
  Q_EMIT signals_->graphReset();
  stack_->setClean();
  Q_EMIT pathChanged(path_);
  Q_EMIT modifiedChanged(false);
  Q_EMIT shapesChanged();
  eval_->schedule(graph_);
}

void Document::newDocument() { setGraph(nc::Graph(), QString()); }

QStringList Document::templateNames() { return {QStringLiteral("yolo11n")}; }

void Document::newFromTemplate(const QString& name) {
  if (name.compare("yolo11n", Qt::CaseInsensitive) != 0)
    throw nc::Error("unknown template '" + name.toStdString() + "' (known: yolo11n)");
  nc::Graph g = nc::yolo::buildYolo11();
  for (auto& [id, b] : std::map<nc::BlockId, nc::Block>(g.blocks())) g.setBlockCollapsed(id, true);
  layOutVisibleItems(g, nc::kNoBlock);
  setGraph(g, QString());
}

void Document::load(const QString& path) {
  const std::string file = path.toStdString();
  const bool model = nc::isOnnxPath(file);
  // Throws before anything changes. A model opens with its blocks recognised.
  nc::Graph g = model ? nc::blocks::openModel(file) : nc::loadProject(file);
  // An imported model has no project file yet: keep it untitled so Save asks where.
  setGraph(g, model ? QString() : path);
}

void Document::importOnnx(const QString& path) {
  nc::Graph g = nc::blocks::openModel(path.toStdString());
  setGraph(g, QString());
}

void Document::save(const QString& path) {
  nc::saveProject(graph_, path.toStdString());
  path_ = path;
  stack_->setClean();
  Q_EMIT pathChanged(path_);
}

QString Document::displayName() const {
  return path_.isEmpty() ? tr("Untitled") : QFileInfo(path_).fileName();
}

// ---- autosave / recovery ----

QString Document::recoveryPathFor(const QString& documentPath, const QString& untitledDir) {
  if (documentPath.isEmpty()) return QDir(untitledDir).filePath("untitled.recovery.ncproj");
  return documentPath + ".recovery.ncproj";
}

QString Document::pendingRecovery(const QString& documentPath, const QString& untitledDir) {
  QString r = recoveryPathFor(documentPath, untitledDir);
  QFileInfo ri(r);
  if (!ri.exists()) return {};
  if (!documentPath.isEmpty()) {
    QFileInfo di(documentPath);
    if (di.exists() && di.lastModified() >= ri.lastModified()) return {};
  }
  return r;
}

void Document::removeRecovery(const QString& documentPath, const QString& untitledDir) {
  QString r = recoveryPathFor(documentPath, untitledDir);
  QFile::remove(r);
  QFile::remove(QString::fromStdString(nc::weightsPathFor(r.toStdString())));
}

bool Document::autosave(const QString& untitledDir) {
  if (!isModified()) return false;
  QString r = recoveryPathFor(path_, untitledDir);
  QDir().mkpath(QFileInfo(r).absolutePath());
  nc::saveProject(graph_, r.toStdString());
  return true;
}

void Document::recoverFrom(const QString& recoveryPath, const QString& documentPath) {
  nc::Graph g = nc::loadProject(recoveryPath.toStdString());
  setGraph(g, documentPath);
  // Mark as modified: the recovered state is not what is on disk.
  stack_->resetClean();
  Q_EMIT modifiedChanged(true);
}

}  // namespace ncui
