// digit.js: the image the network reads and the page draws on, in numbers: MNIST's 28x28
// digits (row-major, ink = 255 as bytes or 1 as network input), the ten classes and the
// drawing canvas's bitmap. Every other file takes these sizes from here. Not: how a
// drawing becomes a digit (the module's normalizeCanvas does that).

/** A digit's side, pixels: MNIST's images are SIDE x SIDE. */
export const SIDE = 28;
/** Pixels of a digit: the network's inputs. */
export const PIXELS = SIDE * SIDE;
/** The digits 0 to 9: the network's outputs. */
export const CLASSES = 10;
/** MNIST's digits have their ink in a box this many pixels wide and high, centred by mass in SIDE x SIDE. */
export const INK_BOX = 20;
/** The drawing canvas's bitmap side, pixels (index.html, #drawingCanvas): 12 x SIDE. */
export const CANVAS = 336;
