import type { Writable } from 'node:stream';
import { isTerminal } from './io';

/** A one-line status on a terminal, redrawn in place; a no-op when nobody is watching. */
export interface ProgressLine {
  /** The latest state; drawn now or at the next tick, so the last update is always shown. */
  update(text: string): void;
  /** Clears the line (before the command prints its result or an error). */
  done(): void;
}

/** `12 000`: digits grouped by three with a space, as the progress line shows counts. */
export function groupDigits(n: number): string {
  return String(n).replace(/\B(?=(\d{3})+(?!\d))/g, ' ');
}

const clearLine = '\r\x1b[K';

/**
 * Progress on `stream` (stderr) when it is a terminal, at most once per `intervalMs` (default 100 ms:
 * ten redraws a second are enough for a person and cheap for a listing of a million keys). When the
 * stream is a pipe or a file (CI logs), nothing is written at all.
 */
export function progressLine(stream: Writable, options: { intervalMs?: number; now?: () => number } = {}): ProgressLine {
  if (!isTerminal(stream)) return { update: () => undefined, done: () => undefined };
  const intervalMs = options.intervalMs ?? 100;
  const now = options.now ?? Date.now;
  let lastDraw = -Infinity;
  let pending: string | undefined;
  let timer: NodeJS.Timeout | undefined;
  let drawn = false;

  const draw = () => {
    timer = undefined;
    if (pending === undefined) return;
    // A line longer than the terminal would wrap, and \r would then redraw only its last part.
    const columns = (stream as Writable & { columns?: number }).columns;
    const text = columns && pending.length >= columns ? pending.slice(0, columns - 2) + '…' : pending;
    stream.write(clearLine + text);
    pending = undefined;
    lastDraw = now();
    drawn = true;
  };

  return {
    update(text) {
      pending = text;
      if (timer) return;
      const wait = lastDraw + intervalMs - now();
      if (wait <= 0) draw();
      else {
        timer = setTimeout(draw, wait);
        timer.unref();
      }
    },
    done() {
      if (timer) clearTimeout(timer);
      timer = undefined;
      pending = undefined;
      if (drawn) stream.write(clearLine);
      drawn = false;
    },
  };
}
