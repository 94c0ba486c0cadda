import type { NarListing } from '../../../shared/nix/nar-listing';
import { buildNarListing } from '../nar/nar-listing';

/** Chunks (of about 1 MiB from the NAR writer) that may wait for the listing before the writer waits. */
const defaultMaxQueued = 4;

/**
 * Builds the `.ls` listing of a NAR from the chunks of a stream going elsewhere (to the compressor),
 * so a path is dumped once whether or not it is listed. The chunks are shared, not copied: the NAR
 * writer hands out a fresh buffer each time and the compressor copies what it keeps, so nobody writes
 * into a chunk after it was handed over. At most `maxQueued` chunks wait for the parser; a writer
 * that gets further ahead waits for it, so memory stays bounded whatever the size of the NAR.
 */
export class ListingTap {
  /** The listing, once `end()` was called after the whole NAR; rejects on a short or bad NAR. */
  readonly listing: Promise<NarListing>;
  private readonly queue: Uint8Array[] = [];
  private ended = false;
  /** The parser stopped (done or failed): chunks are dropped from then on, and nobody waits. */
  private stopped = false;
  private wakeParser: (() => void) | undefined;
  private wakeWriter: (() => void) | undefined;

  constructor(private readonly maxQueued = defaultMaxQueued) {
    this.listing = buildNarListing(this.chunks()).finally(() => {
      this.stopped = true;
      this.queue.length = 0;
      this.wake('writer');
    });
    // Whoever ends the tap awaits `listing` or drops it after a failure of its own; either way an
    // unawaited rejection here is not news.
    this.listing.catch(() => undefined);
  }

  /** Chunks waiting for the parser (never more than `maxQueued` once a `write` resolved). */
  get queued(): number {
    return this.queue.length;
  }

  /** Hands a chunk to the listing; resolves once the parser is at most `maxQueued` chunks behind. */
  async write(chunk: Uint8Array): Promise<void> {
    if (this.stopped) return;
    if (this.ended) throw new Error('ListingTap.write after end');
    this.queue.push(chunk);
    this.wake('parser');
    while (this.queue.length > this.maxQueued && !this.stopped) {
      await new Promise<void>((resolve) => (this.wakeWriter = resolve));
    }
  }

  /** No more chunks: the listing settles (rejecting if what came was not a whole NAR). */
  end(): void {
    this.ended = true;
    this.wake('parser');
  }

  private wake(who: 'parser' | 'writer'): void {
    const resolve = who === 'parser' ? this.wakeParser : this.wakeWriter;
    if (who === 'parser') this.wakeParser = undefined;
    else this.wakeWriter = undefined;
    resolve?.();
  }

  private async *chunks(): AsyncGenerator<Uint8Array> {
    for (;;) {
      const chunk = this.queue.shift();
      if (chunk) {
        this.wake('writer');
        yield chunk;
        continue;
      }
      if (this.ended) return;
      await new Promise<void>((resolve) => (this.wakeParser = resolve));
    }
  }
}
