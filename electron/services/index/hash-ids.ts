/**
 * Numbers for store hashes (the 32 characters of `<hash>-<name>`), 0, 1, 2… in the order first seen,
 * kept in typed arrays: a Map of a million 32-character strings costs ~100 MB of V8 heap, this ~45 MB.
 * An open-addressing table of ids over the keys' bytes, with FNV-1a over all 32 characters (so hashes
 * a hostile cache made alike at the start still spread). A text that is not 32 ASCII characters (no
 * store hash, but a hostile narinfo may say anything) is kept in a plain Map, so every text gets the
 * id an exact string comparison would give it.
 */
export class HashIds {
  private keys: Uint8Array;
  /** Each id's hash, so growing the table does not hash every key again. */
  private hashes: Int32Array;
  /** id + 1 of the key in each slot; 0: empty (a new Int32Array is zeros without a pass to fill it). */
  private slots: Int32Array;
  private readonly others = new Map<string, number>();
  size = 0;

  /** `expected`: about how many hashes there will be, so that a million do not make the table grow (a copy of tens of MB) while they are added. */
  constructor(expected = 1024) {
    const capacity = Math.max(1024, expected);
    this.keys = new Uint8Array(32 * capacity);
    this.hashes = new Int32Array(capacity);
    let slots = 2048;
    while (slots < 2 * capacity) slots *= 2;
    this.slots = new Int32Array(slots);
  }

  /**
   * The id of `text.slice(start, end)`, or -1 when it has none and `add` is false (with `add`, a new
   * text gets the next id).
   */
  idOf(text: string, start: number, end: number, add: boolean): number {
    end = Math.min(end, text.length);
    let hash = 0x811c9dc5;
    let ascii = end - start === 32;
    for (let i = start; ascii && i < end; i++) {
      const c = text.charCodeAt(i);
      if (c > 127) ascii = false;
      hash = Math.imul(hash ^ c, 0x01000193);
    }
    if (!ascii) {
      const key = text.slice(start, end);
      let id = this.others.get(key);
      if (id === undefined && add) this.others.set(key, (id = this.size++));
      return id ?? -1;
    }
    // FNV's low bits, which pick the slot, depend only on the characters' low bits: mixed (murmur3's finaliser).
    hash ^= hash >>> 16;
    hash = Math.imul(hash, 0x85ebca6b);
    hash ^= hash >>> 13;
    hash = Math.imul(hash, 0xc2b2ae35);
    hash ^= hash >>> 16;
    const mask = this.slots.length - 1;
    for (let slot = hash & mask; ; slot = (slot + 1) & mask) {
      const id = this.slots[slot]! - 1;
      if (id < 0) {
        if (!add) return -1;
        return this.insert(text, start, slot, hash);
      }
      if (this.keyIs(id, text, start)) return id;
    }
  }

  private keyIs(id: number, text: string, start: number): boolean {
    // Ids of texts in `others` are never in the table, so their (unused) key bytes never compare here.
    const at = id * 32;
    for (let i = 0; i < 32; i++) if (this.keys[at + i] !== text.charCodeAt(start + i)) return false;
    return true;
  }

  private insert(text: string, start: number, slot: number, hash: number): number {
    const id = this.size++;
    if (id >= this.hashes.length) {
      const keys = new Uint8Array(this.keys.length * 2);
      keys.set(this.keys);
      this.keys = keys;
      const hashes = new Int32Array(this.hashes.length * 2);
      hashes.set(this.hashes);
      this.hashes = hashes;
    }
    this.hashes[id] = hash;
    for (let i = 0; i < 32; i++) this.keys[id * 32 + i] = text.charCodeAt(start + i);
    this.slots[slot] = id + 1;
    // Kept at most half full, so probes stay short.
    if (2 * this.tableEntries() > this.slots.length) this.grow();
    return id;
  }

  private tableEntries(): number {
    return this.size - this.others.size;
  }

  private grow(): void {
    const old = this.slots;
    this.slots = new Int32Array(old.length * 2);
    const mask = this.slots.length - 1;
    for (let i = 0; i < old.length; i++) {
      const idPlusOne = old[i]!;
      if (idPlusOne === 0) continue;
      let slot = this.hashes[idPlusOne - 1]! & mask;
      while (this.slots[slot] !== 0) slot = (slot + 1) & mask;
      this.slots[slot] = idPlusOne;
    }
  }
}

/** An Int32Array that grows as values are appended. */
export class Int32List {
  values: Int32Array;
  length = 0;
  constructor(capacity = 1024) {
    this.values = new Int32Array(Math.max(16, capacity));
  }
  push(value: number): void {
    if (this.length === this.values.length) this.grow(this.length * 2);
    this.values[this.length++] = value;
  }
  /** Makes index `i` writable (new places are `fill`). */
  ensure(i: number, fill = 0): void {
    if (i >= this.values.length) this.grow(Math.max(i + 1, this.values.length * 2));
    if (i >= this.length) {
      this.values.fill(fill, this.length, i + 1);
      this.length = i + 1;
    }
  }
  private grow(capacity: number): void {
    const values = new Int32Array(capacity);
    values.set(this.values);
    this.values = values;
  }
}

/**
 * Int32 values appended in blocks of a fixed size: growing never copies what is there (a copy of a
 * 20 MB array is itself a long step).
 */
export class Int32Blocks {
  readonly blocks: Int32Array[] = [];
  length = 0;
  constructor(readonly blockSize = 1 << 20) {}
  push(value: number): void {
    const at = this.length % this.blockSize;
    if (at === 0) this.blocks.push(new Int32Array(this.blockSize));
    this.blocks[this.blocks.length - 1]![at] = value;
    this.length += 1;
  }
}
