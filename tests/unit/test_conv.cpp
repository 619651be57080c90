// The image layers' kernels (libnn/src/conv.hpp): hand-computed outputs, the fast
// kernels against the references (float against double, 1e-5 relative to the largest
// value), the references' gradients against central differences, and bad geometry.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <functional>
#include <vector>

#include "conv.hpp"
#include "nn/error.hpp"
#include "nn/random.hpp"

namespace {

using nn::conv::Conv2d;
using nn::conv::Padding;
using nn::conv::Shape;
using Vec = std::vector<double>;

Vec random_vec(std::size_t n, nn::Rng& rng) {
  Vec v(n);
  for (double& x : v) x = rng.uniform(-1.0f, 1.0f);
  return v;
}

Eigen::MatrixXf to_matrix(const Vec& v, Eigen::Index rows) {
  Eigen::MatrixXf m(rows, static_cast<Eigen::Index>(v.size()) / rows);
  for (std::size_t i = 0; i < v.size(); ++i) m.data()[i] = static_cast<float>(v[i]);
  return m;
}

Vec column(const Eigen::MatrixXf& m, Eigen::Index c) {
  return Vec(m.col(c).data(), m.col(c).data() + m.rows());
}

double largest(const Vec& v) {
  double m = 1e-12;
  for (double x : v) m = std::max(m, std::abs(x));
  return m;
}

void expect_near_all(const Vec& got, const Vec& want, double tolerance, const char* what) {
  ASSERT_EQ(got.size(), want.size()) << what;
  const double scale = largest(want);
  for (std::size_t i = 0; i < got.size(); ++i) {
    ASSERT_NEAR(got[i], want[i], tolerance * scale) << what << " [" << i << "]";
  }
}

// d(sum of weights * f(x)) / dx by central differences, one entry of x at a time.
Vec numeric_gradient(Vec& x, const Vec& weights, const std::function<Vec()>& f) {
  constexpr double kStep = 1e-6;
  Vec grad(x.size());
  for (std::size_t i = 0; i < x.size(); ++i) {
    const double keep = x[i];
    double sums[2] = {0, 0};
    for (int side = 0; side < 2; ++side) {
      x[i] = keep + (side == 0 ? kStep : -kStep);
      const Vec out = f();
      for (std::size_t k = 0; k < out.size(); ++k) sums[side] += weights[k] * out[k];
    }
    x[i] = keep;
    grad[i] = (sums[0] - sums[1]) / (2 * kStep);
  }
  return grad;
}

TEST(Conv, HandComputedValid) {
  // One 3x3 image, one 2x2 filter [[1, 2], [3, 4]] (weights in ONNX's order), bias 10.
  const Conv2d g{{1, 3, 3}, 1, 2, Padding::Valid};
  const Vec in = {1, 2, 3, 4, 5, 6, 7, 8, 9};
  Vec out;
  nn::conv::conv2d_forward_reference(g, {1, 2, 3, 4}, {10}, in, out);
  // out[0,0] = 1*1 + 2*2 + 3*4 + 4*5 = 37, then + 10; the others likewise.
  EXPECT_EQ(out, (Vec{47, 57, 77, 87}));
}

TEST(Conv, HandComputedSamePadsWithZeros) {
  // A 3x3 filter of ones over a 3x3 image of ones, 'same': each output counts the
  // pixels its window covers inside the image (4 in a corner, 6 on an edge, 9 inside).
  const Conv2d g{{1, 3, 3}, 1, 3, Padding::Same};
  Vec out;
  nn::conv::conv2d_forward_reference(g, Vec(9, 1.0), {0}, Vec(9, 1.0), out);
  EXPECT_EQ(out, (Vec{4, 6, 4, 6, 9, 6, 4, 6, 4}));
  EXPECT_EQ(g.out().height, 3);
  EXPECT_EQ(g.out().width, 3);
}

TEST(Conv, ChannelsAndFiltersAreLaidOutAsOnnx) {
  // Two input channels, two 1x1 filters: out[f] = w[f, 0] in[0] + w[f, 1] in[1].
  const Conv2d g{{2, 1, 2}, 2, 1, Padding::Valid};
  const Vec in = {1, 2, 10, 20};  // channel 0: 1 2; channel 1: 10 20
  const Vec w = {1, 0, 0.5, 0.25};  // filter 0: (1, 0); filter 1: (0.5, 0.25)
  Vec out;
  nn::conv::conv2d_forward_reference(g, w, {0, 1}, in, out);
  EXPECT_EQ(out, (Vec{1, 2, 0.5 + 2.5 + 1, 1 + 5 + 1}));
}

struct Geometry {
  int channels, height, width, filters, kernel;
  Padding padding;
};

const Geometry kGeometries[] = {
    {1, 5, 5, 1, 1, Padding::Valid}, {1, 7, 6, 3, 3, Padding::Valid}, {3, 6, 7, 2, 3, Padding::Same},
    {2, 8, 8, 4, 5, Padding::Same},  {1, 5, 9, 2, 5, Padding::Valid}, {4, 4, 4, 3, 4, Padding::Valid},
};

TEST(Conv, FastEqualsReference) {
  nn::Rng rng(7);
  constexpr int kBatch = 3;
  for (const Geometry& c : kGeometries) {
    const Conv2d g{{c.channels, c.height, c.width}, c.filters, c.kernel, c.padding};
    nn::conv::check(g);
    const Vec w = random_vec(static_cast<std::size_t>(g.patch() * g.filters), rng);
    const Vec b = random_vec(static_cast<std::size_t>(g.filters), rng);
    const Vec x = random_vec(static_cast<std::size_t>(g.in.size() * kBatch), rng);
    const Vec dy = random_vec(static_cast<std::size_t>(g.out().size() * kBatch), rng);
    const Eigen::MatrixXf wf = to_matrix(w, g.patch());
    const Eigen::MatrixXf xf = to_matrix(x, g.in.size());
    const Eigen::MatrixXf dyf = to_matrix(dy, g.out().size());
    Eigen::VectorXf bf(g.filters);
    for (int f = 0; f < g.filters; ++f) bf(f) = static_cast<float>(b[f]);

    nn::conv::ConvScratch scratch;
    Eigen::MatrixXf y, dw, dx;
    Eigen::VectorXf db;
    nn::conv::conv2d_forward(g, wf, bf, xf, y, scratch);
    nn::conv::conv2d_backward(g, wf, xf, dyf, dw, db, &dx, scratch);

    Vec dw_want(w.size(), 0.0), db_want(b.size(), 0.0);
    for (int s = 0; s < kBatch; ++s) {
      const Vec xs = column(xf, s), dys = column(dyf, s);
      Vec y_want, dx_want;
      nn::conv::conv2d_forward_reference(g, w, b, xs, y_want);
      nn::conv::conv2d_backward_reference(g, w, xs, dys, dw_want, db_want, dx_want);
      expect_near_all(column(y, s), y_want, 1e-5, "y");
      expect_near_all(column(dx, s), dx_want, 1e-5, "dx");
    }
    expect_near_all(Vec(dw.data(), dw.data() + dw.size()), dw_want, 1e-5, "dw");
    expect_near_all(Vec(db.data(), db.data() + db.size()), db_want, 1e-5, "db");
  }
}

TEST(Conv, ReferenceGradientsMatchFiniteDifferences) {
  nn::Rng rng(11);
  for (const Geometry& c : kGeometries) {
    const Conv2d g{{c.channels, c.height, c.width}, c.filters, c.kernel, c.padding};
    Vec w = random_vec(static_cast<std::size_t>(g.patch() * g.filters), rng);
    Vec b = random_vec(static_cast<std::size_t>(g.filters), rng);
    Vec x = random_vec(static_cast<std::size_t>(g.in.size()), rng);
    const Vec dy = random_vec(static_cast<std::size_t>(g.out().size()), rng);  // the loss is sum(dy * y)
    Vec dw(w.size(), 0.0), db(b.size(), 0.0), dx;
    nn::conv::conv2d_backward_reference(g, w, x, dy, dw, db, dx);
    const auto forward = [&] {
      Vec y;
      nn::conv::conv2d_forward_reference(g, w, b, x, y);
      return y;
    };
    expect_near_all(dw, numeric_gradient(w, dy, forward), 1e-6, "dw");
    expect_near_all(db, numeric_gradient(b, dy, forward), 1e-6, "db");
    expect_near_all(dx, numeric_gradient(x, dy, forward), 1e-6, "dx");
  }
}

TEST(MaxPool, HandComputedDropsAnOddEdge) {
  // Channel 0 of a 3x5 image: the last row and column are dropped (floor), 2x2 out.
  const Shape in{2, 3, 5};
  Vec x = {1, 5, 2, 0, 9,  //
           3, 4, 8, 1, 9,  //
           9, 9, 9, 9, 9};
  for (int i = 0; i < 15; ++i) x.push_back(-i);  // channel 1: largest at each window's top left
  Vec out;
  nn::conv::maxpool2_forward_reference(in, x, out);
  EXPECT_EQ(out, (Vec{5, 8, 0, -2}));
  Vec dx;
  nn::conv::maxpool2_backward_reference(in, x, {1, 2, 3, 4}, dx);
  Vec want(30, 0.0);
  want[1] = 1;       // the 5
  want[7] = 2;       // the 8
  want[15 + 0] = 3;  // channel 1's 0
  want[15 + 2] = 4;  // channel 1's -2
  EXPECT_EQ(dx, want);
}

TEST(MaxPool, FastEqualsReferenceAndGradientsMatchFiniteDifferences) {
  nn::Rng rng(3);
  for (const Shape in : {Shape{1, 4, 4}, Shape{3, 6, 7}, Shape{2, 5, 5}}) {
    const nn::conv::Shape out_shape = nn::conv::pool_out(in);
    constexpr int kBatch = 2;
    const Vec x = random_vec(static_cast<std::size_t>(in.size() * kBatch), rng);  // distinct: no ties
    const Vec dy = random_vec(static_cast<std::size_t>(out_shape.size() * kBatch), rng);
    const Eigen::MatrixXf xf = to_matrix(x, in.size());
    const Eigen::MatrixXf dyf = to_matrix(dy, out_shape.size());
    Eigen::MatrixXf y, dx;
    nn::conv::maxpool2_forward(in, xf, y);
    nn::conv::maxpool2_backward(in, xf, dyf, dx);
    for (int s = 0; s < kBatch; ++s) {
      Vec xs = column(xf, s);
      const Vec dys = column(dyf, s);
      Vec y_want, dx_want;
      nn::conv::maxpool2_forward_reference(in, xs, y_want);
      nn::conv::maxpool2_backward_reference(in, xs, dys, dx_want);
      expect_near_all(column(y, s), y_want, 0, "y");
      expect_near_all(column(dx, s), dx_want, 0, "dx");
      const auto forward = [&] {
        Vec out;
        nn::conv::maxpool2_forward_reference(in, xs, out);
        return out;
      };
      expect_near_all(dx_want, numeric_gradient(xs, dys, forward), 1e-6, "dx numeric");
    }
  }
}

TEST(Conv, BadGeometryIsNamed) {
  const auto message = [](const Conv2d& g) {
    try {
      nn::conv::check(g);
    } catch (const nn::Error& e) {
      return std::string(e.what());
    }
    return std::string("no error");
  };
  EXPECT_EQ(message({{1, 28, 28}, 8, 4, Padding::Same}),
            "convolution 4x4 on 1x28x28: 'same' padding needs an odd kernel side");
  EXPECT_EQ(message({{1, 3, 3}, 8, 5, Padding::Valid}),
            "convolution 5x5 on 1x3x3: the kernel is larger than the image ('valid' padding)");
  EXPECT_EQ(message({{1, 28, 28}, 0, 3, Padding::Valid}), "convolution 3x3 on 1x28x28: expected at least one filter, got 0");
  EXPECT_EQ(message({{1, 28, 28}, 8, 5, Padding::Valid}), "no error");
  EXPECT_THROW(nn::conv::pool_out({4, 1, 8}), nn::Error);
}

}  // namespace
