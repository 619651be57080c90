// Internal: opening and reading input files, the one way every reader does it, so that a
// folder, a missing file or a file too large gets the same clear message whichever
// format it is.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace nn::detail {

// The largest model file read whole (weights JSON or compact): far above any model of
// ours (784-500-300-100-10 is 6 MB of JSON), below what would exhaust memory.
inline constexpr std::uintmax_t kMaxModelFileBytes = std::uintmax_t{1} << 30;  // 1 GiB

// Throws nn::Error "PATH: is a directory, expected a KIND file" or
// "PATH: cannot open: <reason>" unless path is a readable file.
void check_input_file(const std::string& path, std::string_view kind = "data");

// The whole file's bytes, after check_input_file. A file over max_bytes is refused
// before it is read: "PATH: N bytes, larger than the limit of M MiB for a KIND file".
std::string read_file(const std::string& path, std::string_view kind, std::uintmax_t max_bytes);

}  // namespace nn::detail
