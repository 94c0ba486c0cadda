import { hashToSri, parseHash } from '../../../shared/nix/hash';
import { storeDirOf } from '../../../shared/nix/store-path';
import type { IndexedPath } from './index-db';

/**
 * A path as `--json` prints it: the fields of `nix path-info --json` for a binary cache, in its forms
 * (SRI hashes, full store paths), plus `compression`.
 */
export interface PathJson {
  path: string;
  narHash: string;
  narSize: number;
  /** Full store paths, as Nix prints them. */
  references: string[];
  deriver?: string;
  signatures: string[];
  ca?: string;
  url: string;
  compression: string;
  downloadHash?: string;
  downloadSize?: number;
}

/** The JSON of a row whose narinfo parsed (callers check `error` first). */
export function pathJson(row: IndexedPath): PathJson {
  const storeDir = storeDirOf(row.storePath!);
  return {
    path: row.storePath!,
    narHash: hashToSri(parseHash(row.narHash!)),
    narSize: row.narSize!,
    references: row.references.map((ref) => `${storeDir}/${ref}`),
    ...(row.deriver ? { deriver: `${storeDir}/${row.deriver}` } : {}),
    signatures: row.sigs,
    ...(row.ca ? { ca: row.ca } : {}),
    url: row.url!,
    compression: row.compression!,
    ...(row.fileHash ? { downloadHash: hashToSri(parseHash(row.fileHash)) } : {}),
    ...(row.fileSize !== null ? { downloadSize: row.fileSize } : {}),
  };
}

/** `key:base64` → the key's name. */
export const signatureKeyNames = (sigs: readonly string[]): string[] => sigs.map((sig) => sig.slice(0, Math.max(0, sig.indexOf(':'))));

/** "unsigned", "signed by 1 key", "signed by 2 keys". */
export function signatureStatus(sigs: readonly string[]): string {
  return sigs.length === 0 ? 'unsigned' : `signed by ${sigs.length} key${sigs.length === 1 ? '' : 's'}`;
}
