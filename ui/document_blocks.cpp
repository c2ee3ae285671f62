// Document's composite-block operations: group/ungroup, collapse/expand, rename, delete,
// parameters, the block library (built-in types and the user's saved blocks).
#include <QDir>
#include <QFileInfo>
#include <QRegularExpression>
#include <QStandardPaths>

#include "core/blocks/library.h"
#include "core/project/project.h"
#include "ui/block_layout.h"
#include "ui/commands.h"
#include "ui/document.h"

namespace ncui {

namespace {

QString blockName(const nc::Graph& g, nc::BlockId id) {
  const nc::Block* b = g.findBlock(id);
  return b ? QString::fromStdString(b->name) : QString();
}

// Top-left of the items the canvas shows for these nodes (collapsed blocks at their position).
QPointF topLeftOf(const nc::Graph& g, const std::vector<nc::NodeId>& ids) {
  double x = 1e300, y = 1e300;
  for (nc::NodeId id : ids) {
    nc::BlockId vb = g.visibleBlock(id);
    const nc::Block* b = vb != nc::kNoBlock ? &g.block(vb) : nullptr;
    x = std::min(x, b ? b->x : g.node(id).x);
    y = std::min(y, b ? b->y : g.node(id).y);
  }
  return ids.empty() ? QPointF() : QPointF(x, y);
}

// Shows an expanded (or ungrouped) block's contents in place: laid out from the block's corner
// if they would overlap (imported or regenerated blocks), else moved there.
void placeContents(nc::Graph& g, nc::BlockId id) {
  const nc::Block& blk = g.block(id);
  QPointF at(blk.x, blk.y);
  bool wasCollapsed = blk.collapsed;
  g.setBlockCollapsed(id, false);
  if (visibleItemsOverlap(g, id)) {
    layOutVisibleItems(g, id, at);
  } else {
    std::vector<nc::NodeId> inside = g.blockNodes(id);
    QPointF d = at - topLeftOf(g, inside);
    if (d.manhattanLength() >= 1) {
      for (nc::NodeId n : inside) {
        const nc::Node& node = g.node(n);
        g.setPosition(n, node.x + d.x(), node.y + d.y());
      }
      for (auto& [cid, c] : std::map<nc::BlockId, nc::Block>(g.blocks()))
        if (cid != id && g.blockInBlock(cid, id)) g.setBlockPosition(cid, c.x + d.x(), c.y + d.y());
    }
  }
  g.setBlockCollapsed(id, wasCollapsed);
}

}  // namespace

nc::BlockId Document::groupNodes(const std::vector<nc::NodeId>& ids, const QString& name) {
  std::vector<nc::NodeId> valid;
  for (nc::NodeId id : ids)
    if (graph_.contains(id)) valid.push_back(id);
  if (valid.empty()) {
    Q_EMIT message(tr("Select the nodes to group"));
    return nc::kNoBlock;
  }
  nc::BlockId made = nc::kNoBlock;
  std::string base = name.isEmpty() ? std::string("block") : name.toStdString();
  pushEdit(tr("Group %n node(s)", nullptr, int(valid.size())), [&](nc::Graph& g) {
    QPointF at = topLeftOf(g, valid);
    made = nc::blocks::groupNodes(g, valid, g.uniqueBlockName(base));
    g.setBlockPosition(made, at.x(), at.y());
    g.setBlockCollapsed(made, true);
  });
  return made;
}

bool Document::ungroupBlock(nc::BlockId id) {
  if (!graph_.containsBlock(id)) return false;
  return pushEdit(tr("Ungroup %1").arg(blockName(graph_, id)), [id](nc::Graph& g) {
    // Nodes hidden in a collapsed block appear where it was.
    bool wasCollapsed = g.block(id).collapsed;
    if (wasCollapsed) placeContents(g, id);
    g.removeBlock(id);
    if (wasCollapsed && visibleItemsOverlap(g, nc::kNoBlock)) layOutVisibleItems(g, nc::kNoBlock);
  });
}

bool Document::setBlockCollapsed(nc::BlockId id, bool collapsed) {
  const nc::Block* b = graph_.findBlock(id);
  if (!b) return false;
  if (b->collapsed == collapsed) return true;
  return pushEdit((collapsed ? tr("Collapse %1") : tr("Expand %1")).arg(blockName(graph_, id)),
                  [id, collapsed](nc::Graph& g) {
                    if (!collapsed) {
                      placeContents(g, id);
                      g.setBlockCollapsed(id, false);
                      // The expanded contents need room: lay out what the canvas shows.
                      if (visibleItemsOverlap(g, nc::kNoBlock)) layOutVisibleItems(g, nc::kNoBlock);
                    } else if (!g.blockNodes(id).empty()) {  // appears where its frame was
                      QPointF tl = topLeftOf(g, g.blockNodes(id));
                      g.setBlockPosition(id, tl.x(), tl.y());
                    }
                    g.setBlockCollapsed(id, collapsed);
                  });
}

bool Document::renameBlock(nc::BlockId id, const QString& name) {
  if (!graph_.containsBlock(id)) return false;
  std::string s = name.trimmed().toStdString();
  if (s == graph_.block(id).name) return true;
  if (s.empty()) {
    Q_EMIT message(tr("A block name cannot be empty"));
    return false;
  }
  if (graph_.findBlockByName(s)) {
    Q_EMIT message(tr("A block named '%1' already exists").arg(name.trimmed()));
    return false;
  }
  return pushEdit(tr("Rename block %1").arg(blockName(graph_, id)),
                  [id, s](nc::Graph& g) { g.setBlockName(id, s); });
}

bool Document::deleteBlock(nc::BlockId id) {
  if (!graph_.containsBlock(id)) return false;
  return pushEdit(tr("Delete block %1").arg(blockName(graph_, id)), [id](nc::Graph& g) {
    std::vector<nc::NodeId> inside = g.blockNodes(id);
    std::vector<nc::BlockId> blocks;
    for (auto& [bid, b] : g.blocks())
      if (g.blockInBlock(bid, id)) blocks.push_back(bid);
    for (nc::NodeId n : inside) g.removeNode(n);
    for (nc::BlockId b : blocks) g.removeBlock(b);
  });
}

bool Document::setBlockParams(nc::BlockId id, const std::map<std::string, nc::AttrValue>& params) {
  if (!graph_.containsBlock(id)) return false;
  return pushEdit(tr("Set parameters of %1").arg(blockName(graph_, id)),
                  [id, params](nc::Graph& g) {
                    nc::blocks::regenerateBlock(g, id, params);
                    // The regenerated inside is laid out where the block shows it.
                    if (g.containsBlock(id)) {
                      const nc::Block& b = g.block(id);
                      if (!b.collapsed) layOutVisibleItems(g, id, QPointF(b.x, b.y));
                    }
                  });
}

nc::BlockId Document::insertLibraryBlock(const QString& type, QPointF pos,
                                         const std::vector<nc::PortRef>& inputs,
                                         const std::map<std::string, nc::AttrValue>& params) {
  const nc::blocks::BlockType* bt = nc::blocks::findBlockType(type.toStdString());
  if (!bt) {
    Q_EMIT message(tr("Unknown block type '%1'").arg(type));
    return nc::kNoBlock;
  }
  if (inputs.empty() || (bt->inputs > 0 && int(inputs.size()) != bt->inputs)) {
    Q_EMIT message(bt->inputs > 0
                       ? tr("%1 takes %n input(s): select the node(s) that feed it, then insert it",
                            nullptr, bt->inputs)
                                 .arg(type) +
                             (inputs.empty() ? QString() : tr(" (%1 selected)").arg(inputs.size()))
                       : tr("Select the nodes that feed %1, then insert it").arg(type));
    return nc::kNoBlock;
  }
  nc::BlockId made = nc::kNoBlock;
  pushEdit(tr("Insert %1").arg(type), [&](nc::Graph& g) {
    made = nc::blocks::insertBlock(g, bt->type, params, inputs, bt->type);
    g.setBlockCollapsed(made, true);
    g.setBlockPosition(made, pos.x(), pos.y());
  });
  return made;
}

bool Document::connectToBlock(nc::PortRef from, nc::BlockId block, int inputPort) {
  if (!graph_.containsBlock(block)) return false;
  nc::BlockPorts ports = graph_.blockPorts(block);
  if (inputPort < 0 || inputPort >= int(ports.inputs.size())) {
    Q_EMIT message(tr("Block '%1' has no input %2").arg(blockName(graph_, block)).arg(inputPort));
    return false;
  }
  const nc::BlockPorts::In& in = ports.inputs[size_t(inputPort)];
  if (in.source) {
    Q_EMIT message(tr("Input %1 of block '%2' is already connected; disconnect it first")
                       .arg(inputPort)
                       .arg(blockName(graph_, block)));
    return false;
  }
  for (const nc::PortRef& t : in.targets) {
    QString problem = connectionProblem(from, t);
    if (!problem.isEmpty()) {
      Q_EMIT message(problem);
      return false;
    }
  }
  if (in.targets.size() == 1) return connectPorts(from, in.targets.front());
  stack_->beginMacro(tr("Connect to block %1").arg(blockName(graph_, block)));
  for (const nc::PortRef& t : in.targets) connectPorts(from, t);
  stack_->endMacro();
  return true;
}

QString Document::userBlockDir() {
  QByteArray env = qgetenv("NETCANVAS_BLOCK_DIR");
  if (!env.isEmpty()) return QString::fromLocal8Bit(env);
  return QStandardPaths::writableLocation(QStandardPaths::AppDataLocation) + "/blocks";
}

QStringList Document::userBlockFiles() {
  QDir dir(userBlockDir());
  QStringList r;
  for (const QFileInfo& fi : dir.entryInfoList({"*.ncproj"}, QDir::Files, QDir::Name))
    r << fi.absoluteFilePath();
  return r;
}

QString Document::saveBlockToLibrary(nc::BlockId id, const QString& name) {
  if (!graph_.containsBlock(id)) return {};
  QString clean = name.trimmed();
  static const QRegularExpression bad(QStringLiteral("[^A-Za-z0-9_.+-]"));
  clean.replace(bad, "_");
  if (clean.isEmpty() || clean.startsWith('.')) {
    Q_EMIT message(tr("'%1' is not a usable block name").arg(name));
    return {};
  }
  QString path = QDir(userBlockDir()).filePath(clean + ".ncproj");
  try {
    QDir().mkpath(userBlockDir());
    nc::Graph saved = nc::blocks::extractBlock(graph_, id);
    nc::saveProject(saved, path.toStdString());
  } catch (const std::exception& e) {
    Q_EMIT message(tr("Cannot save block '%1': %2").arg(clean, e.what()));
    return {};
  }
  Q_EMIT message(tr("Saved block '%1' to %2").arg(clean, path));
  return path;
}

nc::BlockId Document::insertUserBlock(const QString& path, QPointF pos) {
  nc::Graph saved;
  try {
    saved = nc::loadProject(path.toStdString());
  } catch (const std::exception& e) {
    Q_EMIT message(tr("Cannot read block %1: %2").arg(path, e.what()));
    return nc::kNoBlock;
  }
  std::string name = QFileInfo(path).completeBaseName().toStdString();
  nc::BlockId made = nc::kNoBlock;
  pushEdit(tr("Insert %1").arg(QString::fromStdString(name)), [&](nc::Graph& g) {
    made = nc::blocks::instantiateBlock(g, saved, name, pos.x(), pos.y());
    g.setBlockCollapsed(made, false);
    layOutVisibleItems(g, made, pos);
    g.setBlockCollapsed(made, true);
    g.setBlockPosition(made, pos.x(), pos.y());
  });
  return made;
}

}  // namespace ncui
