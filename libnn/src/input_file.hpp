// Internal: the check every data reader makes before it opens its file, so that a
// folder or an unreadable path gets the same clear message whichever format it is.
#pragma once

#include <string>

namespace nn::detail {

// Throws nn::Error "PATH: is a directory, expected a data file" or
// "PATH: cannot open: <reason>" unless path is a readable file.
void check_input_file(const std::string& path);

}  // namespace nn::detail
