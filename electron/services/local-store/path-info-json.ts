// Reads the output of `nix path-info --json` in every shape Nix and Lix have printed, into one
// LocalPathInfo per valid path. The shapes (learnt from NixOS/nix's sources, schemas and release notes,
// NixOS/nix#13413, and the installed Nix 2.8):
//
//   1. A JSON array of objects that carry `path` (Nix up to 2.18, every Lix). An invalid path is
//      `{"path": ..., "valid": false}`. Absent fields are left out (`deriver`, `ca`, `signatures`).
//   2. An object keyed by full store path (Nix 2.19+); an invalid path's value is `null`. From 2.23
//      absent fields are printed as `null`. From 2.33 (`--json-format 1`, the default with a
//      deprecation warning) each entry also has `version` and `storeDir`.
//   3. `{"version": 2, "storeDir": ..., "info": {<base name>: {...} | null}}` (Nix 2.33+ with
//      `--json-format 2`): keys, `references` and `deriver` are base names; `ca` is an object
//      `{"method": "nar" | "flat" | "text" | "git", "hash": <hash>}`. Store object info v3 makes
//      signatures objects `{"keyName": ..., "sig": ...}`.
//
// Hashes (`narHash`, a structured `ca`'s `hash`) come as SRI `sha256-<base64>` (Nix 2.4+, Lix),
// `sha256:<nix32>` (Nix 2.3 and older), `sha256:<base64>` or `sha256:<hex>`, or, in some development
// versions of the structured format, as `{"algorithm", "format", "hash"}`. All become
// `sha256:<nix32>`. A string `ca` is the narinfo rendering (`fixed:r:sha256:...`) and is re-rendered
// with a nix32 hash. Unknown fields (`closureSize`, `lastUsageTime`, `url`...) are ignored.
import { ApiError } from '../../../shared/api/errors';
import type { LocalPathInfo } from '../../../shared/nix/closure';
import { parseContentAddress, renderContentAddress, type ContentAddressMethod } from '../../../shared/nix/content-address';
import { FormatError } from '../../../shared/nix/errors';
import { formatHash, isHashAlgo, parseHash, parseHashBody, type Hash } from '../../../shared/nix/hash';
import { DEFAULT_STORE_DIR, parseStoreBasename, parseStorePath } from '../../../shared/nix/store-path';

export interface ParsedPathInfos {
  /** Valid paths, in the order Nix printed them. */
  infos: LocalPathInfo[];
  /** Paths Nix reported as not valid (not in the store). */
  invalid: string[];
}

const SOURCE = 'nix path-info --json';

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
type JsonObject = { [key: string]: Json };

const isObject = (v: unknown): v is JsonObject => typeof v === 'object' && v !== null && !Array.isArray(v);

function fail(detail: string, where?: { path?: string; field?: string }): never {
  const at = [where?.field !== undefined ? `field '${where.field}'` : '', where?.path ? `of ${where.path}` : '']
    .filter(Boolean)
    .join(' ');
  throw new ApiError('bad-format', `Unexpected output from ${SOURCE}${at ? `, ${at}` : ''}: ${detail}`);
}

const show = (v: unknown): string =>
  v === null ? 'null' : Array.isArray(v) ? 'an array' : typeof v === 'string' ? JSON.stringify(v.length > 80 ? `${v.slice(0, 80)}…` : v) : typeof v;

/** Parses the whole output. Throws ApiError('bad-format') naming the field and path that are wrong. */
export function parsePathInfoJson(text: string, storeDir: string = DEFAULT_STORE_DIR): ParsedPathInfos {
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch (e) {
    fail(`not JSON (${e instanceof Error ? e.message : String(e)})`);
  }
  const out: ParsedPathInfos = { infos: [], invalid: [] };

  if (Array.isArray(doc)) {
    // Shape 1: [{path, ...}], Nix ≤ 2.18 and Lix.
    doc.forEach((entry, i) => {
      if (!isObject(entry)) fail(`entry ${i} is ${show(entry)}, expected an object`);
      const path = fullPath(entry.path, storeDir, { field: 'path', path: `entry ${i}` });
      if (entry.valid === false) out.invalid.push(path);
      else out.infos.push(parseEntry(entry, path, storeDir, true));
    });
    return out;
  }
  if (!isObject(doc)) fail(`top level is ${show(doc)}, expected an array or an object`);

  if ('info' in doc && isObject(doc.info)) {
    // Shape 3: {version, storeDir, info: {<base name>: {...} | null}}.
    const dir = doc.storeDir ?? storeDir;
    if (typeof dir !== 'string') fail(`'storeDir' is ${show(dir)}, expected a string`);
    if (dir !== storeDir) fail(`store directory is ${JSON.stringify(dir)}, expected ${JSON.stringify(storeDir)}`, { field: 'storeDir' });
    for (const [key, value] of Object.entries(doc.info)) {
      const path = fullPath(key, storeDir, { field: 'info key' });
      if (value === null) out.invalid.push(path);
      else if (!isObject(value)) fail(`is ${show(value)}, expected an object or null`, { path });
      else out.infos.push(parseEntry(value, path, storeDir, false));
    }
    return out;
  }

  // Shape 2: {<full path>: {...} | null}; tolerate top-level `version`/`storeDir` beside the paths.
  for (const [key, value] of Object.entries(doc)) {
    if ((key === 'version' || key === 'storeDir') && !isObject(value) && value !== null) continue;
    const path = fullPath(key, storeDir, { field: 'key' });
    if (value === null) out.invalid.push(path);
    else if (!isObject(value)) fail(`is ${show(value)}, expected an object or null`, { path });
    else out.infos.push(parseEntry(value, path, storeDir, false));
  }
  return out;
}

