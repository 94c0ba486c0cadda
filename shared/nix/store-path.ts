import { FormatError, quote } from './errors';
import { isNix32Char } from './nix32';

export const DEFAULT_STORE_DIR = '/nix/store';
/** Characters of the digest part of a store path basename (20 bytes in nix32). */
export const STORE_PATH_HASH_LENGTH = 32;
/** Longest name Nix accepts after `<hash>-`. */
export const STORE_PATH_MAX_NAME_LENGTH = 211;

export interface StoreBasename {
  /** The 32 nix32 characters before the first `-`. */
  hash: string;
  /** What follows `<hash>-`. */
  name: string;
  /** `<hash>-<name>`. */
  basename: string;
}

export interface StorePath extends StoreBasename {
  storeDir: string;
  /** The full path, `<storeDir>/<basename>`. */
  path: string;
}

function isNameChar(c: number): boolean {
  return (
    (c >= 48 && c <= 57) || // 0-9
    (c >= 65 && c <= 90) || // A-Z
    (c >= 97 && c <= 122) || // a-z
    c === 43 || // +
    c === 45 || // -
    c === 46 || // .
    c === 95 || // _
    c === 63 || // ?
    c === 61 // =
  );
}

/**
 * Checks the name part of a store path by Nix 2.8's rules: not empty, at most 211 characters, not
 * starting with `.`, only `A-Z a-z 0-9 + - . _ ? =`. (Nix 2.24+ also allows a leading `.` except
 * for `.`, `..` and names starting `.-` or `..-`; such paths are rejected here.)
 */
export function checkStorePathName(name: string): void {
  if (name.length === 0) throw new FormatError('store path name is empty');
  if (name.length > STORE_PATH_MAX_NAME_LENGTH) {
    throw new FormatError(
      `store path name is ${name.length} characters long, more than ${STORE_PATH_MAX_NAME_LENGTH}`,
    );
  }
  if (name.startsWith('.')) throw new FormatError(`store path name ${quote(name)} starts with '.'`);
  for (let i = 0; i < name.length; i++) {
    if (!isNameChar(name.charCodeAt(i))) {
      throw new FormatError(
        `store path name ${quote(name)} contains illegal character ${JSON.stringify(name[i])}`,
      );
    }
  }
}

/** Parses `<32 nix32 chars>-<name>`, the last component of a store path. */
export function parseStoreBasename(basename: string): StoreBasename {
  if (basename.includes('/')) {
    throw new FormatError(`${quote(basename)} is a path; expected a store path base name '<hash>-<name>'`);
  }
  if (basename.length < STORE_PATH_HASH_LENGTH + 1) {
    throw new FormatError(`${quote(basename)} is too short to be a store path basename`);
  }
  const hash = basename.slice(0, STORE_PATH_HASH_LENGTH);
  for (let i = 0; i < hash.length; i++) {
    if (!isNix32Char(hash[i]!)) {
      throw new FormatError(
        `store path ${quote(basename)} has illegal character ${JSON.stringify(hash[i])} in its hash part`,
      );
    }
  }
  if (basename[STORE_PATH_HASH_LENGTH] !== '-') {
    throw new FormatError(`store path ${quote(basename)} lacks a '-' after its 32-character hash part`);
  }
  const name = basename.slice(STORE_PATH_HASH_LENGTH + 1);
  checkStorePathName(name);
  return { hash, name, basename };
}

/** Checks a store directory: absolute, no trailing slash, no empty, `.` or `..` components. */
export function checkStoreDir(storeDir: string): void {
  if (!storeDir.startsWith('/') || storeDir.length < 2 || storeDir.endsWith('/')) {
    throw new FormatError(`store directory ${quote(storeDir)} is not an absolute path without trailing '/'`);
  }
  for (const part of storeDir.slice(1).split('/')) {
    if (part === '' || part === '.' || part === '..' || part.includes('\0')) {
      throw new FormatError(`store directory ${quote(storeDir)} is not a canonical path`);
    }
  }
}

/**
 * Parses a full store path `<storeDir>/<hash>-<name>`. The path must be exactly in that form (no
 * trailing `/`, no sub-path); the checks on the basename are those of `parseStoreBasename`.
 */
export function parseStorePath(path: string, storeDir: string = DEFAULT_STORE_DIR): StorePath {
  checkStoreDir(storeDir);
  const prefix = `${storeDir}/`;
  if (!path.startsWith(prefix)) {
    throw new FormatError(`path ${quote(path)} is not in the store directory ${quote(storeDir)}`);
  }
  const basename = path.slice(prefix.length);
  if (basename.includes('/')) {
    throw new FormatError(`path ${quote(path)} is not a store path but a path inside one, or is not canonical`);
  }
  return { ...parseStoreBasename(basename), storeDir, path };
}

export function isStorePath(path: string, storeDir: string = DEFAULT_STORE_DIR): boolean {
  try {
    parseStorePath(path, storeDir);
    return true;
  } catch (e) {
    if (e instanceof FormatError) return false;
    throw e;
  }
}

export function isStoreBasename(basename: string): boolean {
  try {
    parseStoreBasename(basename);
    return true;
  } catch (e) {
    if (e instanceof FormatError) return false;
    throw e;
  }
}

/** The store directory of a full store path (everything before its last `/`), without checking it. */
export function storeDirOf(path: string): string {
  const slash = path.lastIndexOf('/');
  return slash <= 0 ? '/' : path.slice(0, slash);
}

/** The last component of a path. */
export function basenameOf(path: string): string {
  return path.slice(path.lastIndexOf('/') + 1);
}
