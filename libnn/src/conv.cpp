// The image layers' kernels (conv.hpp): references as the formulas read, and the fast
// kernels, which turn each sample's convolution into one matrix product (im2col).
#include "conv.hpp"

#include <algorithm>
#include <string>

#include "nn/error.hpp"

namespace nn::conv {

Conv2d geometry(const ImageLayer& layer) { return {layer.in, layer.filters, layer.kernel, layer.padding}; }

Shape Conv2d::out() const {
  const int shrink = padding == Padding::Same ? 0 : kernel - 1;
  return {filters, in.height - shrink, in.width - shrink};
}

void check(const Conv2d& g) {
  const auto fail = [&](const std::string& what) {
    throw Error("convolution " + std::to_string(g.kernel) + "x" + std::to_string(g.kernel) + " on " +
                std::to_string(g.in.channels) + "x" + std::to_string(g.in.height) + "x" +
                std::to_string(g.in.width) + ": " + what);
  };
  if (g.in.channels < 1 || g.in.height < 1 || g.in.width < 1) fail("the input needs at least one pixel and channel");
  if (g.filters < 1) fail("expected at least one filter, got " + std::to_string(g.filters));
  if (g.kernel < 1) fail("expected a kernel side of at least 1");
  if (g.padding == Padding::Same && g.kernel % 2 == 0) fail("'same' padding needs an odd kernel side");
  if (g.padding == Padding::Valid && (g.kernel > g.in.height || g.kernel > g.in.width)) {
    fail("the kernel is larger than the image ('valid' padding)");
  }
}

Shape pool_out(const Shape& in) {
  if (in.height < 2 || in.width < 2) {
    throw Error("2x2 max-pooling needs an image of at least 2x2, got " + std::to_string(in.height) + "x" +
                std::to_string(in.width));
  }
  return {in.channels, in.height / 2, in.width / 2};
}

namespace {

// Index of in[c, y, x] in a C H W sample, or -1 outside the image (the zero padding).
int at(const Shape& s, int c, int y, int x) {
  if (y < 0 || y >= s.height || x < 0 || x >= s.width) return -1;
  return (c * s.height + y) * s.width + x;
}

// Weight row q of input channel c, kernel row i, kernel column j.
int weight_row(const Conv2d& g, int c, int i, int j) { return (c * g.kernel + i) * g.kernel + j; }

// Calls f(p, q, input index) for every output position p and patch entry q that reads
// a pixel inside the image.
template <class F>
void for_each_tap(const Conv2d& g, F&& f) {
  const Shape o = g.out();
  for (int y = 0; y < o.height; ++y) {
    for (int x = 0; x < o.width; ++x) {
      const int p = y * o.width + x;
      for (int c = 0; c < g.in.channels; ++c) {
        for (int i = 0; i < g.kernel; ++i) {
          for (int j = 0; j < g.kernel; ++j) {
            const int from = at(g.in, c, y + i - g.pad(), x + j - g.pad());
            if (from >= 0) f(p, weight_row(g, c, i, j), from);
          }
        }
      }
    }
  }
}

// The input row of the largest of the 2 x 2 window of output (c, y, x); the first of equals.
template <class Value>
int window_max(const Shape& in, int c, int y, int x, Value value) {
  int best = at(in, c, 2 * y, 2 * x);
  for (int i = 0; i < 2; ++i) {
    for (int j = 0; j < 2; ++j) {
      const int k = at(in, c, 2 * y + i, 2 * x + j);
      if (value(k) > value(best)) best = k;
    }
  }
  return best;
}

}  // namespace

// --- references ------------------------------------------------------------------------

void conv2d_forward_reference(const Conv2d& g, const std::vector<double>& w, const std::vector<double>& b,
                              const std::vector<double>& in, std::vector<double>& out) {
  const Shape o = g.out();
  const int plane = o.height * o.width;
  out.assign(static_cast<std::size_t>(o.size()), 0.0);
  for (int f = 0; f < g.filters; ++f) {
    for (int p = 0; p < plane; ++p) out[f * plane + p] = b[f];
  }
  for_each_tap(g, [&](int p, int q, int from) {
    for (int f = 0; f < g.filters; ++f) out[f * plane + p] += w[f * g.patch() + q] * in[from];
  });
}

void conv2d_backward_reference(const Conv2d& g, const std::vector<double>& w, const std::vector<double>& in,
                               const std::vector<double>& dout, std::vector<double>& dw, std::vector<double>& db,
                               std::vector<double>& din) {
  const int plane = g.out().height * g.out().width;
  din.assign(static_cast<std::size_t>(g.in.size()), 0.0);
  for (int f = 0; f < g.filters; ++f) {
    for (int p = 0; p < plane; ++p) db[f] += dout[f * plane + p];
  }
  for_each_tap(g, [&](int p, int q, int from) {
    for (int f = 0; f < g.filters; ++f) {
      dw[f * g.patch() + q] += dout[f * plane + p] * in[from];
      din[from] += dout[f * plane + p] * w[f * g.patch() + q];
    }
  });
}

void maxpool2_forward_reference(const Shape& in_shape, const std::vector<double>& in, std::vector<double>& out) {
  const Shape o = pool_out(in_shape);
  out.assign(static_cast<std::size_t>(o.size()), 0.0);
  for (int c = 0; c < o.channels; ++c) {
    for (int y = 0; y < o.height; ++y) {
      for (int x = 0; x < o.width; ++x) {
        out[(c * o.height + y) * o.width + x] = in[window_max(in_shape, c, y, x, [&](int k) { return in[k]; })];
      }
    }
  }
}

void maxpool2_backward_reference(const Shape& in_shape, const std::vector<double>& in,
                                 const std::vector<double>& dout, std::vector<double>& din) {
  const Shape o = pool_out(in_shape);
  din.assign(static_cast<std::size_t>(in_shape.size()), 0.0);
  for (int c = 0; c < o.channels; ++c) {
    for (int y = 0; y < o.height; ++y) {
      for (int x = 0; x < o.width; ++x) {
        din[window_max(in_shape, c, y, x, [&](int k) { return in[k]; })] += dout[(c * o.height + y) * o.width + x];
      }
    }
  }
}

// --- fast ---------------------------------------------------------------------------------

namespace {

// One sample's patches (OH OW x Q) from its C H W values; zeros where the kernel hangs
// over the image's edge. Column by column: each is contiguous (column-major).
void im2col(const Conv2d& g, const float* sample, Eigen::MatrixXf& patches) {
  const Shape o = g.out();
  patches.resize(o.height * o.width, g.patch());
  for (int c = 0; c < g.in.channels; ++c) {
    for (int i = 0; i < g.kernel; ++i) {
      for (int j = 0; j < g.kernel; ++j) {
        float* column = patches.col(weight_row(g, c, i, j)).data();
        for (int y = 0; y < o.height; ++y) {
          const int iy = y + i - g.pad();
          float* row = column + y * o.width;
          if (iy < 0 || iy >= g.in.height) {
            std::fill(row, row + o.width, 0.0f);
            continue;
          }
          const float* from = sample + (c * g.in.height + iy) * g.in.width;
          for (int x = 0; x < o.width; ++x) {
            const int ix = x + j - g.pad();
            row[x] = ix >= 0 && ix < g.in.width ? from[ix] : 0.0f;
          }
        }
      }
    }
  }
}

// The reverse: each patch entry's gradient added to the input pixel it was read from.
void col2im(const Conv2d& g, const Eigen::MatrixXf& patch_grads, float* sample) {
  const Shape o = g.out();
  for (int c = 0; c < g.in.channels; ++c) {
    for (int i = 0; i < g.kernel; ++i) {
      for (int j = 0; j < g.kernel; ++j) {
        const float* column = patch_grads.col(weight_row(g, c, i, j)).data();
        for (int y = 0; y < o.height; ++y) {
          const int iy = y + i - g.pad();
          if (iy < 0 || iy >= g.in.height) continue;
          const float* row = column + y * o.width;
          float* to = sample + (c * g.in.height + iy) * g.in.width;
          for (int x = 0; x < o.width; ++x) {
            const int ix = x + j - g.pad();
            if (ix >= 0 && ix < g.in.width) to[ix] += row[x];
          }
        }
      }
    }
  }
}

}  // namespace

void conv2d_forward_sample(const Conv2d& g, const Eigen::MatrixXf& w, const Eigen::VectorXf& b, const float* x,
                           float* y, ConvScratch& scratch) {
  const Shape o = g.out();
  im2col(g, x, scratch.patches);
  // Column f of this OH OW x F map is output channel f: the sample's C H W order.
  Eigen::Map<Eigen::MatrixXf> out(y, o.height * o.width, g.filters);
  out.noalias() = scratch.patches * w;
  out.rowwise() += b.transpose();
}

void conv2d_backward_sample(const Conv2d& g, const Eigen::MatrixXf& w, const float* x, const float* dy,
                            Eigen::MatrixXf& dw, Eigen::VectorXf& db, float* dx, ConvScratch& scratch) {
  const Shape o = g.out();
  const Eigen::Map<const Eigen::MatrixXf> grad(dy, o.height * o.width, g.filters);
  im2col(g, x, scratch.patches);
  dw.noalias() += scratch.patches.transpose() * grad;
  db += grad.colwise().sum().transpose();
  if (dx != nullptr) {
    std::fill(dx, dx + g.in.size(), 0.0f);
    scratch.patch_grads.noalias() = grad * w.transpose();
    col2im(g, scratch.patch_grads, dx);
  }
}

void maxpool2_forward_sample(const Shape& in, const float* x, float* y) {
  const Shape o = pool_out(in);
  for (int c = 0; c < o.channels; ++c) {
    for (int yy = 0; yy < o.height; ++yy) {
      const float* top = x + (c * in.height + 2 * yy) * in.width;
      const float* bottom = top + in.width;
      float* out = y + (c * o.height + yy) * o.width;
      for (int xx = 0; xx < o.width; ++xx) {
        out[xx] = std::max(std::max(top[2 * xx], top[2 * xx + 1]), std::max(bottom[2 * xx], bottom[2 * xx + 1]));
      }
    }
  }
}

void maxpool2_backward_sample(const Shape& in, const float* x, const float* dy, float* dx) {
  const Shape o = pool_out(in);
  std::fill(dx, dx + in.size(), 0.0f);
  for (int c = 0; c < o.channels; ++c) {
    for (int yy = 0; yy < o.height; ++yy) {
      for (int xx = 0; xx < o.width; ++xx) {
        dx[window_max(in, c, yy, xx, [&](int k) { return x[k]; })] += dy[(c * o.height + yy) * o.width + xx];
      }
    }
  }
}

void conv2d_forward(const Conv2d& g, const Eigen::MatrixXf& w, const Eigen::VectorXf& b,
                    const Eigen::Ref<const Eigen::MatrixXf>& x, Eigen::MatrixXf& y, ConvScratch& scratch) {
  y.resize(g.out().size(), x.cols());
  for (Eigen::Index s = 0; s < x.cols(); ++s) conv2d_forward_sample(g, w, b, x.col(s).data(), y.col(s).data(), scratch);
}

void conv2d_backward(const Conv2d& g, const Eigen::MatrixXf& w, const Eigen::Ref<const Eigen::MatrixXf>& x,
                     const Eigen::Ref<const Eigen::MatrixXf>& dy, Eigen::MatrixXf& dw, Eigen::VectorXf& db,
                     Eigen::MatrixXf* dx, ConvScratch& scratch) {
  dw.setZero(g.patch(), g.filters);
  db.setZero(g.filters);
  if (dx != nullptr) dx->resize(g.in.size(), x.cols());
  for (Eigen::Index s = 0; s < x.cols(); ++s) {
    conv2d_backward_sample(g, w, x.col(s).data(), dy.col(s).data(), dw, db,
                           dx != nullptr ? dx->col(s).data() : nullptr, scratch);
  }
}

void maxpool2_forward(const Shape& in, const Eigen::Ref<const Eigen::MatrixXf>& x, Eigen::MatrixXf& y) {
  y.resize(pool_out(in).size(), x.cols());
  for (Eigen::Index s = 0; s < x.cols(); ++s) maxpool2_forward_sample(in, x.col(s).data(), y.col(s).data());
}

void maxpool2_backward(const Shape& in, const Eigen::Ref<const Eigen::MatrixXf>& x,
                       const Eigen::Ref<const Eigen::MatrixXf>& dy, Eigen::MatrixXf& dx) {
  dx.resize(in.size(), x.cols());
  for (Eigen::Index s = 0; s < x.cols(); ++s) {
    maxpool2_backward_sample(in, x.col(s).data(), dy.col(s).data(), dx.col(s).data());
  }
}

}  // namespace nn::conv
