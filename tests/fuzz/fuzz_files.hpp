// Helpers for fuzz targets whose reader takes a path: one private temp folder per
// process (removed at exit), files written in full, raw or gzip-compressed.
#pragma once

#include <stdlib.h>
#include <zlib.h>

#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <string>
#include <string_view>

namespace nn::fuzz {

class TempFolder {
 public:
  TempFolder() {
    std::string pattern = (std::filesystem::temp_directory_path() / "nn_fuzz.XXXXXX").string();
    if (!::mkdtemp(pattern.data())) std::abort();
    dir_ = pattern;
  }
  ~TempFolder() {
    std::error_code ec;
    std::filesystem::remove_all(dir_, ec);
  }
  TempFolder(const TempFolder&) = delete;
  TempFolder& operator=(const TempFolder&) = delete;

  std::string file(const std::string& name) const { return (dir_ / name).string(); }

 private:
  std::filesystem::path dir_;
};

// The folder for this process's files (created on first use).
inline const TempFolder& folder() {
  static const TempFolder f;
  return f;
}

inline void write_raw(const std::string& path, std::string_view bytes) {
  std::FILE* f = std::fopen(path.c_str(), "wb");
  if (!f) std::abort();
  if (!bytes.empty() && std::fwrite(bytes.data(), 1, bytes.size(), f) != bytes.size()) std::abort();
  std::fclose(f);
}

inline void write_gz(const std::string& path, std::string_view bytes) {
  gzFile f = gzopen(path.c_str(), "wb1");
  if (!f) std::abort();
  if (!bytes.empty() && gzwrite(f, bytes.data(), static_cast<unsigned>(bytes.size())) != static_cast<int>(bytes.size())) {
    std::abort();
  }
  if (gzclose(f) != Z_OK) std::abort();
}

}  // namespace nn::fuzz
