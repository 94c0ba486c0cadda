import { parseContentAddress } from '../nix/content-address';
import { FormatError } from '../nix/errors';
import { parseHash } from '../nix/hash';
import { parseNarinfo } from '../nix/narinfo';
import { parseSignature } from '../nix/signature';
import { parseStoreBasename, parseStorePath } from '../nix/store-path';

/** One line of a narinfo as written, with what is wrong with it. */
export interface NarinfoLine {
  /** 1-based. */
  line: number;
  /** The line without its `\n`. */
  text: string;
  key?: string;
  value?: string;
  /** Not one of the fields Nix reads (kept, shown, ignored by Nix). */
  unknown?: boolean;
  problem?: string;
  /** Something Nix does not refuse the narinfo for but ignores (a Sig that is not `name:base64`). */
  note?: string;
}

export interface NarinfoProblem {
  /** Absent for what is missing from the whole file (a required field). */
  line?: number;
  field?: string;
  message: string;
}

/** What could be read of each field, even when other lines are broken. */
export interface LenientFields {
  storePath?: string;
  url?: string;
  compression?: string;
  fileHash?: string;
  fileSize?: number;
  narHash?: string;
  narSize?: number;
  /** Base names that parse; a bad one is a problem of its line. */
  references: string[];
  deriver?: string;
  sigs: string[];
  ca?: string;
}

export interface LenientNarinfo {
  lines: NarinfoLine[];
  /** Every problem, in line order, then what is missing. Empty: Nix would read this narinfo. */
  problems: NarinfoProblem[];
  fields: LenientFields;
}

const requiredMessage = (field: string) => `${field} missing (Nix needs it)`;

/**
 * Reads a narinfo for display: every line with what Nix would say about it, instead of stopping at the
 * first error as `parseNarinfo` does, so a broken narinfo still shows what it says and where it goes
 * wrong. The rules are `parseNarinfo`'s (Nix's); when that parser refuses the text for a reason no line
 * here explains, its message is added, so a problem is never hidden. `expectedHash` is the hash of the
 * narinfo's key: a StorePath with another hash describes another path.
 */
export function readNarinfoLeniently(text: string, options: { expectedHash?: string } = {}): LenientNarinfo {
  const lines: NarinfoLine[] = [];
  const fields: LenientFields = { references: [], sigs: [] };
  let referencesLine = 0;
  let caLine = 0;
  const rawLines = text.split('\n');
  // A file ending in `\n` splits into one empty string after the last line: not a line.
  const complete = rawLines[rawLines.length - 1] === '';
  if (complete) rawLines.pop();

  rawLines.forEach((content, index) => {
    const entry: NarinfoLine = { line: index + 1, text: content };
    lines.push(entry);
    const problem = (message: string) => {
      entry.problem ??= message;
    };
    if (!complete && index === rawLines.length - 1) problem("the last line does not end with '\\n' (truncated file?)");
    if (content.endsWith('\r')) problem("the line ends with '\\r' (Windows line endings); Nix reads it as part of the value");
    const colon = content.indexOf(':');
    if (colon < 0) {
      problem(content === '' ? 'empty line' : "expected 'Key: value', found no ':'");
      return;
    }
    const key = content.slice(0, colon);
    entry.key = key;
    if (content[colon + 1] !== ' ') {
      problem("expected one space after ':'");
      return;
    }
    const value = content.slice(colon + 2);
    entry.value = value;
    const check = <T>(fn: () => T): T | undefined => {
      try {
        return fn();
      } catch (e) {
        if (e instanceof FormatError) {
          problem(e.detail);
          return undefined;
        }
        throw e;
      }
    };
    switch (key) {
      case 'StorePath': {
        const path = check(() => parseStorePath(value));
        if (path) {
          fields.storePath = path.path;
          if (options.expectedHash && path.hash !== options.expectedHash) problem(`describes another path: its hash is ${path.hash}, the narinfo's key says ${options.expectedHash}`);
        }
        break;
      }
      case 'URL':
        if (value === '') problem('URL is empty');
        else fields.url = value;
        break;
      case 'Compression':
        fields.compression = value;
        break;
      case 'FileHash':
        if (check(() => parseHash(value, 'sha256'))) fields.fileHash = value;
        break;
      case 'FileSize': {
        const n = check(() => size(value));
        if (n !== undefined) fields.fileSize = n;
        break;
      }
      case 'NarHash':
        if (check(() => parseHash(value, 'sha256'))) fields.narHash = value;
        break;
      case 'NarSize': {
        const n = check(() => size(value));
        if (n === 0) problem('NarSize must be greater than 0');
        else if (n !== undefined) fields.narSize = n;
        break;
      }
      case 'References': {
        if (fields.references.length > 0) {
          problem(`second References line (references already listed on line ${referencesLine})`);
          break;
        }
        for (const token of value.split(' ')) {
          if (token === '') continue;
          const ref = check(() => parseStoreBasename(token));
          if (ref) fields.references.push(ref.basename);
        }
        referencesLine = index + 1;
        break;
      }
      case 'Deriver':
        if (value !== 'unknown-deriver') {
          const deriver = check(() => parseStoreBasename(value));
          if (deriver) fields.deriver = deriver.basename;
        }
        break;
      case 'Sig':
        // Nix keeps a malformed signature and ignores it when verifying; so does the verdict. Say why here.
        try {
          parseSignature(value);
        } catch (e) {
          if (!(e instanceof FormatError)) throw e;
          entry.note = `Nix ignores this signature: ${e.detail}`;
        }
        fields.sigs.push(value);
        break;
      case 'CA':
        if (fields.ca !== undefined) problem(`second CA line (CA already given on line ${caLine})`);
        else if (value !== '' && check(() => parseContentAddress(value))) {
          fields.ca = value;
          caLine = index + 1;
        }
        break;
      default:
        entry.unknown = true;
    }
  });

  const problems: NarinfoProblem[] = lines
    .filter((l) => l.problem)
    .map((l) => ({ line: l.line, ...(l.key !== undefined ? { field: l.key } : {}), message: l.problem! }));
  const has = (key: string) => lines.some((l) => l.key === key);
  if (!has('StorePath')) problems.push({ field: 'StorePath', message: requiredMessage('StorePath') });
  if (!has('NarHash')) problems.push({ field: 'NarHash', message: requiredMessage('NarHash') });
  if (!has('URL')) problems.push({ field: 'URL', message: requiredMessage('URL') });
  if (!has('NarSize')) problems.push({ field: 'NarSize', message: requiredMessage('NarSize') });

  if (problems.length === 0) {
    try {
      parseNarinfo(text);
    } catch (e) {
      if (!(e instanceof FormatError)) throw e;
      problems.push({ ...(e.line !== undefined ? { line: e.line } : {}), ...(e.field !== undefined ? { field: e.field } : {}), message: e.detail });
    }
  }
  return { lines, problems, fields };
}

function size(value: string): number {
  if (!/^[0-9]+$/.test(value)) throw new FormatError(`"${value}" is not a non-negative decimal integer`);
  const n = Number(value);
  if (!Number.isSafeInteger(n)) throw new FormatError(`${value} is too large (more than 2^53 - 1)`);
  return n;
}
