// nn::Error: the one exception type the library throws at its API boundary.
// Messages say what, where and expected vs. got, e.g.
//   "train.csv:1042: expected 785 columns, got 784".
#pragma once

#include <stdexcept>
#include <string>

namespace nn {

class Error : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

}  // namespace nn
