// The portable random source: reproducible, in range, and shuffle is a permutation.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <map>
#include <numeric>
#include <vector>

#include "nn/random.hpp"

namespace {

TEST(Rng, SameSeedSameSequence) {
  nn::Rng a(123), b(123), c(124);
  bool differs = false;
  for (int i = 0; i < 100; ++i) {
    const std::uint64_t x = a.next_u64();
    EXPECT_EQ(x, b.next_u64());
    differs |= x != c.next_u64();
  }
  EXPECT_TRUE(differs);
}

TEST(Rng, KnownSplitmix64Values) {
  // splitmix64 from seed 0 (Vigna's reference): the first outputs.
  nn::Rng r(0);
  EXPECT_EQ(r.next_u64(), 0xe220a8397b1dcdafULL);
  EXPECT_EQ(r.next_u64(), 0x6e789e6aa1b965f4ULL);
  EXPECT_EQ(r.next_u64(), 0x06c45d188009454fULL);
}

TEST(Rng, BelowStaysBelowAndCoversTheRange) {
  nn::Rng r(1);
  for (std::uint32_t n : {1u, 2u, 3u, 7u, 10u, 1000u, 0x80000001u, 0xffffffffu}) {
    for (int i = 0; i < 2000; ++i) ASSERT_LT(r.below(n), n) << n;
  }
  // Every value of a small range appears, roughly uniformly (60000 draws of 0..9).
  std::vector<int> counts(10, 0);
  for (int i = 0; i < 60000; ++i) ++counts[r.below(10)];
  for (int c : counts) EXPECT_NEAR(c, 6000, 300);  // > 4 standard deviations (sd = 73)
}

TEST(Rng, UniformStaysInRange) {
  nn::Rng r(2);
  double sum = 0;
  float lo_seen = 1, hi_seen = -1;
  for (int i = 0; i < 100000; ++i) {
    const float u = r.uniform(-0.3f, 0.3f);
    ASSERT_GE(u, -0.3f);
    ASSERT_LT(u, 0.3f);
    lo_seen = std::min(lo_seen, u);
    hi_seen = std::max(hi_seen, u);
    sum += u;
  }
  EXPECT_LT(lo_seen, -0.299f);
  EXPECT_GT(hi_seen, 0.299f);
  EXPECT_NEAR(sum / 100000, 0.0, 0.003);  // sd of the mean: 0.173 / sqrt(1e5) = 0.00055
  for (int i = 0; i < 1000; ++i) {
    const float u = r.uniform(5, 6);
    ASSERT_GE(u, 5.0f);
    ASSERT_LT(u, 6.0f);
  }
}

TEST(Rng, NormalHasUnitVariance) {
  nn::Rng r(3);
  double sum = 0, sq = 0;
  const int n = 100000;
  for (int i = 0; i < n; ++i) {
    const double x = r.normal();
    ASSERT_TRUE(std::isfinite(x));
    sum += x;
    sq += x * x;
  }
  EXPECT_NEAR(sum / n, 0.0, 0.02);
  EXPECT_NEAR(sq / n, 1.0, 0.02);
}

TEST(Shuffle, IsAReproduciblePermutation) {
  std::vector<std::uint32_t> a(1000), b(1000), c(1000);
  std::iota(a.begin(), a.end(), 0u);
  b = c = a;
  nn::Rng ra(9), rb(9), rc(10);
  nn::shuffle(a, ra);
  nn::shuffle(b, rb);
  nn::shuffle(c, rc);
  EXPECT_EQ(a, b);
  EXPECT_NE(a, c);
  std::vector<std::uint32_t> sorted = a;
  std::sort(sorted.begin(), sorted.end());
  std::vector<std::uint32_t> identity(1000);
  std::iota(identity.begin(), identity.end(), 0u);
  EXPECT_EQ(sorted, identity);  // a permutation
  EXPECT_GT(std::inner_product(a.begin(), a.end(), identity.begin(), 0, std::plus<>(),
                               [](auto x, auto y) { return x != y ? 1 : 0; }),
            900);  // actually moved things
}

TEST(Shuffle, EveryOrderOfThreeIsReachable) {
  // 6000 shuffles of (0, 1, 2): each of the 6 orders about 1000 times.
  nn::Rng r(4);
  std::map<std::vector<std::uint32_t>, int> seen;
  for (int i = 0; i < 6000; ++i) {
    std::vector<std::uint32_t> v{0, 1, 2};
    nn::shuffle(v, r);
    ++seen[v];
  }
  ASSERT_EQ(seen.size(), 6u);
  for (const auto& [order, count] : seen) EXPECT_NEAR(count, 1000, 150);
}

TEST(Shuffle, EmptyAndSingle) {
  nn::Rng r(5);
  std::vector<std::uint32_t> none, one{42};
  nn::shuffle(none, r);
  nn::shuffle(one, r);
  EXPECT_EQ(one, std::vector<std::uint32_t>{42});
}

}  // namespace
