#pragma once
// NetCanvas project files: a human-readable, versioned JSON document for a Graph plus a binary
// sidecar holding every tensor.
//
//   NAME.ncproj          JSON (UTF-8), format "netcanvas-project", version kProjectFormatVersion
//   NAME.ncproj.weights  raw tensor bytes; always the project path + ".weights", next to it
//
// JSON layout (version 2; version 1 files, which have no blocks, still load):
//   {
//     "format": "netcanvas-project", "version": 1, "producer": "NetCanvas 0.1.0",
//     "nodes": [
//       { "id": 3, "op": "BatchNormalization", "name": "bn", "position": [x, y],
//         "attrs": { "epsilon": {"type": "float", "value": 0.001},
//                    "kernel_shape": {"type": "ints", "value": [3, 3]},
//                    "value": {"type": "tensor", "tensor": 0} },     // index into "tensors"
//         "inputs": [ {"node": 1, "port": 0},                        // connection
//                     {"constant": 1},                               // node-owned constant
//                     null ],                                        // unbound
//         "outputs": 1,                                              // output port count
//         "block": 2 }                                               // innermost block, if any
//     ],
//     "blocks": [ { "id": 2, "name": "model.2", "type": "C3k2",       // absent without blocks
//                   "params": { "n": {"type": "int", "value": 1} },   // same form as attrs
//                   "parent": 1, "collapsed": true, "position": [x, y] } ],
//     "tensors": [ {"dtype": "float32", "shape": [64], "offset": 64, "bytes": 256} ],
//     "weights": { "bytes": 320, "fnv1a64": "cbf29ce484222325" }    // absent without tensors
//   }
// Attribute types are int, float, string, ints, floats, tensor (AttrType names). Floats are
// JSON numbers written with round-trip precision; non-finite ones are the strings "nan", "inf",
// "-inf". A port both connected and holding a constant keeps both keys. Node revisions are not
// stored (they restart on load); ids, names, positions, attributes and constants are exact.
//
// Weights file: a 64-byte header (magic "NCWEIGHTS", format version, zero padding) followed by
// tensor data, each at a 64-byte aligned offset, little-endian. Tensors that share storage are
// written once; their table entries point at the same offset and share storage again on load.
// The JSON records the weights file's size and FNV-1a hash, so a sidecar from another save is
// refused rather than silently mixed in. Every tensor is stored in the sidecar (no embedding):
// one code path, and the JSON stays small and diffable.
//
// Saving writes the weights first, then the JSON, each atomically (temp file + rename): an
// interrupted save leaves either the old project, or the old JSON beside new weights, which
// the hash check reports on load. A project without tensors writes no weights file.
//
// Loading validates everything (format, version, JSON types, op names, attribute names and
// types, port counts, connections, cycles, tensor bounds, sizes and hash) and throws nc::Error
// naming the file and the problem; a newer format version is refused with the version numbers.
#include <string>

#include "core/graph/graph.h"

namespace nc {

constexpr int kProjectFormatVersion = 2;
constexpr const char* kProjectFormatName = "netcanvas-project";

struct ProjectBytes {
  std::string json;     // the .ncproj document
  std::string weights;  // the .ncproj.weights sidecar ("" when the graph holds no tensors)
};

// In-memory form of save/load (the file functions are thin wrappers).
ProjectBytes serializeProject(const Graph& g);
// `weights` is only read when the JSON references tensors.
Graph deserializeProject(const std::string& json, const std::string& weights);

std::string weightsPathFor(const std::string& projectPath);
void saveProject(const Graph& g, const std::string& path);
Graph loadProject(const std::string& path);

// ".onnx" (any case) -> importModel, anything else -> loadProject.
Graph loadGraphFile(const std::string& path);
bool isOnnxPath(const std::string& path);

}  // namespace nc
