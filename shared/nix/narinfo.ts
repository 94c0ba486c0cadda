import { parseContentAddress, renderContentAddress } from './content-address';
import { FormatError, quote, type FormatErrorLocation } from './errors';
import { formatHash, parseHash, type Hash } from './hash';
import { DEFAULT_STORE_DIR, parseStoreBasename, parseStorePath, storeDirOf } from './store-path';
import { sortedUnique } from './text';

/** A field the parser does not know (old caches have `System:`, newer Nix writes `Provenance:`). */
export interface NarinfoUnknownField {
  key: string;
  value: string;
  /** 1-based line it was read from (absent for fields made in code). */
  line?: number;
}

/** The contents of a `<hash>.narinfo` file. */
export interface Narinfo {
  /** Full store path, e.g. `/nix/store/<hash>-<name>`. */
  storePath: string;
  /** Where the (compressed) NAR is, relative to the cache root, e.g. `nar/<filehash>.nar.xz`. */
  url: string;
  /** `xz`, `zstd`, `bzip2`, `none`, ... When the field is missing Nix assumes `bzip2`, and so does this. */
  compression: string;
  /**
   * True when the narinfo had no `Compression` line (then `compression` is `bzip2`). The serialiser
   * then writes none either, so such a file re-serialises unchanged. (Nix itself always writes it.)
   */
  compressionOmitted?: boolean;
  /** sha256 of the compressed NAR file. */
  fileHash?: Hash;
  /** `FileHash` exactly as it was written (any encoding Nix accepts), for display. */
  fileHashText?: string;
  /** Size of the compressed NAR file. */
  fileSize?: number;
  /** sha256 of the uncompressed NAR. */
  narHash: Hash;
  /** `NarHash` exactly as it was written, for display. */
  narHashText?: string;
  narSize: number;
  /** Base names of the references (`<hash>-<name>`), in file order. */
  references: string[];
  /** Base name of the deriver; absent for none (`unknown-deriver`). */
  deriver?: string;
  /** Signatures `keyname:base64`, in file order, unchecked. */
  sigs: string[];
  /** Content address (`fixed:r:sha256:...`, `text:sha256:...`), as written. */
  ca?: string;
  /** Unknown fields, in file order. */
  unknown: NarinfoUnknownField[];
}

export interface ParseNarinfoOptions {
  /** Names the input in error messages (default `narinfo`), e.g. the object key. */
  source?: string;
  /** The store directory `StorePath` must be in (default `/nix/store`). */
  storeDir?: string;
}

export interface SerialiseNarinfoOptions {
  /**
   * `keep` (default) writes unknown fields after the known ones, in their order, so that narinfos of
   * Nix versions that write extra fields (`Provenance`) survive a rewrite; `drop` gives exactly the
   * output of Nix 2.8's writer.
   */
  unknownFields?: 'keep' | 'drop';
}

const KNOWN_KEYS = new Set([
  'StorePath',
  'URL',
  'Compression',
  'FileHash',
  'FileSize',
  'NarHash',
  'NarSize',
  'References',
  'Deriver',
  'Sig',
  'CA',
]);

const MAX_SIZE = Number.MAX_SAFE_INTEGER;

function parseSize(value: string): number {
  if (!/^[0-9]+$/.test(value)) throw new FormatError(`${quote(value)} is not a non-negative decimal integer`);
  const n = Number(value);
  if (n > MAX_SIZE) throw new FormatError(`${value} is too large (more than 2^53 - 1)`);
  return n;
}

/** The narinfo key of a store path in a cache: `<hash>.narinfo`. Accepts a full path or a base name. */
export function narinfoKey(storePathOrBasename: string): string {
  const basename = storePathOrBasename.slice(storePathOrBasename.lastIndexOf('/') + 1);
  return `${parseStoreBasename(basename).hash}.narinfo`;
}

/**
 * Parses a narinfo by Nix's rules: `Key: value` lines, exactly one space after the colon (the value
 * is not trimmed), every line ending in `\n`, fields in any order, unknown fields kept in
 * `unknown`, `Sig` repeatable, a `References` line after one that listed references or a `CA` line
 * after a non-empty one is an error, later duplicates of other fields win (as in Nix). Required:
 * `StorePath`, `NarHash`, non-empty `URL`, `NarSize` > 0. Hashes may be in any encoding Nix accepts
 * but must be sha256. Throws FormatError naming the line and field.
 */
