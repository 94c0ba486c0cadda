/**
 * Checking a NAR file against its narinfo, shared by the copy (which must never carry a NAR that does
 * not match) and the integrity check of a path's page (which reports each check).
 */
import { once } from 'node:events';
import type { Writable } from 'node:stream';
import type { Hash } from '../../../shared/nix/hash';
import { formatHash, hashEquals } from '../../../shared/nix/hash';
import type { Narinfo } from '../../../shared/nix/narinfo';
import type { Digest } from '../compress/compress';

export type NarCheckName = 'fileSize' | 'fileHash' | 'narSize' | 'narHash';

export interface NarCheck {
  check: NarCheckName;
  /** Null when the narinfo does not give the value (FileSize and FileHash are optional). */
  ok: boolean | null;
  expected?: string;
  actual: string;
  /** What is wrong, in the copy's words (`its file is N bytes where FileSize says M`). */
  problem?: string;
}

const nix32 = (hash: Hash) => formatHash(hash, 'nix32', { prefix: true });

/** FileSize and FileHash (each skipped, `ok: null`, when the narinfo does not give it) against the compressed file. */
export function fileChecks(narinfo: Narinfo, file: Digest): NarCheck[] {
  const { fileSize, fileHash } = narinfo;
  return [
    fileSize === undefined
      ? { check: 'fileSize', ok: null, actual: String(file.size) }
      : { check: 'fileSize', ok: file.size === fileSize, expected: String(fileSize), actual: String(file.size), problem: `its file is ${file.size} bytes where FileSize says ${fileSize}` },
    !fileHash
      ? { check: 'fileHash', ok: null, actual: nix32(file.hash) }
      : { check: 'fileHash', ok: hashEquals(file.hash, fileHash), expected: nix32(fileHash), actual: nix32(file.hash), problem: `its file hashes to ${nix32(file.hash)} where FileHash says ${nix32(fileHash)}` },
  ];
}

/** NarSize and NarHash against the decompressed NAR. */
export function narChecks(narinfo: Narinfo, nar: Digest): NarCheck[] {
  return [
    { check: 'narSize', ok: nar.size === narinfo.narSize, expected: String(narinfo.narSize), actual: String(nar.size), problem: `it decompresses to ${nar.size} bytes where NarSize says ${narinfo.narSize}` },
    { check: 'narHash', ok: hashEquals(nar.hash, narinfo.narHash), expected: nix32(narinfo.narHash), actual: nix32(nar.hash), problem: `its NAR hashes to ${nix32(nar.hash)} where NarHash says ${nix32(narinfo.narHash)}` },
  ];
}

/**
 * The four comparisons, given what the compressed file (`file`) and the decompressed NAR (`nar`)
 * turned out to be: FileSize and FileHash (when the narinfo has them), NarSize and NarHash.
 */
export function narinfoChecks(narinfo: Narinfo, file: Digest, nar: Digest): NarCheck[] {
  return [...fileChecks(narinfo, file), ...narChecks(narinfo, nar)];
}

/** What the failed checks say, for one message. */
export function narProblems(checks: readonly NarCheck[]): string[] {
  return checks.filter((c) => c.ok === false).map((c) => c.problem!);
}

/** Passes the chunks on, and writes each to `side` too (waiting while it is full). */
export async function* teeInto(source: AsyncIterable<Uint8Array>, side: Writable): AsyncGenerator<Uint8Array> {
  const failed = () => side.errored ?? new Error('the decompressor stopped');
  for await (const chunk of source) {
    if (side.destroyed) throw failed();
    if (!side.write(chunk)) {
      // A side destroyed while full never drains: its close ends the wait too.
      await Promise.race([once(side, 'drain'), once(side, 'close')]);
      if (side.destroyed) throw failed();
    }
    yield chunk;
  }
  side.end();
}