/** A store path given in full or as a base name (shape 3), checked and made full. */
function fullPath(value: unknown, storeDir: string, where: { field: string; path?: string }): string {
  if (typeof value !== 'string') fail(`is ${show(value)}, expected a store path`, where);
  try {
    if (value.startsWith('/')) return parseStorePath(value, storeDir).path;
    return `${storeDir}/${parseStoreBasename(value).basename}`;
  } catch (e) {
    if (e instanceof FormatError) fail(e.message, where);
    throw e;
  }
}

function parseEntry(entry: JsonObject, path: string, storeDir: string, pathInEntry: boolean): LocalPathInfo {
  if (!pathInEntry && entry.path !== undefined && entry.path !== null) {
    const inner = fullPath(entry.path, storeDir, { field: 'path', path });
    if (inner !== path) fail(`names ${inner}, but the entry is keyed by ${path}`, { field: 'path', path });
  }
  if (entry.storeDir !== undefined && entry.storeDir !== null && entry.storeDir !== storeDir) {
    fail(`is ${show(entry.storeDir)}, expected ${JSON.stringify(storeDir)}`, { field: 'storeDir', path });
  }

  const narHash = hashField(entry.narHash, { field: 'narHash', path });
  if (narHash.algo !== 'sha256') fail(`is a ${narHash.algo} hash, expected sha256`, { field: 'narHash', path });

  const narSize = entry.narSize;
  if (typeof narSize !== 'number' || !Number.isSafeInteger(narSize) || narSize < 0) {
    fail(`is ${show(narSize)}, expected a non-negative integer`, { field: 'narSize', path });
  }

  const refs = entry.references;
  if (!Array.isArray(refs)) fail(`is ${show(refs)}, expected an array of store paths`, { field: 'references', path });
  const references = refs.map((r, i) => fullPath(r, storeDir, { field: `references[${i}]`, path })).sort();

  const deriver = entry.deriver === undefined || entry.deriver === null ? null : fullPath(entry.deriver, storeDir, { field: 'deriver', path });

  const sigs = entry.signatures ?? [];
  if (!Array.isArray(sigs)) fail(`is ${show(sigs)}, expected an array`, { field: 'signatures', path });
  const signatures = sigs.map((s, i) => signature(s, { field: `signatures[${i}]`, path }));

  const ca = entry.ca === undefined || entry.ca === null ? null : contentAddress(entry.ca, { field: 'ca', path });

  const rt = entry.registrationTime;
  if (rt !== undefined && rt !== null && (typeof rt !== 'number' || !Number.isFinite(rt))) {
    fail(`is ${show(rt)}, expected a number or null`, { field: 'registrationTime', path });
  }
  const ult = entry.ultimate;
  if (ult !== undefined && ult !== null && typeof ult !== 'boolean') fail(`is ${show(ult)}, expected a boolean`, { field: 'ultimate', path });

  return {
    path,
    narHash: formatHash(narHash, 'nix32'),
    narSize,
    references,
    deriver,
    signatures,
    ca,
    registrationTime: typeof rt === 'number' ? rt : null,
    ultimate: typeof ult === 'boolean' ? ult : null,
  };
}

/** A hash as a string in any of Nix's spellings, or the structured `{algorithm, format, hash}`. */
function hashField(value: Json | undefined, where: { field: string; path: string }): Hash {
  try {
    if (typeof value === 'string') return parseHash(value);
    if (isObject(value)) {
      const { algorithm, format, hash } = value;
      if (typeof algorithm !== 'string' || !isHashAlgo(algorithm)) fail(`has algorithm ${show(algorithm)}`, where);
      if (typeof hash !== 'string') fail(`has hash ${show(hash)}, expected a string`, where);
      if (format === 'sri' || hash.startsWith(`${algorithm}-`)) return parseHash(hash.startsWith(`${algorithm}-`) ? hash : `${algorithm}-${hash}`, algorithm);
      // base16, nix32 (also called base32) and base64 are told apart by length, as Nix does.
      return parseHashBody(hash, algorithm);
    }
  } catch (e) {
    if (e instanceof FormatError) fail(e.message, where);
    throw e;
  }
  fail(`is ${show(value)}, expected a hash`, where);
}

function signature(value: Json, where: { field: string; path: string }): string {
  if (typeof value === 'string' && /^[^:\s]+:\S+$/.test(value)) return value;
  if (isObject(value) && typeof value.keyName === 'string' && typeof value.sig === 'string' && value.keyName !== '') {
    return `${value.keyName}:${value.sig}`;
  }
  fail(`is ${show(value)}, expected 'keyname:base64' or {keyName, sig}`, where);
}

const CA_METHODS: readonly ContentAddressMethod[] = ['nar', 'flat', 'text', 'git'];

function contentAddress(value: Json, where: { field: string; path: string }): string {
  try {
    if (typeof value === 'string') return renderContentAddress(parseContentAddress(value));
    if (isObject(value)) {
      const method = value.method;
      if (typeof method !== 'string' || !(CA_METHODS as readonly string[]).includes(method)) {
        fail(`has method ${show(method)}, expected one of ${CA_METHODS.join(', ')}`, where);
      }
      const hash = hashField(value.hash, { field: `${where.field}.hash`, path: where.path });
      if (method === 'text' && hash.algo !== 'sha256') fail(`text content address must use sha256, not ${hash.algo}`, where);
      return renderContentAddress({ method: method as ContentAddressMethod, hash });
    }
  } catch (e) {
    if (e instanceof FormatError) fail(e.message, where);
    throw e;
  }
  fail(`is ${show(value)}, expected a content address`, where);
}
