// Internal: write a file atomically. The bytes go to a temporary file in the same
// directory, are flushed to disk, and the temporary is renamed over the target, so
// readers see the old file or the complete new one, never a partial write.
#pragma once

#include <cstdio>
#include <functional>
#include <string>

namespace nn::detail {

// `write` is called with a FILE* open on the temporary file.
void write_file_atomically(const std::string& path, const std::function<void(std::FILE*)>& write);

}  // namespace nn::detail
