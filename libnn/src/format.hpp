// Numbers in messages, formatted as iostreams would by default (printf's %g), without
// iostreams: they would add a few hundred KB to the WebAssembly module.
#pragma once

#include <cstdio>
#include <string>

namespace nn::detail {

inline std::string g(double value) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%g", value);
  return buf;
}

}  // namespace nn::detail
