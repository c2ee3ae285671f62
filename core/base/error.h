#pragma once
// Errors thrown by the core. Every message names what was wrong; callers at the edges (CLI,
// GUI) turn them into one clear line for the user.
#include <stdexcept>
#include <string>

namespace nc {

class Error : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

}  // namespace nc
