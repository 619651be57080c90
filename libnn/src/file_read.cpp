#include "file_read.hpp"

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "nn/error.hpp"

namespace nn::detail {

void check_input_file(const std::string& path, std::string_view kind) {
  std::error_code ec;
  if (std::filesystem::is_directory(path, ec)) {
    throw Error(path + ": is a directory, expected a " + std::string(kind) + " file");
  }
  std::FILE* f = std::fopen(path.c_str(), "rb");
  if (!f) throw Error(path + ": cannot open: " + std::strerror(errno));
  std::fclose(f);
}

std::string read_file(const std::string& path, std::string_view kind, std::uintmax_t max_bytes) {
  check_input_file(path, kind);
  std::error_code ec;
  const std::uintmax_t size = std::filesystem::file_size(path, ec);
  if (!ec && size > max_bytes) {
    throw Error(path + ": " + std::to_string(size) + " bytes, larger than the limit of " +
                std::to_string(max_bytes >> 20) + " MiB for a " + std::string(kind) + " file");
  }
  std::ifstream in(path, std::ios::binary);
  if (!in) throw Error(path + ": cannot open: " + std::strerror(errno));
  std::ostringstream bytes;
  bytes << in.rdbuf();
  if (in.bad()) throw Error(path + ": read failed");
  return std::move(bytes).str();
}

}  // namespace nn::detail
