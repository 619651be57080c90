// libFuzzer target: the compact model reader (nn::parse_compact, through nn::parse_model
// which also sniffs JSON). Any input must either parse or throw nn::Error: no crash, no
// sanitizer report, no allocation the input does not back.
//
// Seeds: tests/fuzz/corpus/compact_model/ (tiny valid files, every encoding, versions 1
// and 2).
// Random mutations almost never keep the CRC-32 at the end right, which would stop
// them at the checksum check; so each input is also parsed with its checksum repaired,
// to reach the decoding of the values behind it.
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "compact_layout.hpp"  // internal (libnn/src): the checksum
#include "nn/compact_model.hpp"
#include "nn/error.hpp"
#include "nn/model_io.hpp"

namespace {

void parse(std::string_view bytes) {
  try {
    const nn::Network net = nn::parse_model(bytes, std::nullopt, "fuzz");
    // What parses must write back and read again as float32 to the same layers.
    if (nn::describe(nn::parse_compact(nn::compact_bytes(net, nn::Encoding::Float32))) != nn::describe(net)) {
      __builtin_trap();
    }
  } catch (const nn::Error&) {
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view bytes(reinterpret_cast<const char*>(data), size);
  parse(bytes);
  if (size >= 4 && nn::looks_compact(bytes)) {
    std::string fixed(bytes);
    const std::uint32_t crc = nn::detail::crc32(bytes.substr(0, size - 4));
    for (int i = 0; i < 4; ++i) fixed[size - 4 + static_cast<std::size_t>(i)] = static_cast<char>(crc >> (8 * i));
    parse(fixed);
  }
  return 0;
}
