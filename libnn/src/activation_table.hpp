// Internal: the hidden activations' one table: their names (the original trainer's) and,
// by position, their codes in the compact format (byte 7 of a .nnm file). Read by
// activation.cpp (names) and the compact reader and writer (codes).
#pragma once

#include "name_table.hpp"
#include "nn/activation.hpp"

namespace nn::detail {

inline constexpr NameTable<Activation, 5> kActivations{{
    {"re-lu", Activation::ReLU},
    {"sigmoid", Activation::Sigmoid},
    {"tanh", Activation::Tanh},
    {"linear", Activation::Linear},
    {"leaky-re-lu", Activation::LeakyReLU},
}};

}  // namespace nn::detail
