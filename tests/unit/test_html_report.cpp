// The trainer's HTML report generator (trainer/html_report.cpp): a pure function over a
// TrainingRecord, its atomic writer and its two small helpers. The browser test
// (tests/browser/report.test.mjs) checks a real run's report in Chromium.
#include <gtest/gtest.h>

#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "html_report.hpp"
#include "nn/error.hpp"

namespace {

using trainer::EpochRecord;
using trainer::TrainingRecord;

TrainingRecord sample_record(int epochs) {
  TrainingRecord r;
  r.command_line = "trainer --train-path '<b>x</b>.csv'";
  r.settings = {{"learning-rate", "0.003"}, {"network-structure", "[784, 32, 10]"}};
  for (int e = 1; e <= epochs; ++e) {
    r.epochs.push_back({e, 1.0 / e, 0.5 + 0.1 * e, 0.9 / e, 0.6 + 0.05 * e, 0.003, 1.25});
  }
  r.evaluation_data = "t10k-images-idx3-ubyte.gz";
  r.confusion.assign(10, std::vector<std::size_t>(10, 1));
  for (std::size_t i = 0; i < 10; ++i) r.confusion[i][i] = 91;
  return r;
}

std::size_t count(const std::string& text, const std::string& what) {
  std::size_t n = 0;
  for (auto p = text.find(what); p != std::string::npos; p = text.find(what, p + 1)) ++n;
  return n;
}

TEST(HtmlReport, SelfContainedWithEveryChart) {
  const std::string html = trainer::render_html_report(sample_record(3));
  EXPECT_EQ(html.rfind("<!DOCTYPE html>", 0), 0u);
  EXPECT_EQ(html.find("<script"), std::string::npos);
  EXPECT_EQ(html.find("http"), std::string::npos);
  for (const char* id : {"id=\"loss\"", "id=\"accuracy\"", "id=\"learning-rate\"", "id=\"time\"", "id=\"confusion\""}) {
    EXPECT_NE(html.find(id), std::string::npos) << id;
  }
  // 3 epochs x (train loss, validation loss, train accuracy, validation accuracy, learning rate) points + 3 bars.
  EXPECT_EQ(count(html, "<circle class=\"point\""), 15u);
  EXPECT_EQ(count(html, "<rect class=\"bar\""), 3u);
  EXPECT_EQ(count(html, "<rect class=\"cell\""), 100u);
  // Final accuracy from the confusion matrix: 910 of 1000.
  EXPECT_NE(html.find("<b>91.00 %</b> accuracy (90 mistakes in 1000 samples)"), std::string::npos);
}

TEST(HtmlReport, PointsCarryExactValues) {
  TrainingRecord r = sample_record(2);
  r.epochs[1].validation_loss = 0.123456789;
  r.epochs[1].validation_accuracy = 0.9731;
  const std::string html = trainer::render_html_report(r);
  EXPECT_NE(html.find("data-series=\"validation-loss\" data-epoch=\"2\" data-value=\"0.123456789\""), std::string::npos);
  EXPECT_NE(html.find("data-series=\"validation-accuracy\" data-epoch=\"2\" data-value=\"0.9731\""), std::string::npos);
  EXPECT_NE(html.find("data-true=\"3\" data-predicted=\"3\" data-count=\"91\""), std::string::npos);
}

TEST(HtmlReport, EscapesText) {
  const std::string html = trainer::render_html_report(sample_record(1));
  EXPECT_EQ(html.find("<b>x</b>"), std::string::npos);
  EXPECT_NE(html.find("&#39;&lt;b&gt;x&lt;/b&gt;.csv&#39;"), std::string::npos);
}

TEST(HtmlReport, OneEpochAndFlatSeriesGiveFiniteCoordinates) {
  TrainingRecord r = sample_record(1);  // one point per series, every series flat
  r.epochs[0].learning_rate = 0;
  const std::string html = trainer::render_html_report(r);
  std::string lower = html;
  for (char& c : lower) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  EXPECT_EQ(lower.find("nan"), std::string::npos);
  EXPECT_EQ(lower.find("inf\""), std::string::npos);
  EXPECT_EQ(count(html, "<circle class=\"point\""), 5u);
}

TEST(HtmlReport, NoEpochsStillRenders) {
  TrainingRecord r;
  const std::string html = trainer::render_html_report(r);
  EXPECT_NE(html.find("</html>"), std::string::npos);
  EXPECT_EQ(html.find("id=\"confusion\""), std::string::npos);
}

TEST(HtmlReport, WritesAtomically) {
  const auto dir = std::filesystem::temp_directory_path() / ("nn-report-" + std::to_string(::testing::UnitTest::GetInstance()->random_seed()) + "-" + std::to_string(getpid()));
  std::filesystem::create_directories(dir);
  const std::string path = (dir / "r.html").string();
  const TrainingRecord r = sample_record(2);
  trainer::write_html_report(r, path);
  std::ifstream in(path);
  std::stringstream got;
  got << in.rdbuf();
  EXPECT_EQ(got.str(), trainer::render_html_report(r));
  EXPECT_EQ(std::distance(std::filesystem::directory_iterator(dir), {}), 1);  // no temporary left

  const std::string missing = (dir / "no" / "r.html").string();
  try {
    trainer::write_html_report(r, missing);
    ADD_FAILURE() << "no error for " << missing;
  } catch (const nn::Error& e) {
    EXPECT_NE(std::string(e.what()).find(missing), std::string::npos) << e.what();
  }
  EXPECT_FALSE(std::filesystem::exists(missing));
  std::filesystem::remove_all(dir);
}

TEST(HtmlReport, QuotesTheCommandLineForAShell) {
  const char* argv[] = {"trainer", "--report", "a b.html", "it's", "x=1,2"};
  EXPECT_EQ(trainer::shell_command_line(5, argv), "trainer --report 'a b.html' 'it'\\''s' x=1,2");
}

TEST(HtmlReport, ParsesCli11Settings) {
  const auto s = trainer::parse_settings("learning-rate=0.01\n# comment\ntrain-path=\"a b.csv\"\n[section]\n"
                                         "network-structure=[784, 10]\n");
  ASSERT_EQ(s.size(), 3u);
  EXPECT_EQ(s[0], (std::pair<std::string, std::string>{"learning-rate", "0.01"}));
  EXPECT_EQ(s[1].second, "\"a b.csv\"");
  EXPECT_EQ(s[2].second, "[784, 10]");
}

}  // namespace
