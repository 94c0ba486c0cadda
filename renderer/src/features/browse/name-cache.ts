export type NameResult = { name: string } | { error: string };

/** The most hashes one resolveNames call may carry (the contract's limit). */
export const maxHashesPerCall = 500;

/**
 * The names learnt so far for one cache's store paths. A hash is asked for at most once: it is either
 * known, or pending (a call is out for it), or not yet asked. Readers subscribe to learn that more
 * names arrived; `version` changes each time, which is what React's useSyncExternalStore compares.
 */
export class NameCache {
  private readonly known = new Map<string, NameResult>();
  private readonly pending = new Set<string>();
  private listeners = new Set<() => void>();
  version = 0;

  get(hash: string): NameResult | undefined {
    return this.known.get(hash);
  }

  nameOf = (hash: string): string | undefined => {
    const result = this.known.get(hash);
    return result && 'name' in result ? result.name : undefined;
  };

  get size(): number {
    return this.known.size;
  }

  /** The hashes among `wanted` nobody has asked for yet, in order, without repeats. */
  missing(wanted: Iterable<string>): string[] {
    const out: string[] = [];
    const seen = new Set<string>();
    for (const hash of wanted) {
      if (seen.has(hash) || this.known.has(hash) || this.pending.has(hash)) continue;
      seen.add(hash);
      out.push(hash);
    }
    return out;
  }

  /** Claims hashes for one call, so a second debounce tick does not ask for them again. */
  claim(hashes: readonly string[]): void {
    for (const hash of hashes) this.pending.add(hash);
  }

  /** Records a call's answer; a hash the answer left out is released to be asked again later. */
  fill(hashes: readonly string[], results: Record<string, NameResult>): void {
    for (const hash of hashes) {
      this.pending.delete(hash);
      const result = results[hash];
      if (result) this.known.set(hash, result);
    }
    this.changed();
  }

  /** A whole call failed: its rows show why, rather than waiting forever. */
  fail(hashes: readonly string[], message: string): void {
    this.fill(hashes, Object.fromEntries(hashes.map((hash) => [hash, { error: message }])));
  }

  /** A call was abandoned (the user moved on): nothing learnt, ask again when the rows come back. */
  release(hashes: readonly string[]): void {
    for (const hash of hashes) this.pending.delete(hash);
  }

  /**
   * Drops the failures, so they are asked again. A name never changes (the hash fixes the store
   * path), but a narinfo that was missing or broken may have been repaired since.
   */
  forgetErrors(): void {
    for (const [hash, result] of this.known) if ('error' in result) this.known.delete(hash);
    this.changed();
  }

  subscribe = (listener: () => void): (() => void) => {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  };

  getVersion = (): number => this.version;

  private changed(): void {
    this.version += 1;
    this.listeners.forEach((listener) => listener());
  }
}

/** Splits hashes into calls of at most `size`. */
export function chunk<T>(items: readonly T[], size: number = maxHashesPerCall): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}
