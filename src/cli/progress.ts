/**
 * A one-line progress bar on standard error, drawn only when it is a terminal so pipes and logs stay clean.
 * @module
 */

import type { CliIO } from './io.js';

/** A progress bar for `total` steps. */
export class ProgressBar {
  private done = 0;
  private lastDraw = 0;
  private readonly enabled: boolean;
  private finished = false;

  /**
   * @param io - where to draw
   * @param total - number of steps
   * @param label - text before the bar
   */
  constructor(
    private readonly io: CliIO,
    private readonly total: number,
    private readonly label: string,
  ) {
    // Below a handful of steps a bar is noise.
    this.enabled = io.errIsTTY && total >= 10;
  }

  /**
   * Advances by `n` steps and redraws at most every 100 ms.
   * @param n - steps done
   */
  tick(n = 1): void {
    this.done = Math.min(this.total, this.done + n);
    const now = Date.now();
    if (this.enabled && (now - this.lastDraw >= 100 || this.done === this.total)) {
      this.lastDraw = now;
      this.draw();
    }
  }

  /** Clears the bar's line. */
  finish(): void {
    if (this.finished) return;
    this.finished = true;
    if (this.enabled) this.io.err('\r\x1b[2K');
  }

  private draw(): void {
    const width = 30;
    const filled = this.total === 0 ? width : Math.round((this.done / this.total) * width);
    this.io.err(`\r${this.label} [${'#'.repeat(filled)}${'-'.repeat(width - filled)}] ${this.done}/${this.total}`);
  }
}
