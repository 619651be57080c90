#include "report.hpp"

namespace trainer {

void print_report(std::FILE* out, const std::string& data_name, const nn::Evaluation& ev) {
  std::fprintf(out, "\nResults on %s (%zu samples):\n", data_name.c_str(), ev.samples);
  std::fprintf(out, "The number of mistakes is %zu\n", ev.mistakes);
  std::fprintf(out, "Accuracy: %.2f %%   loss: %.4f bits\n", 100.0 * ev.accuracy(), ev.loss);
  std::fprintf(out, "\nConfusion matrix (rows: true class, columns: predicted):\n      ");
  for (std::size_t j = 0; j < ev.confusion.size(); ++j) std::fprintf(out, "%6zu", j);
  std::fprintf(out, "\n");
  for (std::size_t i = 0; i < ev.confusion.size(); ++i) {
    std::fprintf(out, "%6zu", i);
    for (std::size_t v : ev.confusion[i]) std::fprintf(out, "%6zu", v);
    std::fprintf(out, "\n");
  }
}

}  // namespace trainer
