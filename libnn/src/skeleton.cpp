// A digit's strokes from its image (nn/pen.hpp): Zhang-Suen thinning to a skeleton one
// pixel wide, then tracing the skeleton into polylines.
//
// Legend: S = side; pixel (x, y) at index y * S + x; outside the image is paper.
// Neighbours of p, clockwise from the top (Zhang & Suen 1984, "A fast parallel
// algorithm for thinning digital patterns"): P2 = up, P3 = up-right, P4 = right, ...,
// P9 = up-left.
#include <algorithm>
#include <array>
#include <string>

#include "nn/error.hpp"
#include "nn/pen.hpp"

namespace nn {
namespace {

// Offsets of P2..P9, clockwise from the top.
constexpr std::array<int, 8> kDx = {0, 1, 1, 1, 0, -1, -1, -1};
constexpr std::array<int, 8> kDy = {-1, -1, 0, 1, 1, 1, 0, -1};

void check_side(std::size_t size, int side, const char* what) {
  if (side <= 0 || size != static_cast<std::size_t>(side) * static_cast<std::size_t>(side)) {
    throw Error(std::string(what) + ": expected a side x side image with side " + std::to_string(side) + ", got " +
                std::to_string(size) + " pixels");
  }
}

bool on(const std::vector<std::uint8_t>& img, int side, int x, int y) {
  return x >= 0 && y >= 0 && x < side && y < side && img[static_cast<std::size_t>(y * side + x)] != 0;
}

// One Zhang-Suen sub-iteration (first: step 1, else step 2); returns whether a pixel went.
bool thin_pass(std::vector<std::uint8_t>& img, int side, bool first, std::vector<int>& doomed) {
  doomed.clear();
  for (int y = 0; y < side; ++y) {
    for (int x = 0; x < side; ++x) {
      if (!on(img, side, x, y)) continue;
      std::array<bool, 8> p{};
      int count = 0;
      for (int k = 0; k < 8; ++k) count += (p[k] = on(img, side, x + kDx[k], y + kDy[k]));
      int transitions = 0;  // 0 -> 1 changes around P2, P3, ..., P9, P2
      for (int k = 0; k < 8; ++k) transitions += !p[k] && p[(k + 1) % 8];
      if (count < 2 || count > 6 || transitions != 1) continue;
      // P2, P4, P6, P8 = p[0], p[2], p[4], p[6].
      const bool a = first ? !(p[0] && p[2] && p[4]) : !(p[0] && p[2] && p[6]);
      const bool b = first ? !(p[2] && p[4] && p[6]) : !(p[0] && p[4] && p[6]);
      if (a && b) doomed.push_back(y * side + x);
    }
  }
  for (int i : doomed) img[static_cast<std::size_t>(i)] = 0;
  return !doomed.empty();
}

int neighbours(const std::vector<std::uint8_t>& img, int side, int x, int y) {
  int n = 0;
  for (int k = 0; k < 8; ++k) n += on(img, side, x + kDx[k], y + kDy[k]);
  return n;
}

Point centre(int x, int y) { return {static_cast<float>(x) + 0.5f, static_cast<float>(y) + 0.5f}; }

// Walks from (x, y) through unvisited skeleton pixels, marking them; 4-neighbours
// (even k) before diagonals, so a staircase is followed step by step.
Stroke walk(const std::vector<std::uint8_t>& skel, std::vector<std::uint8_t>& seen, int side, int x, int y) {
  Stroke stroke{centre(x, y)};
  seen[static_cast<std::size_t>(y * side + x)] = 1;
  for (;;) {
    int next = -1;
    for (int pass = 0; pass < 2 && next < 0; ++pass) {
      for (int k = pass; k < 8; k += 2) {
        const int nx = x + kDx[k], ny = y + kDy[k];
        if (on(skel, side, nx, ny) && !seen[static_cast<std::size_t>(ny * side + nx)]) {
          next = k;
          break;
        }
      }
    }
    if (next < 0) break;
    x += kDx[next];
    y += kDy[next];
    seen[static_cast<std::size_t>(y * side + x)] = 1;
    stroke.push_back(centre(x, y));
  }
  // Join the end to a pixel already drawn next to it (a junction or the loop's start),
  // but not to the pixel just before it.
  const Point before = stroke.size() > 1 ? stroke[stroke.size() - 2] : Point{-9, -9};
  for (int k = 0; k < 8; ++k) {
    const int nx = x + kDx[k], ny = y + kDy[k];
    const Point c = centre(nx, ny);
    if (on(skel, side, nx, ny) && !(c.x == before.x && c.y == before.y) && stroke.size() > 2) {
      stroke.push_back(c);
      break;
    }
  }
  return stroke;
}

// [1/4 1/2 1/4] along the stroke, ends fixed (a closed loop's ends too: it stays closed).
void smooth(Stroke& s, int passes) {
  for (int p = 0; p < passes && s.size() > 2; ++p) {
    Stroke t = s;
    for (std::size_t i = 1; i + 1 < s.size(); ++i) {
      t[i].x = 0.25f * s[i - 1].x + 0.5f * s[i].x + 0.25f * s[i + 1].x;
      t[i].y = 0.25f * s[i - 1].y + 0.5f * s[i].y + 0.25f * s[i + 1].y;
    }
    s = std::move(t);
  }
}

}  // namespace

std::vector<std::uint8_t> skeleton(std::span<const std::uint8_t> image, int side, std::uint8_t threshold) {
  check_side(image.size(), side, "skeleton");
  std::vector<std::uint8_t> img(image.size());
  for (std::size_t i = 0; i < image.size(); ++i) img[i] = image[i] >= threshold ? 1 : 0;
  std::vector<int> doomed;
  for (;;) {
    const bool a = thin_pass(img, side, true, doomed);
    const bool b = thin_pass(img, side, false, doomed);
    if (!a && !b) break;
  }
  return img;
}

std::vector<Stroke> trace(std::span<const std::uint8_t> skel_in, int side) {
  check_side(skel_in.size(), side, "trace");
  const std::vector<std::uint8_t> skel(skel_in.begin(), skel_in.end());
  std::vector<std::uint8_t> seen(skel.size(), 0);
  std::vector<Stroke> strokes;
  // Ends first, so that open strokes start at an end; then whatever is left (loops).
  for (int pass = 0; pass < 2; ++pass) {
    for (int y = 0; y < side; ++y) {
      for (int x = 0; x < side; ++x) {
        const auto i = static_cast<std::size_t>(y * side + x);
        if (!skel[i] || seen[i]) continue;
        if (pass == 0 && neighbours(skel, side, x, y) != 1) continue;
        strokes.push_back(walk(skel, seen, side, x, y));
      }
    }
  }
  return strokes;
}

std::vector<Stroke> digit_strokes(std::span<const std::uint8_t> image, int side, int min_points, int passes) {
  std::vector<Stroke> strokes = trace(skeleton(image, side), side);
  std::erase_if(strokes, [&](const Stroke& s) { return static_cast<int>(s.size()) < min_points; });
  for (Stroke& s : strokes) smooth(s, passes);
  return strokes;
}

}  // namespace nn
