/**
 * Listing messages benchmark: how big is the largest message a listing of N paths sends to the page,
 * and how long does the page's main thread spend parsing it, now that a listing job keeps its entries
 * in the main process and the page reads them with `browse.pathsPage`, against the reference of one
 * message with every entry (what `browse.listPaths` returned before), measured in the same run.
 *
 *   npx tsx bench/listing-pages.ts [--paths N]   (default 1 000 000)
 *
 * The entries go through the real contract schemas and JSON, as the WebSocket carries them.
 */
import { randomBytes } from 'node:crypto';
import { parseArgs } from 'node:util';
import { contract, maxPathsPage } from '../shared/api/contract';
import { Listings } from '../electron/services/browse/listings';

const { values } = parseArgs({ options: { paths: { type: 'string', default: '1000000' } } });
const count = Number(values.paths);
const nix32 = '0123456789abcdfghijklmnpqrsvwxyz';

function fakeHashes(n: number): string[] {
  const bytes = randomBytes(n * 32);
  const out = new Array<string>(n);
  for (let i = 0; i < n; i++) {
    let hash = '';
    for (let j = 0; j < 32; j++) hash += nix32[bytes[i * 32 + j]! & 31];
    out[i] = hash;
  }
  return out;
}

function timed<T>(fn: () => T): { value: T; ms: number } {
  const t0 = performance.now();
  const value = fn();
  return { value, ms: performance.now() - t0 };
}

const entries = fakeHashes(count).map((hash) => ({ hash }));
const listings = new Listings();
const listing = listings.open('job-bench-00000000', 'file /bench');
listing.add(entries);
listing.close();

// Reference: one message holding every entry.
const whole = JSON.stringify({ ok: true, value: { entries } });
const wholeParse = timed(() => JSON.parse(whole));

// Now: pages of at most maxPathsPage entries; the page parses one message at a time.
let largest = 0;
let worstParseMs = 0;
let pages = 0;
const all = timed(() => {
  for (let offset = 0; offset < count; offset += maxPathsPage) {
    const page = contract.browse.pathsPage.output.parse(listings.page('job-bench-00000000', offset, maxPathsPage));
    const text = JSON.stringify({ ok: true, value: page });
    largest = Math.max(largest, text.length);
    worstParseMs = Math.max(worstParseMs, timed(() => JSON.parse(text)).ms);
    pages += 1;
  }
});

const mb = (bytes: number) => `${(bytes / 1e6).toFixed(2)} MB`;
console.log(`listing of ${count.toLocaleString('en-US')} paths`);
console.log(`one message (before):  ${mb(whole.length)}, parsed in ${wholeParse.ms.toFixed(0)} ms on the page's thread`);
console.log(`pages (now):           ${pages} messages, largest ${mb(largest)}, longest parse ${worstParseMs.toFixed(1)} ms; all pages served and parsed in ${all.ms.toFixed(0)} ms`);
console.log(`ratio largest message: ${(largest / whole.length).toFixed(4)}; ratio longest main-thread parse: ${(worstParseMs / wholeParse.ms).toFixed(4)}`);
