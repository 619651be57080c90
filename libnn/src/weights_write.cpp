// Writing the weights JSON file atomically (the text is weights_json.cpp's).
#include <string>

#include "nn/atomic_file.hpp"
#include "nn/weights_io.hpp"

namespace nn {

void save_weights(const Network& net, const std::string& path) {
  const std::string json = weights_to_json(net);  // fails before touching the file
  write_file_atomically(path, json);
}

}  // namespace nn