export function parseNarinfo(text: string, options: ParseNarinfoOptions = {}): Narinfo {
  const source = options.source ?? 'narinfo';
  const storeDir = options.storeDir ?? DEFAULT_STORE_DIR;

  let storePath: string | undefined;
  let url: string | undefined;
  let urlLine = 0;
  let compression: string | undefined;
  let fileHash: Hash | undefined;
  let fileHashText: string | undefined;
  let fileSize: number | undefined;
  let narHash: Hash | undefined;
  let narHashText: string | undefined;
  let narSize: number | undefined;
  let narSizeLine = 0;
  let references: string[] = [];
  let referencesLine = 0;
  let deriver: string | undefined;
  const sigs: string[] = [];
  let ca: string | undefined;
  let caLine = 0;
  const unknown: NarinfoUnknownField[] = [];

  let pos = 0;
  let line = 0;
  while (pos < text.length) {
    line++;
    const eol = text.indexOf('\n', pos);
    if (eol < 0) {
      throw new FormatError(`line does not end with '\\n' (truncated file?)`, { source, line, offset: text.length });
    }
    const content = text.slice(pos, eol);
    const colon = content.indexOf(':');
    if (colon < 0) {
      throw new FormatError(content === '' ? 'empty line' : `expected 'Key: value', found no ':' in ${quote(content)}`, {
        source,
        line,
        offset: pos,
      });
    }
    const key = content.slice(0, colon);
    if (content[colon + 1] !== ' ') {
      throw new FormatError(`expected one space after ':'`, { source, line, field: key, offset: pos + colon + 1 });
    }
    const value = content.slice(colon + 2);
    const valueOffset = pos + colon + 2;
    const where: FormatErrorLocation = { source, line, field: key, offset: valueOffset };
    const field = <T>(fn: () => T, offsetInValue = 0): T => {
      try {
        return fn();
      } catch (e) {
        if (e instanceof FormatError) {
          throw new FormatError(e.detail, { ...where, offset: valueOffset + offsetInValue + (e.offset ?? 0) });
        }
        throw e;
      }
    };
    const fail = (detail: string): never => {
      throw new FormatError(detail, where);
    };

    switch (key) {
      case 'StorePath':
        storePath = field(() => parseStorePath(value, storeDir)).path;
        break;
      case 'URL':
        url = value;
        urlLine = line;
        break;
      case 'Compression':
        compression = value;
        break;
      case 'FileHash':
        fileHash = field(() => parseHash(value, 'sha256'));
        fileHashText = value;
        break;
      case 'FileSize':
        fileSize = field(() => parseSize(value));
        break;
      case 'NarHash':
        narHash = field(() => parseHash(value, 'sha256'));
        narHashText = value;
        break;
      case 'NarSize':
        narSize = field(() => parseSize(value));
        narSizeLine = line;
        break;
      case 'References': {
        if (references.length > 0) fail(`second References line (references already listed on line ${referencesLine})`);
        const refs: string[] = [];
        let at = 0;
        for (const token of value.split(' ')) {
          if (token !== '') refs.push(field(() => parseStoreBasename(token), at).basename);
          at += token.length + 1;
        }
        references = refs;
        referencesLine = line;
        break;
      }
      case 'Deriver':
        deriver = value === 'unknown-deriver' ? undefined : field(() => parseStoreBasename(value)).basename;
        break;
      case 'Sig':
        sigs.push(value);
        break;
      case 'CA':
        if (ca !== undefined) fail(`second CA line (CA already given on line ${caLine})`);
        if (value !== '') {
          field(() => parseContentAddress(value));
          ca = value;
          caLine = line;
        }
        break;
      default:
        unknown.push({ key, value, line });
    }
    pos = eol + 1;
  }

  const missing = (detail: string, atLine?: number, fieldName?: string): never => {
    const where: FormatErrorLocation = { source };
    if (atLine !== undefined) where.line = atLine;
    if (fieldName !== undefined) where.field = fieldName;
    throw new FormatError(detail, where);
  };
  if (storePath === undefined) return missing('StorePath missing');
  if (narHash === undefined) return missing('NarHash missing');
  if (url === undefined) return missing('URL missing');
  if (url === '') return missing('URL is empty', urlLine, 'URL');
  if (narSize === undefined) return missing('NarSize missing');
  if (narSize === 0) return missing('NarSize must be greater than 0', narSizeLine, 'NarSize');

  const info: Narinfo = {
    storePath,
    url,
    compression: compression === undefined || compression === '' ? 'bzip2' : compression,
    narHash,
    narHashText: narHashText!,
    narSize,
    references,
    sigs,
    unknown,
  };
  if (compression === undefined) info.compressionOmitted = true;
  if (fileHash !== undefined) {
    info.fileHash = fileHash;
    info.fileHashText = fileHashText!;
  }
  if (fileSize !== undefined) info.fileSize = fileSize;
  if (deriver !== undefined) info.deriver = deriver;
  if (ca !== undefined) info.ca = ca;
  return info;
}

