// recipe.js: how the page learns a person's handwriting from their corrections, described
// once, and RECIPE, every tuned number of it, each with its reason. The numbers were
// chosen and are measured by bench/personal.cjs (simulated people, MNIST's test set).
// Not: code. The parts, each in its own file:
//   style.js         measuring how a person writes (slant, width) and taking it out
//   training_set.js  what one adaptation trains on, and the adaptation (Model.fit)
//   reader.js        how a drawing is read once adapted; which guesses are accepted
//   formats.js       a drawing as bytes; the CSV of drawings and of the replay sample
// The page runs the adaptation in a worker (learner.worker.js) and reads in
// corrections.js; bench/personal.cjs and tests/wasm/ import the same modules.
//
// The recipe:
//   - Always from the shipped model: every adaptation starts from its weights and trains
//     on all the corrected (and accepted) drawings so far. The result depends only on the
//     drawings (the seed is the count of corrected ones), so a reload rebuilds it from the
//     stored drawings (with the drawings accepted since, which the page learns from at the
//     next correction: accepting alone does not adapt again).
//   - The first layer stays as shipped (fit.frozenLayers): its stroke detectors serve
//     every handwriting; the layers above learn the person's shapes.
//   - Each corrected drawing `copies` times, distorted a little every epoch (fit.augment:
//     shift, turn, size, pen), mixed with `replay` digits drawn from a small sample of
//     MNIST (fetched at the first correction), so that the model keeps reading everyone
//     else's digits.
//   - The drawings the person let stand (accepted: a guess at least acceptConfidence sure
//     that they cleared without correcting) take the place of as many replayed digits,
//     once each: the person's own digits that the page already reads right. Without
//     them, a habit learned from corrections spills over (a barred 7, once learned, takes
//     some of that person's 9s); with them the network learns where their 7s end and
//     their 9s begin.
//   - The person's drawings straightened (straighten): a person's digits lean and are as
//     narrow or wide as each other, whatever the digit. The page measures how much their
//     drawings (corrected, and the latest accepted) lean and how wide they are against
//     MNIST's digits of the same class, and takes that lean and width out of each of their
//     drawings before it learns from it, and out of each drawing it reads: the network
//     then sees their digits in MNIST's slant and width, which it already knows, and
//     learns only what differs beyond that (a bar on a 7, an open 4).
//   - Reading: the adapted network reads a drawing straightened and as drawn, the
//     straightened reading counting the more, the more it makes the drawing look like
//     MNIST to the shipped network (the person's drawings do; everyone else's do not).
//     A drawing more like the person's corrected drawings than like MNIST's sample is then
//     read by the adapted network; one more like MNIST's by both networks, which keeps
//     MNIST's digits read as the shipped model reads them (a person's 7 with a bar, once
//     learned, costs some of MNIST's 9s in the adapted network alone).
//   - A memory: a drawing nearly identical to a corrected one is read as corrected, so
//     the drawing on the canvas reads right at once after a correction.
//
// Cost: an adaptation is one Model.fit in the worker (the page shows its time); a guess
// after corrections is up to four forward passes (the adapted and the shipped network,
// the drawing as drawn and straightened) and a search of the corrected drawings and of
// the replay sample for the nearest one (bench/wasm_predict.cjs measures it).

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
