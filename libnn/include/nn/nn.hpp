// libnn's whole public API in one include: `#include "nn/nn.hpp"`.
//
//   network.hpp      the network (layers, sizes, bounds), its parameters as one array
//   layer_list.hpp   layer lists as text ("conv5x16 pool2 dense128 dense10")
//   activation.hpp   hidden-layer activations     softmax.hpp  softmax and cross-entropy
//   forward.hpp      forward pass, predict         backward.hpp the reference backward pass
//   init.hpp         weight initialisation         random.hpp   the portable random source
//   optimizer.hpp    SGD settings                  fit.hpp      a whole training run
//   augment.hpp      distortions of training images
//   threads.hpp      how many threads training uses
//   dataset.hpp      labelled image sets           data_io.hpp  reading and writing them (CSV, IDX)
//   evaluate.hpp     loss, accuracy, confusion     image.hpp    drawings -> network input
//   weights_io.hpp   the weights JSON              compact_model.hpp  the compact .nnm format
//   model_io.hpp     either model file, by content onnx_export.hpp    ONNX export
//   atomic_file.hpp  writing a file atomically     error.hpp    nn::Error, the one exception type
//
// digitnn::core (portable, also in WebAssembly) has everything but the writing and data
// files: data_io.hpp, atomic_file.hpp, onnx_export.hpp, save_weights and save_compact
// need digitnn::nn.
#pragma once

#include "nn/activation.hpp"
#include "nn/atomic_file.hpp"
#include "nn/augment.hpp"
#include "nn/backward.hpp"
#include "nn/compact_model.hpp"
#include "nn/data_io.hpp"
#include "nn/dataset.hpp"
#include "nn/error.hpp"
#include "nn/evaluate.hpp"
#include "nn/fit.hpp"
#include "nn/forward.hpp"
#include "nn/image.hpp"
#include "nn/init.hpp"
#include "nn/layer_list.hpp"
#include "nn/model_io.hpp"
#include "nn/network.hpp"
#include "nn/onnx_export.hpp"
#include "nn/optimizer.hpp"
#include "nn/pen.hpp"
#include "nn/random.hpp"
#include "nn/softmax.hpp"
#include "nn/threads.hpp"
#include "nn/weights_io.hpp"
