// Writing a file atomically: the bytes go to a temporary file in the same directory, are
// flushed to disk, and the temporary is renamed over the target, so readers see the old
// file or the complete new one, never a partial write; a failure leaves no temporary
// behind. Every file libnn writes (weights, compact models, ONNX, CSV) goes this way,
// and so does the trainer's HTML report.
#pragma once

#include <cstdio>
#include <functional>
#include <string>
#include <string_view>

namespace nn {

// `write` is called with a FILE* open on the temporary file (for output written in
// pieces). Throws nn::Error naming `path` when anything fails.
void write_file_atomically(const std::string& path, const std::function<void(std::FILE*)>& write);

// The same with the whole content at hand.
void write_file_atomically(const std::string& path, std::string_view bytes);

}  // namespace nn
