// Reading and writing data sets.
//
//   CSV (the original's format): a header row, then rows "label,p0,...,p{F-1}",
//       pixels 0..255. The column count is fixed by the header. Read with
//       fast-cpp-csv-parser's LineReader.
//   IDX (MNIST's own format), raw or gzip-compressed: an images file
//       (magic 0x00000803, N, rows, cols, pixels) and its labels file
//       (magic 0x00000801, N, labels). Given the images file, the labels file is
//       found beside it by MNIST's naming: "images-idx3" -> "labels-idx1".
//
// load_dataset picks the format from the file's first bytes, not its name.
// Every error names the file (and line, for CSV) and says what was expected.
#pragma once

#include <string>

#include "nn/dataset.hpp"

namespace nn {

enum class DataFormat { Csv, Idx };

DataFormat detect_format(const std::string& path);

Dataset load_dataset(const std::string& path);
Dataset load_csv(const std::string& path);
Dataset load_idx(const std::string& images_path, const std::string& labels_path);

// The labels file that belongs to an IDX images file, by MNIST's naming convention.
std::string idx_labels_path(const std::string& images_path);

// Writes the original's CSV: header "label,1x1,1x2,...,28x28" (for square images),
// then one row per sample. Atomic: the file appears complete or not at all.
void save_csv(const Dataset& data, const std::string& path);

}  // namespace nn
