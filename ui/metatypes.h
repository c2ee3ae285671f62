#pragma once
// Core value types carried by the panels' Qt signals (QVariant, QSignalSpy, queued connections).
// nc::NodeId is a plain uint32_t: its declaration below resolves to Qt's built-in `uint` metatype,
// so QVariant::fromValue<nc::NodeId>() and value<uint>() interoperate.
#include <QMetaType>
#include <type_traits>

#include "core/tensor/attr.h"
#include "core/graph/graph.h"
#include "core/tensor/tensor.h"

static_assert(std::is_same_v<nc::NodeId, unsigned int>, "nc::NodeId must stay a built-in metatype");

Q_DECLARE_METATYPE(nc::NodeId)
Q_DECLARE_METATYPE(nc::AttrValue)
Q_DECLARE_METATYPE(nc::Tensor)
