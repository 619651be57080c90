// throttle.js: runs a task at most once per interval, on an animation frame.
// Drawing handlers only call request(), which is cheap; the task itself runs
// later in a requestAnimationFrame callback, off the pointer event's path, so
// strokes stay smooth while the guess updates live.

export class FrameThrottle {
  /** @param {number} intervalMs  @param {() => void} task */
  constructor(intervalMs, task) {
    this.intervalMs = intervalMs;
    this.task = task;
    this.dirty = false;
    this.force = false;
    this.frame = 0;
    this.lastRun = -Infinity;
  }

  /** Ask for a run; it happens once the interval since the last run has passed. */
  request() {
    this.dirty = true;
    this.#schedule();
  }

  /** Ask for a run on the next frame whatever the interval (e.g. at a stroke's end). */
  flush() {
    this.dirty = true;
    this.force = true;
    this.#schedule();
  }

  cancel() {
    this.dirty = false;
    this.force = false;
    if (this.frame) cancelAnimationFrame(this.frame);
    this.frame = 0;
  }

  #schedule() {
    if (!this.frame) this.frame = requestAnimationFrame((t) => this.#tick(t));
  }

  #tick(now) {
    this.frame = 0;
    if (!this.dirty) return;
    if (!this.force && now - this.lastRun < this.intervalMs) {
      this.#schedule();
      return;
    }
    this.dirty = false;
    this.force = false;
    this.lastRun = now;
    this.task();
  }
}
