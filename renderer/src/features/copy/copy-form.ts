import { COMPRESSION_METHODS, defaultLevel, levelRange } from '../../../../shared/push/compression';
import type { CacheView, KeyView } from '../../../../shared/api/contract';
import { cacheIdentity } from '../../../../shared/caches/identity';
import { parseStoreBasename, parseStorePath } from '../../../../shared/nix/store-path';
import type { Compression } from '../push/push-store';

/**
 * The Copy screen's form, checked before anything is sent: the same rules the main process applies
 * (a writable destination other than the source, paths it can resolve, a level the method takes, a
 * key that can sign), said per field in words. Pure, so every message is tested without a browser.
 */

export type CompressionChoice = Compression | 'keep';

export interface CopyFormValues {
  fromId: string;
  toId: string;
  pathsText: string;
  closure: boolean;
  compression: CompressionChoice;
  /** As typed; empty for the method's default. */
  level: string;
  /** A key id, or 'none' to add no signature (the source's are kept either way). */
  keyChoice: string;
}

export interface CopyRequest {
  fromCacheId: string;
  toCacheId: string;
  paths: string[];
  closure: boolean;
  compression?: Compression;
  level?: number;
  keyId?: string;
}

export type CopyField = 'from' | 'to' | 'paths' | 'level' | 'key';
export type CopyFormErrors = Partial<Record<CopyField, string>>;

/** The levels each method takes and the one it uses when none is given (the main process checks the same). */
export const levelRanges: Partial<Record<Compression, { min: number; max: number; default: number }>> = Object.fromEntries(
  COMPRESSION_METHODS.flatMap((method) => {
    const range = levelRange(method);
    return range ? [[method, { min: range[0], max: range[1], default: defaultLevel(method)! }]] : [];
  }),
);

/** The contract takes at most this many paths at once (each job's input travels with its progress). */
export const maxPaths = 1000;

const hashOnly = /^[0-9a-df-np-sv-z]{32}$/;

/** The non-empty lines of the paths field, trimmed, each once. */
export function pathLines(text: string): string[] {
  return [...new Set(text.split('\n').map((line) => line.trim()).filter(Boolean))];
}

/** Why a line is no store path, base name or hash, or undefined when it is one. */
export function pathLineProblem(line: string): string | undefined {
  if (hashOnly.test(line)) return undefined;
  try {
    if (line.includes('/')) parseStorePath(line.replace(/\/+$/, ''));
    else parseStoreBasename(line);
    return undefined;
  } catch (e) {
    return (e as Error).message;
  }
}

/** Why `cache` cannot be copied to, or undefined when it can. */
export function destinationProblem(cache: CacheView): string | undefined {
  return cache.writable ? undefined : `${cache.name} is an HTTP cache, which Narwhal can only read; copy to an S3 bucket or a folder.`;
}

export function checkCopyForm(values: CopyFormValues, caches: readonly CacheView[], keys: readonly KeyView[]): { errors: CopyFormErrors; request?: CopyRequest } {
  const errors: CopyFormErrors = {};
  const from = caches.find((c) => c.id === values.fromId);
  const to = caches.find((c) => c.id === values.toId);
  if (!from) errors.from = 'choose the cache to copy from.';
  if (!to) errors.to = 'choose the cache to copy to.';
  else if (destinationProblem(to)) errors.to = destinationProblem(to);
  else if (from && cacheIdentity(from.config) === cacheIdentity(to.config)) {
    errors.to = from.id === to.id ? `${to.name} is the cache copied from; choose another.` : `${to.name} and ${from.name} are the same cache.`;
  }

  const paths = pathLines(values.pathsText);
  if (paths.length === 0) errors.paths = 'give at least one store path, base name or hash, one a line.';
  else if (paths.length > maxPaths) errors.paths = `at most ${maxPaths.toLocaleString('en-US')} at once (${paths.length.toLocaleString('en-US')} given); their closures come along.`;
  else {
    const lines = values.pathsText.split('\n');
    for (const path of paths) {
      const problem = pathLineProblem(path);
      if (!problem) continue;
      const lineNumber = lines.findIndex((line) => line.trim() === path) + 1;
      errors.paths = `line ${lineNumber}, "${path}", is not a store path, a base name (<hash>-<name>) or a 32-character hash: ${problem}.`;
      break;
    }
  }

  let level: number | undefined;
  const levelText = values.level.trim();
  const range = values.compression === 'keep' ? undefined : levelRanges[values.compression];
  if (levelText !== '' && range) {
    level = Number(levelText);
    if (!Number.isInteger(level) || level < range.min || level > range.max) {
      errors.level = `${values.compression} takes a whole number from ${range.min} to ${range.max}; "${levelText}" is not one.`;
    }
  }

  let keyId: string | undefined;
  if (values.keyChoice !== 'none') {
    const key = keys.find((k) => k.id === values.keyChoice);
    if (!key || !key.hasSecret) errors.key = 'that key is gone from the key store; choose another.';
    else if (!key.secretAvailable) errors.key = `the secret of ${key.name} cannot be read here; choose another key.`;
    else keyId = key.id;
  }

  if (Object.keys(errors).length > 0 || !from || !to) return { errors };
  return {
    errors,
    request: {
      fromCacheId: from.id,
      toCacheId: to.id,
      paths,
      closure: values.closure,
      ...(values.compression !== 'keep' ? { compression: values.compression } : {}),
      ...(level !== undefined && range ? { level } : {}),
      ...(keyId ? { keyId } : {}),
    },
  };
}

/** The form filled from a copy's request (a copy found again after a reload, or tried again). */
export function valuesOf(request: Partial<CopyRequest>): Partial<CopyFormValues> {
  return {
    ...(request.fromCacheId ? { fromId: request.fromCacheId } : {}),
    ...(request.toCacheId ? { toId: request.toCacheId } : {}),
    ...(request.paths ? { pathsText: request.paths.join('\n') } : {}),
    ...(request.closure !== undefined ? { closure: request.closure } : {}),
    compression: request.compression ?? 'keep',
    level: request.level !== undefined ? String(request.level) : '',
    keyChoice: request.keyId ?? 'none',
  };
}

/**
 * The form's values with the caches proposed where none was chosen (or the chosen one is gone): the
 * cache selected in the sidebar as the source, and the first other writable cache as the destination.
 */
export function proposedValues(values: CopyFormValues, caches: readonly CacheView[], selectedId: string | undefined): CopyFormValues {
  const known = (id: string) => caches.some((c) => c.id === id);
  const fromId = known(values.fromId) ? values.fromId : (caches.find((c) => c.id === selectedId) ?? caches[0])?.id ?? '';
  const toId = known(values.toId) ? values.toId : (caches.find((c) => c.writable && c.id !== fromId)?.id ?? '');
  return { ...values, fromId, toId };
}
