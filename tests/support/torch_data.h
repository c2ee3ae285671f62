#pragma once
// Test data generated at test time by Debian's python3-torch: the PyTorch-exported YOLO11n
// (tests/data/make_yolo11n.py, ~10 MB, not committed) in the build tree.
#include <string>

namespace nctest {

// Directory holding model.onnx, test_data_set_0/{input_0,output_0}.pb and README. Generates them
// unless present and newer than the scripts. "" on success, else a message saying what failed
// and what to install (python3-torch, python3-onnx: `bash tools/dev.sh test` installs them).
std::string ensureTorchYolo11n(std::string* dir);

}  // namespace nctest
