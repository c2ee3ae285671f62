#pragma once
// Transitional: the parts of ONNX I/O, each in its own header.
#include "core/base/file_io.h"
#include "core/onnx/export.h"
#include "core/onnx/import.h"
#include "core/onnx/tensor_proto.h"
#include "core/onnx/validate.h"
