// drawing.js: a black round pencil on a white canvas, driven by Pointer Events
// (mouse, touch and pen alike). It only draws and reports changes; it knows
// nothing about the network.
//
// Coordinates: the canvas keeps its 336x336 bitmap while CSS may show it smaller
// (phones), so pointer positions are scaled from CSS pixels to bitmap pixels.
// Strokes are quadratic curves through the midpoints of successive samples, which
// keeps them smooth even when the pointer reports few samples.

const PEN_WIDTH = 20; // bitmap pixels, as in the original page (336 = 12 x 28)
const INK = '#000';
const PAPER = '#fff';

export class DrawingPad {
  /**
   * @param {HTMLCanvasElement} canvas
   * @param {{onChange?: () => void, onStrokeStart?: () => void, onStrokeEnd?: () => void}} hooks
   */
  constructor(canvas, hooks = {}) {
    this.canvas = canvas;
    // Read back every ~100 ms for the live guess: keep the bitmap on the CPU side.
    this.ctx = canvas.getContext('2d', { willReadFrequently: true });
    this.hooks = hooks;
    this.enabled = true;
    this.hasInk = false;
    this.pointerId = null; // the one pointer drawing now; other fingers are ignored
    this.last = null;      // last sample, bitmap pixels
    this.lastMid = null;   // where the previous curve segment ended

    this.ctx.lineCap = 'round';
    this.ctx.lineJoin = 'round';
    this.ctx.lineWidth = PEN_WIDTH;
    this.ctx.strokeStyle = INK;
    this.ctx.fillStyle = INK;
    this.clear();

    canvas.addEventListener('pointerdown', (e) => this.#down(e));
    canvas.addEventListener('pointermove', (e) => this.#move(e));
    canvas.addEventListener('pointerup', (e) => this.#up(e));
    canvas.addEventListener('pointercancel', (e) => this.#up(e));
    // touch-action: none in the CSS already stops scrolling and zooming; this also
    // covers browsers that still start a pan from touch events.
    canvas.addEventListener('touchstart', (e) => e.preventDefault(), { passive: false });
    canvas.addEventListener('touchmove', (e) => e.preventDefault(), { passive: false });
    canvas.addEventListener('contextmenu', (e) => e.preventDefault());
  }

  setEnabled(enabled) {
    this.enabled = enabled;
    this.canvas.classList.toggle('disabled', !enabled);
    this.canvas.setAttribute('aria-disabled', String(!enabled));
  }

  clear() {
    const { ctx, canvas } = this;
    ctx.save();
    ctx.fillStyle = PAPER;
    ctx.fillRect(0, 0, canvas.width, canvas.height);
    ctx.restore();
    this.hasInk = false;
  }

  /** The bitmap as RGBA bytes, width x height x 4. */
  pixels() {
    return this.ctx.getImageData(0, 0, this.canvas.width, this.canvas.height);
  }

  #toBitmap(e) {
    const rect = this.canvas.getBoundingClientRect();
    return {
      x: ((e.clientX - rect.left) * this.canvas.width) / rect.width,
      y: ((e.clientY - rect.top) * this.canvas.height) / rect.height,
    };
  }

  #down(e) {
    if (!this.enabled || this.pointerId !== null) return;
    if (e.pointerType === 'mouse' && e.button !== 0) return;
    e.preventDefault(); // no text selection, no emulated mouse events
    this.canvas.setPointerCapture(e.pointerId);
    this.pointerId = e.pointerId;
    const p = this.#toBitmap(e);
    this.last = p;
    this.lastMid = p;
    this.#dot(p); // a tap leaves a dot; a stroke starts with a round end
    this.hooks.onStrokeStart?.();
    this.#changed();
  }

  #move(e) {
    if (e.pointerId !== this.pointerId) return;
    e.preventDefault();
    // Coalesced events are the samples the browser merged into this one event.
    const samples = e.getCoalescedEvents?.() ?? [];
    for (const s of samples.length ? samples : [e]) this.#curveTo(this.#toBitmap(s));
    this.#changed();
  }

  #up(e) {
    if (e.pointerId !== this.pointerId) return;
    // Finish the curve at the last sample itself rather than at the midpoint.
    this.#segment(this.lastMid, this.last, this.last);
    if (this.canvas.hasPointerCapture(e.pointerId)) this.canvas.releasePointerCapture(e.pointerId);
    this.pointerId = null;
    this.#changed();
    this.hooks.onStrokeEnd?.();
  }

  #dot(p) {
    const { ctx } = this;
    ctx.beginPath();
    ctx.arc(p.x, p.y, PEN_WIDTH / 2, 0, 2 * Math.PI);
    ctx.fill();
  }

  #curveTo(p) {
    const prev = this.last;
    if (Math.abs(p.x - prev.x) < 0.5 && Math.abs(p.y - prev.y) < 0.5) return;
    const mid = { x: (prev.x + p.x) / 2, y: (prev.y + p.y) / 2 };
    this.#segment(this.lastMid, prev, mid);
    this.last = p;
    this.lastMid = mid;
  }

  /** A quadratic curve from `from` to `to`, pulled towards `control`. */
  #segment(from, control, to) {
    const { ctx } = this;
    ctx.beginPath();
    ctx.moveTo(from.x, from.y);
    ctx.quadraticCurveTo(control.x, control.y, to.x, to.y);
    ctx.stroke();
  }

  #changed() {
    this.hasInk = true;
    this.hooks.onChange?.();
  }
}
