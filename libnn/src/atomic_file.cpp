#include "nn/atomic_file.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>

#include "nn/error.hpp"

namespace nn {
namespace {

std::string errno_text() { return std::strerror(errno); }

// Removes the temporary file unless released, so no failure leaves debris.
struct TempFile {
  std::string path;
  std::FILE* file = nullptr;
  bool keep = false;
  ~TempFile() {
    if (file) std::fclose(file);
    if (!keep) std::remove(path.c_str());
  }
};

}  // namespace

void write_file_atomically(const std::string& path, const std::function<void(std::FILE*)>& write) {
  namespace fs = std::filesystem;
  const fs::path target(path);
  if (fs::is_directory(target)) throw Error(path + ": is a directory, expected a file path");

  std::string pattern = (target.parent_path() / ("." + target.filename().string() + ".XXXXXX")).string();
  const int fd = ::mkstemp(pattern.data());
  if (fd < 0) throw Error(path + ": cannot create a temporary file beside it: " + errno_text());
  TempFile tmp{pattern};
  tmp.file = ::fdopen(fd, "wb");
  if (!tmp.file) {
    ::close(fd);
    throw Error(path + ": cannot open temporary file: " + errno_text());
  }

  write(tmp.file);

  if (std::fflush(tmp.file) != 0 || std::ferror(tmp.file) || ::fsync(::fileno(tmp.file)) != 0) {
    throw Error(path + ": write failed: " + errno_text());
  }
  // mkstemp creates 0600; give the file the usual permissions (umask applies).
  const mode_t mask = ::umask(0);
  ::umask(mask);
  ::fchmod(::fileno(tmp.file), 0666 & ~mask);
  if (std::fclose(tmp.file) != 0) {
    tmp.file = nullptr;
    throw Error(path + ": write failed: " + errno_text());
  }
  tmp.file = nullptr;
  if (std::rename(tmp.path.c_str(), path.c_str()) != 0) {
    throw Error(path + ": cannot replace the file: " + errno_text());
  }
  tmp.keep = true;
}

void write_file_atomically(const std::string& path, std::string_view bytes) {
  write_file_atomically(path, [&](std::FILE* f) { std::fwrite(bytes.data(), 1, bytes.size(), f); });
}

}  // namespace nn
