#pragma once
// What the canvas's items read from the scene that shows them: colours, fonts, the input port a
// dragged wire would connect to, and the memory-bounded thumbnail cache. GraphScene implements
// it and hands itself to the items it creates, so items never include the scene.
#include <QFont>
#include <QImage>
#include <optional>

#include "core/graph/graph.h"
#include "ui/canvas_theme.h"

namespace ncui {

class CanvasContext {
 public:
  virtual const CanvasTheme& theme() const = 0;
  virtual const QFont& nodeFont() const = 0;
  virtual const QFont& nodeFontBold() const = 0;
  virtual const QFont& nodeFontSmall() const = 0;
  // The input port a wire being dragged would connect to (highlighted), if any.
  virtual std::optional<nc::PortRef> wireTarget() const = 0;
  // Node thumbnails by (node, output version); null when not cached.
  virtual const QImage* cachedThumbnail(nc::NodeId id, quint64 version) const = 0;
  virtual void cacheThumbnail(nc::NodeId id, quint64 version, const QImage& img) = 0;

 protected:
  ~CanvasContext() = default;
};

}  // namespace ncui
