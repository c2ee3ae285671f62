#pragma once
// Core value types carried by the panels' Qt signals. nc::NodeId is a plain uint32_t
// (unsigned int), which Qt already knows, so it needs no declaration of its own.
#include <QMetaType>
#include <type_traits>

#include "core/attr.h"
#include "core/graph.h"
#include "core/tensor.h"

static_assert(std::is_same_v<nc::NodeId, unsigned int>, "nc::NodeId must stay a built-in metatype");

Q_DECLARE_METATYPE(nc::AttrValue)
Q_DECLARE_METATYPE(nc::Tensor)
