// Weight initialisation.
//   default: W ~ U[-0.3, 0.3], b = 1           (the original's "default")
//   xavier:  W ~ U[-sqrt(6/(I+O)), +sqrt(6/(I+O))], b = 0   (Glorot & Bengio 2010)
// The original's "xavier" put the square root in the wrong place (sqrt(6)/(I+O));
// ours is Glorot's formula.
// Convolutions take the same rule with I = C k k (inputs of one output) and O = F k k.
#pragma once

#include <string>
#include <string_view>

#include "nn/network.hpp"
#include "nn/random.hpp"

namespace nn {

enum class Initialization { Default, Xavier };

Initialization parse_initialization(std::string_view name);
std::string_view initialization_name(Initialization i);

void initialize(Network& net, Initialization init, Rng& rng);

}  // namespace nn
