// Canvas size checks (issue 11, finding 3): sizes are bounded before they are multiplied,
// so a product that would wrap a 32-bit size_t (WebAssembly) is refused, not trusted.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cstdint>
#include <vector>

#include "nn/image.hpp"
#include "test_util.hpp"

namespace {

using ::testing::HasSubstr;

TEST(ImageLimits, AcceptsExactSizesUpToTheLimit) {
  EXPECT_NO_THROW(nn::check_rgba_size(1, 1, 4));
  EXPECT_NO_THROW(nn::check_rgba_size(336, 200, 336 * 200 * 4));
  EXPECT_NO_THROW(nn::check_rgba_size(nn::kMaxCanvasSide, nn::kMaxCanvasSide,
                                      std::size_t{4096} * 4096 * 4));
}

// 65536 x 65537 x 4 = 2^34 + 2^18: in 32 bits it wraps to 262,144, the byte count given.
TEST(ImageLimits, RefusesASizeWhoseProductWrapsIn32Bits) {
  EXPECT_EQ(static_cast<std::uint32_t>(65536u * 65537ull * 4), 262144u);
  EXPECT_THAT(nn::test::error_of([] { nn::check_rgba_size(65536, 65537, 262144); }),
              HasSubstr("canvas of 65536 x 65537 pixels is larger than the limit of 4096 x 4096"));
  EXPECT_THAT(nn::test::error_of([] { nn::check_rgba_size(32768, 32768, 0); }),
              HasSubstr("canvas of 32768 x 32768 pixels is larger than the limit of 4096 x 4096"));
  EXPECT_THAT(nn::test::error_of([] { nn::check_rgba_size(4097, 1, 4097 * 4); }),
              HasSubstr("larger than the limit"));
}

TEST(ImageLimits, RefusesMismatchedAndNonPositiveSizes) {
  EXPECT_THAT(nn::test::error_of([] { nn::check_rgba_size(10, 11, 400); }),
              HasSubstr("expected 10 x 11 x 4 RGBA bytes, got 400"));
  EXPECT_THAT(nn::test::error_of([] { nn::check_rgba_size(-10, -10, 400); }),
              HasSubstr("expected -10 x -10 x 4 RGBA bytes, got 400"));
  EXPECT_THAT(nn::test::error_of([] { nn::check_rgba_size(0, 5, 0); }), HasSubstr("expected 0 x 5 x 4"));
}

TEST(ImageLimits, InkFromRgbaAndNormalizeDigitUseTheSameBound) {
  const std::vector<std::uint8_t> rgba(262144, 0);
  EXPECT_THAT(nn::test::error_of([&] { nn::ink_from_rgba(rgba, 65536, 65537); }), HasSubstr("larger than the limit"));
  const std::vector<float> ink(16, 1.0f);
  Eigen::VectorXf out(nn::kDigitSide * nn::kDigitSide);
  // 65536 x 65536 wraps to 0 in 32 bits; 4 x 4 ink claimed as 65536 x 65536 must not pass.
  EXPECT_THAT(nn::test::error_of([&] { nn::normalize_digit(ink, 65536, 65536, out); }),
              HasSubstr("larger than the limit"));
  EXPECT_TRUE(nn::normalize_digit(ink, 4, 4, out));
}

}  // namespace
