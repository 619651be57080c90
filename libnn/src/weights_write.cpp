// Writing the weights JSON file atomically (the text is weights_json.cpp's).
#include <cstdio>
#include <string>

#include "atomic_file.hpp"
#include "nn/weights_io.hpp"

namespace nn {

void save_weights(const Network& net, const std::string& path) {
  const std::string json = weights_to_json(net);  // fails before touching the file
  detail::write_file_atomically(path, [&](std::FILE* f) {
    std::fwrite(json.data(), 1, json.size(), f);
  });
}

}  // namespace nn
