// Work sharing for the training path (forward_sparse.cpp, step.cpp): rows of a product
// cut into blocks that the threads of an OpenMP parallel region take as they come free.
// Without OpenMP (the WebAssembly build) the pragmas are ignored and it is a plain loop.
#pragma once

#include <Eigen/Core>
#include <algorithm>

namespace nn::detail {

// Rows per block: 64 for dense products (a 500-row layer is 8 blocks); 256 for the
// sparse first layer, whose product walks all the batch's nonzeros once per block.
inline constexpr Eigen::Index kBlock = 64;
inline constexpr Eigen::Index kSparseBlock = 256;
// Samples per block for the image layers, which go sample by sample: 8 blocks in a
// batch of 64. The backward pass sums each block's gradients apart, then the blocks in
// order, so the sum does not depend on the number of threads either.
inline constexpr Eigen::Index kImageBlock = 8;

// Runs f(first, count) over rows [0, n) in blocks of `block` rows, handed out to the
// threads of the enclosing parallel region as they come free: a thread the machine
// slows down takes fewer blocks instead of holding the others up. Every block is
// computed the same way whichever thread runs it, so results do not depend on the
// number of threads. Ends with a barrier, as every OpenMP for loop does.
template <class F>
void for_blocks(Eigen::Index n, Eigen::Index block, F&& f) {
  const Eigen::Index blocks = (n + block - 1) / block;
#pragma omp for schedule(dynamic)
  for (Eigen::Index i = 0; i < blocks; ++i) f(i * block, std::min(block, n - i * block));
}

}  // namespace nn::detail
