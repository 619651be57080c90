// Printing results: the final summary and the confusion matrix.
#pragma once

#include <cstdio>
#include <string>

#include "nn/evaluate.hpp"

namespace trainer {

// "The number of mistakes is N" (the original's line), accuracy, confusion matrix.
void print_report(std::FILE* out, const std::string& data_name, const nn::Evaluation& ev);

}  // namespace trainer
