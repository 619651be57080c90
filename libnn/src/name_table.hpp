// Internal: a table of names for an enum, in code order (the index is the value's code
// in the compact format), and what every such table answers: name -> value (with a
// message naming the accepted ones), value -> name, all names, and "0 a, 1 b or 2 c"
// for a message about an unknown code. The activations (activation.cpp) and the
// weight encodings (compact_read.cpp) each have one.
#pragma once

#include <array>
#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "nn/error.hpp"

namespace nn::detail {

template <class T, std::size_t N>
using NameTable = std::array<std::pair<std::string_view, T>, N>;

// Throws nn::Error "unknown KIND 'NAME' (expected one of: a, b, c)".
template <class T, std::size_t N>
T parse_name(const NameTable<T, N>& table, std::string_view name, std::string_view kind) {
  for (const auto& [n, value] : table) {
    if (n == name) return value;
  }
  std::string known;
  for (const auto& [n, value] : table) known += (known.empty() ? "" : ", ") + std::string(n);
  throw Error("unknown " + std::string(kind) + " '" + std::string(name) + "' (expected one of: " + known + ")");
}

template <class T, std::size_t N>
std::string_view name_of(const NameTable<T, N>& table, T value) {
  for (const auto& [n, v] : table) {
    if (v == value) return n;
  }
  return "?";
}

template <class T, std::size_t N>
std::vector<std::string> names_of(const NameTable<T, N>& table) {
  std::vector<std::string> out;
  for (const auto& [n, value] : table) out.emplace_back(n);
  return out;
}

// The value with this code (its index), if there is one.
template <class T, std::size_t N>
std::optional<T> from_code(const NameTable<T, N>& table, unsigned code) {
  if (code >= N) return std::nullopt;
  return table[code].second;
}

template <class T, std::size_t N>
unsigned code_of(const NameTable<T, N>& table, T value) {
  for (std::size_t i = 0; i < N; ++i) {
    if (table[i].second == value) return static_cast<unsigned>(i);
  }
  return static_cast<unsigned>(N);
}

// "0 a, 1 b or 2 c": the codes and their names, for messages.
template <class T, std::size_t N>
std::string codes_text(const NameTable<T, N>& table) {
  std::string out;
  for (std::size_t i = 0; i < N; ++i) {
    out += (i == 0 ? "" : i + 1 == N ? " or " : ", ") + std::to_string(i) + " " + std::string(table[i].first);
  }
  return out;
}

}  // namespace nn::detail
