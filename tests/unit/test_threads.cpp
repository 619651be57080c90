// The thread-count decision (nn::detail::ThreadChooser): probes each candidate, keeps the one
// whose mean batch time is lowest, re-probes after a hold that doubles while the choice
// stays. Batch times are made up here: the decision logic alone is tested. The tests of
// the order of probes and holds let probing cost any share of the time (kAnyCost), so
// that only the doubling sets the hold.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <functional>
#include <map>

#include "nn/threads.hpp"
#include "thread_chooser.hpp"  // internal (libnn/src)

namespace {

using ::testing::ElementsAre;

constexpr double kAnyCost = 1e9;

// Runs `batches` batches, batch b on t threads taking seconds(t, b) (s); returns the
// thread count used by each batch.
std::vector<int> run(nn::detail::ThreadChooser& c, int batches, const std::function<double(int, int)>& seconds) {
  std::vector<int> used;
  for (int b = 0; b < batches; ++b) {
    used.push_back(c.next());
    c.record(seconds(used.back(), b));
  }
  return used;
}

std::vector<int> run(nn::detail::ThreadChooser& c, int batches, const std::map<int, double>& seconds_for) {
  return run(c, batches, [&](int threads, int) { return seconds_for.at(threads); });
}

TEST(ThreadChooser, CandidatesAreAllOneFewerHalfAndOne) {
  EXPECT_THAT(nn::detail::ThreadChooser(16).candidates(), ElementsAre(16, 15, 8, 1));
  EXPECT_THAT(nn::detail::ThreadChooser(3).candidates(), ElementsAre(3, 2, 1));
  EXPECT_THAT(nn::detail::ThreadChooser(2).candidates(), ElementsAre(2, 1));
  EXPECT_THAT(nn::detail::ThreadChooser(1).candidates(), ElementsAre(1));
}

TEST(ThreadChooser, OneCoreNeverProbes) {
  nn::detail::ThreadChooser c(1, 2, 3);
  EXPECT_THAT(run(c, 6, {{1, 1.0}}), ElementsAre(1, 1, 1, 1, 1, 1));
}

TEST(ThreadChooser, QuietMachineKeepsAllThreads) {
  nn::detail::ThreadChooser c(2, /*probe=*/2, /*hold=*/4, /*max_hold=*/16, kAnyCost);
  // Probe 1 twice, then 2 twice; 2 is faster: held 4 batches, then 1 is probed again
  // (2 comes with its mean over the hold): one batch of 1.6 s, a second one would be
  // over 2 x 1.0 s, so it is run but cannot win.
  const std::vector<int> used = run(c, 10, {{2, 1.0}, {1, 1.6}});
  EXPECT_THAT(used, ElementsAre(1, 1, 2, 2, 2, 2, 2, 2, 1, 1));
  // Same choice again: the hold doubles to 8.
  EXPECT_THAT(run(c, 9, {{2, 1.0}, {1, 1.6}}), ElementsAre(2, 2, 2, 2, 2, 2, 2, 2, 1));
}

// What two threads do beside a busy program on two cores (measured): most batches
// are faster than on one thread, but every fifth one waits out a time slice of the
// other program, and now and then one waits much longer.
double two_threads_under_load(int batch) {
  if (batch % 50 == 49) return 60.0;
  return batch % 5 == 4 ? 4.8 : 0.8;
}

TEST(ThreadChooser, BusyMachineCountsTheStallsNotTheTypicalBatch) {
  nn::detail::ThreadChooser c(2);  // the defaults
  double total = 0;
  const auto seconds = [&](int threads, int b) {
    const double t = threads == 1 ? 1.2 : two_threads_under_load(b);
    total += t;
    return t;
  };
  const std::vector<int> used = run(c, 2000, seconds);
  // The median batch on two threads (0.8 s) beats one thread (1.2 s), their mean (2.8 s)
  // does not: one thread is kept, with short probes of two that cannot win. Training
  // takes at most 10 % longer than on one thread throughout (2,000 batches: about two
  // epochs of MNIST at batch size 64).
  EXPECT_GE(std::count(used.begin(), used.end(), 1), 1950);
  EXPECT_LE(total, 1.1 * 2000 * 1.2);
}

TEST(ThreadChooser, BusyMachineSwitchesToOneThreadAndBack) {
  nn::detail::ThreadChooser c(2, 2, 3, 12, kAnyCost);
  // Under load two threads take 2.5x as long as one: one batch on two (2.5 s, over
  // 2 x 1 s) rules them out. After the hold of 3, a batch on two is ruled out again.
  EXPECT_THAT(run(c, 7, {{2, 2.5}, {1, 1.0}}), ElementsAre(1, 1, 2, 1, 1, 1, 2));
  // The load goes away: after the (doubled) hold of 6 on one thread, the probe finds
  // two threads faster again, and they are held.
  EXPECT_THAT(run(c, 6 + 2 + 3, {{2, 0.6}, {1, 1.0}}), ElementsAre(1, 1, 1, 1, 1, 1, 2, 2, 2, 2, 2));
}

TEST(ThreadChooser, ClearlySlowerCandidateIsDroppedAfterOneBatch) {
  nn::detail::ThreadChooser c(2, 4, 3, 12, kAnyCost);
  // One thread for 4 batches, then a single batch on two (5 s > 4 x 1 s) is enough.
  EXPECT_THAT(run(c, 8, {{2, 5.0}, {1, 1.0}}), ElementsAre(1, 1, 1, 1, 2, 1, 1, 1));
  // The next probe runs two threads once; as the choice stays, the hold doubles to 6.
  EXPECT_THAT(run(c, 1 + 6 + 1, {{2, 5.0}, {1, 1.0}}), ElementsAre(2, 1, 1, 1, 1, 1, 1, 2));
}

TEST(ThreadChooser, AChoiceThatTurnsSlowIsProbedAgainAtOnce) {
  nn::detail::ThreadChooser c(2, 2, 100);
  EXPECT_THAT(run(c, 6, {{2, 1.0}, {1, 1.6}}), ElementsAre(1, 1, 2, 2, 2, 2));
  // Load arrives: two threads now take 5 s. A run of 2 such batches (mean 5 s, over
  // 1.25 x one thread's 1.6 s) starts a probe at once (not after the 100 of the hold),
  // which moves to one thread.
  EXPECT_THAT(run(c, 2 + 2 + 4, {{2, 5.0}, {1, 1.6}}), ElementsAre(2, 2, 1, 1, 1, 1, 1, 1));
}

TEST(ThreadChooser, AnExpensiveProbeLengthensTheHold) {
  // One batch of 100 s on two threads (they wake up slowly beside a busy program) costs
  // 99 s beyond one thread's 1 s: at 10 % of the time for probing, 990 batches of hold.
  nn::detail::ThreadChooser c(2, 2, 4, 5000, 0.1);
  const std::vector<int> used = run(c, 2 + 1 + 990 + 1, [](int threads, int b) { return threads == 2 && b == 2 ? 100.0 : 1.0; });
  EXPECT_EQ(std::count(used.begin(), used.begin() + 2 + 1 + 990, 2), 1);
  EXPECT_EQ(used.back(), 2);  // the next probe
}

TEST(ThreadChooser, ManyCoresWithOneTakenPicksOneFewer) {
  nn::detail::ThreadChooser c(16, 1, 4);
  const std::vector<int> used = run(c, 7, {{16, 0.30}, {15, 0.12}, {8, 0.2}, {1, 1.0}});
  EXPECT_THAT(used, ElementsAre(1, 16, 15, 8, 15, 15, 15));
}

TEST(ThreadChooser, ManyCoresWithHalfTakenPicksHalf) {
  nn::detail::ThreadChooser c(16, 2, 8, 3200, kAnyCost);
  // The first probe: two batches on each candidate (1, 16, 15, 8), then 8 is held for 8
  // batches; the next probe drops each other candidate after one batch (over 2 x 0.2 s).
  const std::vector<int> used = run(c, 8 + 8 + 3 + 2, {{16, 0.9}, {15, 0.8}, {8, 0.2}, {1, 1.0}});
  const std::vector<int> expected = {1, 1, 16, 16, 15, 15, 8, 8, 8, 8, 8, 8, 8, 8, 8, 8, 16, 15, 1, 8, 8};
  EXPECT_EQ(used, expected);
}

TEST(Threads, FixedCountIsKept) {
  nn::set_threads(3);
  EXPECT_EQ(nn::threads(), 3);
  nn::set_threads(0);
  EXPECT_GE(nn::threads(), 1);
  EXPECT_THROW(nn::set_threads(-1), std::exception);
}

}  // namespace