function checkValue(field: string, value: string): string {
  if (value.includes('\n')) throw new FormatError(`value contains a newline`, { source: 'narinfo', field });
  return value;
}

function checkSize(field: string, n: number | undefined, min: number): number {
  if (n === undefined || !Number.isSafeInteger(n) || n < min) {
    throw new FormatError(`${String(n)} is not an integer >= ${min}`, { source: 'narinfo', field });
  }
  return n;
}

function checkSha256(field: string, hash: Hash | undefined): string {
  if (hash === undefined || hash.algo !== 'sha256' || hash.bytes.length !== 32) {
    throw new FormatError(`must be a sha256 hash`, { source: 'narinfo', field });
  }
  return formatHash(hash, 'nix32');
}

function inField<T>(field: string, fn: () => T): T {
  try {
    return fn();
  } catch (e) {
    if (e instanceof FormatError) throw new FormatError(e.detail, { source: 'narinfo', field });
    throw e;
  }
}

/**
 * Writes a narinfo the way Nix does: fields in Nix's order (StorePath, URL, Compression, FileHash,
 * FileSize, NarHash, NarSize, References, Deriver, Sig, CA), hashes as `sha256:<nix32>`, references
 * and signatures sorted and without duplicates, `References: ` even when empty; then unknown fields
 * (see `unknownFields`). A narinfo written by Nix re-serialises byte for byte. Throws FormatError if
 * `info` could not be parsed back (bad store paths, newlines in values, NarSize 0, ...).
 */
export function serialiseNarinfo(info: Narinfo, options: SerialiseNarinfoOptions = {}): string {
  const storePath = inField('StorePath', () => parseStorePath(info.storePath, storeDirOf(info.storePath))).path;
  let out = `StorePath: ${storePath}\n`;
  if (checkValue('URL', info.url) === '') throw new FormatError('URL is empty', { source: 'narinfo', field: 'URL' });
  out += `URL: ${info.url}\n`;
  // The line can be left out only when that means what it says: a missing Compression is bzip2.
  if (!(info.compressionOmitted && info.compression === 'bzip2')) {
    if (checkValue('Compression', info.compression) === '') {
      throw new FormatError('Compression is empty', { source: 'narinfo', field: 'Compression' });
    }
    out += `Compression: ${info.compression}\n`;
  }
  if (info.fileHash !== undefined) out += `FileHash: ${checkSha256('FileHash', info.fileHash)}\n`;
  if (info.fileSize !== undefined) out += `FileSize: ${checkSize('FileSize', info.fileSize, 0)}\n`;
  out += `NarHash: ${checkSha256('NarHash', info.narHash)}\n`;
  out += `NarSize: ${checkSize('NarSize', info.narSize, 1)}\n`;
  const refs = sortedUnique(info.references.map((r) => inField('References', () => parseStoreBasename(r)).basename));
  out += `References: ${refs.join(' ')}\n`;
  if (info.deriver !== undefined) {
    const deriver = info.deriver;
    out += `Deriver: ${inField('Deriver', () => parseStoreBasename(deriver)).basename}\n`;
  }
  for (const sig of sortedUnique(info.sigs)) out += `Sig: ${checkValue('Sig', sig)}\n`;
  if (info.ca !== undefined && info.ca !== '') {
    const ca = info.ca;
    out += `CA: ${inField('CA', () => renderContentAddress(parseContentAddress(ca)))}\n`;
  }
  if ((options.unknownFields ?? 'keep') === 'keep') {
    for (const { key, value } of info.unknown) {
      if (key.includes(':') || key.includes('\n') || KNOWN_KEYS.has(key)) {
        throw new FormatError(`${quote(key)} cannot be written as an unknown field`, { source: 'narinfo', field: key });
      }
      out += `${key}: ${checkValue(key, value)}\n`;
    }
  }
  return out;
}
