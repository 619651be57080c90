// recipe.js: RECIPE, every tuned number of how the page learns a person's handwriting
// from their corrections, each with its reason. The numbers were chosen and are
// measured by bench/personal.cjs (simulated people, MNIST's test set).
// Not: code. The parts, each in its own file:
//   style.js         measuring how a person writes (slant, width) and taking it out
//   training_set.js  what one adaptation trains on, and the adaptation (Model.fit)
//   reader.js        how a drawing is read once adapted; which guesses are accepted
//   formats.js       a drawing as bytes; the CSV of drawings and of the replay sample
// The page runs the adaptation in a worker (learner.worker.js) and reads in
// corrections.js; bench/personal.cjs and tests/wasm/ import the same modules.
//
// The recipe itself, step by step, why each step is there and what it was measured
// against: docs/corrections.md. Here only its numbers.

export const RECIPE = Object.freeze({
  // What one adaptation trains on (training_set.js).
  copies: 4,          // each corrected drawing this many times per epoch (8: the same or worse)
  replay: 384,        // MNIST digits mixed in, drawn afresh from the sample, so MNIST stays read (512, 640: no better)
  accepted: 200,      // the latest accepted drawings, in place of as many replayed digits: a habit stays in its class
  straighten: true,   // their drawings learned and read in MNIST's slant and width (style.js): error x0.42-0.48 (x0.46-0.59 restyling the replay)
  // How it trains: the module's Model.fit options (its seed: the number of corrected drawings).
  fit: Object.freeze({
    learningRate: 0.002,  // from the shipped weights, a small step (0.003: worse)
    batchSize: 16,        // small batches: many steps on the few hundred rows of one adaptation
    epochs: 5,            // 8: a little better, but 1.5 times as long and up to 0.40 points lost on MNIST
    frozenLayers: 1,      // the first layer (784 x 500, 68 % of the weights) as shipped: half the MNIST loss and time
    // Distortions drawn afresh every epoch, so that a drawing is learned, not its exact
    // pixels (stronger ones: the same or worse).
    augment: Object.freeze({
      maxShift: 1,        // pixels
      maxRotation: 8,     // degrees
      maxScale: 0.08,     // of the size
      maxThickness: 0.3,  // pixels of pen, thinner or bolder
      elasticAlpha: 0,    // no elastic warp
    }),
  }),
  // How far a person's style is taken out (style.js). The limits were measured when the
  // page slanted the replay into the person's hand instead, and kept.
  style: Object.freeze({
    maxSlant: 0.75,   // x per y: as far as people lean (MNIST's own: -0.45 to 0.47); the strongly slanted gain the most
    maxAspect: 0.4,   // log(width / height) off the class's mean: MNIST's own 5th to 95th percentiles (-0.41 to 0.39)
    ink: 64,          // from this byte a pixel is ink when a restyled digit is fitted back into MNIST's 20x20 box: faint edges may spill
  }),
  // How a drawing is read once adapted (reader.js, read).
  read: Object.freeze({
    // r = (distance to the nearest corrected drawing) / (distance to the nearest sample digit)
    near: 0.9,        // r below this: the person's handwriting, which the adapted network learned: it answers alone
    far: 1.2,         // r from this on: like everyone else's digits, both networks answer; a ramp in between
    nearWeight: 1,    // the adapted network's weight near (a weighted geometric mean with the shipped one)
    farWeight: 0.3,   // its weight far: learning a barred 7 costs some of MNIST's 9s, the shipped network keeps them
    sureness: 0.2,    // nats: the shipped network this much surer of the straightened drawing weighs it 0.73 to 0.27
    recall: 1.5,      // the memory's reach (L2, inputs in [0, 1]): two drawings of a digit are 5 to 10 apart
  }),
  // A guess the person cleared without correcting it is kept as read right this sure (reader.js, accepts).
  acceptConfidence: 0.9,  // a guess let stand may be wrong, the surer the less likely; a scribble is seldom this sure
});
