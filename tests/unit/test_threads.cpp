// The thread-count decision (nn::ThreadChooser): probes each candidate, keeps the one
// whose median batch time is lowest, re-probes after a hold that doubles while the
// choice stays. Batch times are made up here: the decision logic alone is tested.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <map>

#include "nn/threads.hpp"

namespace {

using ::testing::ElementsAre;

// Runs `batches` batches, each taking seconds_for[threads] (s); returns the thread
// count used by each batch.
std::vector<int> run(nn::ThreadChooser& c, int batches, const std::map<int, double>& seconds_for) {
  std::vector<int> used;
  for (int b = 0; b < batches; ++b) {
    used.push_back(c.next());
    c.record(seconds_for.at(used.back()));
  }
  return used;
}

TEST(ThreadChooser, CandidatesAreAllOneFewerAndOne) {
  EXPECT_THAT(nn::ThreadChooser(8).candidates(), ElementsAre(8, 7, 1));
  EXPECT_THAT(nn::ThreadChooser(2).candidates(), ElementsAre(2, 1));
  EXPECT_THAT(nn::ThreadChooser(1).candidates(), ElementsAre(1));
}

TEST(ThreadChooser, OneCoreNeverProbes) {
  nn::ThreadChooser c(1, 2, 3);
  EXPECT_THAT(run(c, 6, {{1, 1.0}}), ElementsAre(1, 1, 1, 1, 1, 1));
}

TEST(ThreadChooser, QuietMachineKeepsAllThreads) {
  nn::ThreadChooser c(2, /*probe=*/2, /*hold=*/3, /*max_hold=*/12);
  // Probe 1 twice, then 2 twice; 2 is faster: held 3 batches, then probed again (the
  // choice first).
  const std::vector<int> used = run(c, 11, {{2, 1.0}, {1, 1.6}});
  EXPECT_THAT(used, ElementsAre(1, 1, 2, 2, 2, 2, 2, 2, 2, 1, 1));
  // Same choice again: the hold doubles to 6.
  EXPECT_THAT(run(c, 7, {{2, 1.0}, {1, 1.6}}), ElementsAre(2, 2, 2, 2, 2, 2, 2));
}

TEST(ThreadChooser, BusyMachineSwitchesToOneThreadAndBack) {
  nn::ThreadChooser c(2, 2, 3, 12);
  // Under load two threads take 2.5x as long as one: one batch on two rules them out.
  EXPECT_THAT(run(c, 7, {{2, 2.5}, {1, 1.0}}), ElementsAre(1, 1, 2, 1, 1, 1, 1));
  // The load goes away: the probe under way finds two threads faster again.
  EXPECT_THAT(run(c, 8, {{2, 0.6}, {1, 1.0}}), ElementsAre(1, 2, 2, 2, 2, 2, 2, 2));
}

TEST(ThreadChooser, ClearlySlowerCandidateIsDroppedAfterOneBatch) {
  nn::ThreadChooser c(2, 4, 3, 12);
  // One thread for 4 batches, then a single batch on two (5 s > 2 x 1 s) is enough.
  EXPECT_THAT(run(c, 8, {{2, 5.0}, {1, 1.0}}), ElementsAre(1, 1, 1, 1, 2, 1, 1, 1));
  // The next probe: the same, and as the choice stays, the hold doubles to 6.
  EXPECT_THAT(run(c, 4 + 1 + 6 + 1, {{2, 5.0}, {1, 1.0}}), ElementsAre(1, 1, 1, 1, 2, 1, 1, 1, 1, 1, 1, 1));
}

TEST(ThreadChooser, AChoiceThatTurnsSlowIsProbedAgainAtOnce) {
  nn::ThreadChooser c(2, 2, 100);
  EXPECT_THAT(run(c, 6, {{2, 1.0}, {1, 1.6}}), ElementsAre(1, 1, 2, 2, 2, 2));
  // Load arrives: two threads now take 5 s. After 2 such batches the median of the last
  // 4 (1, 1, 5, 5 -> 3 s) is over 1.5 x one thread's 1.6 s: a probe at once (not after
  // the 100 of the hold), which moves to one thread.
  EXPECT_THAT(run(c, 2 + 2 + 2 + 2, {{2, 5.0}, {1, 1.6}}), ElementsAre(2, 2, 2, 2, 1, 1, 1, 1));
}

TEST(ThreadChooser, MedianIgnoresOneSlowBatch) {
  nn::ThreadChooser c(2, 3, 5);
  // One batch on 1 thread is hit by something else (10 s); its median (1 s) still wins.
  std::vector<int> used;
  const double times_1[] = {1.0, 10.0, 1.0};
  for (double t : times_1) {
    used.push_back(c.next());
    c.record(t);
  }
  for (int i = 0; i < 3; ++i) {
    used.push_back(c.next());
    c.record(1.5);
  }
  EXPECT_THAT(used, ElementsAre(1, 1, 1, 2, 2, 2));
  EXPECT_EQ(c.next(), 1);
}

TEST(ThreadChooser, ManyCoresWithOneTakenPicksOneFewer) {
  nn::ThreadChooser c(16, 1, 4);
  const std::vector<int> used = run(c, 5, {{16, 0.30}, {15, 0.12}, {1, 1.0}});
  EXPECT_THAT(used, ElementsAre(1, 16, 15, 15, 15));
}

TEST(Threads, FixedCountIsKept) {
  nn::set_threads(3);
  EXPECT_EQ(nn::threads(), 3);
  nn::set_threads(0);
  EXPECT_GE(nn::threads(), 1);
  EXPECT_THROW(nn::set_threads(-1), std::exception);
}

}  // namespace
