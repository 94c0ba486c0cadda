import { FormatError, quote } from './errors';

export interface NixCacheInfoUnknownField {
  key: string;
  value: string;
  line?: number;
}

/** The `nix-cache-info` file at the root of a binary cache. */
export interface NixCacheInfo {
  /** The store directory the cache's paths belong to; clients require it to equal theirs. Nix does not insist on the line. */
  storeDir?: string;
  /** `WantMassQuery: 1` → true; any other value → false (as in Nix). */
  wantMassQuery?: boolean;
  /** Lower wins; cache.nixos.org has 40. */
  priority?: number;
  /** Other `Key: value` lines, in order. */
  unknown: NixCacheInfoUnknownField[];
}

/** Nix's `trim`: spaces, tabs, CR and LF. */
function trim(s: string): string {
  return s.replace(/^[ \t\r\n]+|[ \t\r\n]+$/g, '');
}

/**
 * Parses `nix-cache-info` as Nix does: lines split at `\n`, lines without `:` ignored, the key is
 * what precedes the first `:` (not trimmed), the value is trimmed, later lines win. Stricter than Nix
 * in two places, with a FormatError: a `Priority` that is not an integer (Nix's `stoi` would throw or
 * read a prefix) and two different `StoreDir` values.
 */
export function parseNixCacheInfo(text: string, options: { source?: string } = {}): NixCacheInfo {
  const source = options.source ?? 'nix-cache-info';
  const info: NixCacheInfo = { unknown: [] };
  let storeDirLine = 0;
  text.split('\n').forEach((content, index) => {
    const line = index + 1;
    const colon = content.indexOf(':');
    if (colon < 0) return;
    const key = content.slice(0, colon);
    const value = trim(content.slice(colon + 1));
    switch (key) {
      case 'StoreDir':
        if (info.storeDir !== undefined && info.storeDir !== value) {
          throw new FormatError(`${quote(value)} conflicts with ${quote(info.storeDir)} on line ${storeDirLine}`, {
            source,
            line,
            field: key,
          });
        }
        info.storeDir = value;
        storeDirLine = line;
        break;
      case 'WantMassQuery':
        info.wantMassQuery = value === '1';
        break;
      case 'Priority':
        if (!/^[+-]?[0-9]+$/.test(value) || !Number.isSafeInteger(Number(value)) || Math.abs(Number(value)) > 2 ** 31 - 1) {
          throw new FormatError(`${quote(value)} is not an integer`, { source, line, field: key });
        }
        info.priority = Number(value);
        break;
      default:
        info.unknown.push({ key, value, line });
    }
  });
  return info;
}

/**
 * Writes `nix-cache-info`: `StoreDir`, `WantMassQuery`, `Priority` (each if set), then unknown
 * fields. Nix itself writes only `StoreDir: /nix/store\n`.
 */
export function serialiseNixCacheInfo(info: Omit<NixCacheInfo, 'unknown'> & { unknown?: NixCacheInfoUnknownField[] }): string {
  const check = (field: string, value: string): string => {
    if (/[\n]/.test(value)) throw new FormatError('value contains a newline', { source: 'nix-cache-info', field });
    return trim(value);
  };
  let out = '';
  if (info.storeDir !== undefined) out += `StoreDir: ${check('StoreDir', info.storeDir)}\n`;
  if (info.wantMassQuery !== undefined) out += `WantMassQuery: ${info.wantMassQuery ? 1 : 0}\n`;
  if (info.priority !== undefined) {
    if (!Number.isInteger(info.priority) || Math.abs(info.priority) > 2 ** 31 - 1) {
      throw new FormatError(`${info.priority} is not an integer`, { source: 'nix-cache-info', field: 'Priority' });
    }
    out += `Priority: ${info.priority}\n`;
  }
  for (const { key, value } of info.unknown ?? []) {
    if (key.includes(':') || key.includes('\n') || ['StoreDir', 'WantMassQuery', 'Priority'].includes(key)) {
      throw new FormatError(`${quote(key)} cannot be written as an unknown field`, { source: 'nix-cache-info', field: key });
    }
    out += `${key}: ${check(key, value)}\n`;
  }
  return out;
}
