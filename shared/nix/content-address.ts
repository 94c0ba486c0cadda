import { FormatError, quote } from './errors';
import { formatHash, isHashAlgo, parseHashBody, type Hash } from './hash';

/**
 * How a content-addressed path was hashed: `text` (derivations, `builtins.toFile`), `flat` (a single
 * file's contents), `nar` (the NAR serialisation, "recursive"), `git` (Nix 2.2x+, experimental).
 */
export type ContentAddressMethod = 'text' | 'flat' | 'nar' | 'git';

export interface ContentAddress {
  method: ContentAddressMethod;
  hash: Hash;
}

/**
 * Parses the `CA` field of a narinfo: `text:sha256:<hash>`, `fixed:<algo>:<hash>`,
 * `fixed:r:<algo>:<hash>` or `fixed:git:<algo>:<hash>`, the hash in base-16, nix32 or base64.
 */
export function parseContentAddress(text: string): ContentAddress {
  const colon = text.indexOf(':');
  if (colon < 0) throw new FormatError(`content address ${quote(text)} is not of the form '<prefix>:<rest>'`);
  const prefix = text.slice(0, colon);
  let rest = text.slice(colon + 1);
  let method: ContentAddressMethod;
  if (prefix === 'text') method = 'text';
  else if (prefix === 'fixed') {
    method = 'flat';
    if (rest.startsWith('r:')) {
      method = 'nar';
      rest = rest.slice(2);
    } else if (rest.startsWith('git:')) {
      method = 'git';
      rest = rest.slice(4);
    }
  } else {
    throw new FormatError(`content address prefix ${quote(prefix)} is not 'text' or 'fixed'`);
  }
  const colon2 = rest.indexOf(':');
  if (colon2 < 0) throw new FormatError(`content address ${quote(text)} lacks '<algo>:<hash>'`);
  const algo = rest.slice(0, colon2);
  if (!isHashAlgo(algo)) throw new FormatError(`unknown hash algorithm ${quote(algo)} in content address`);
  if (method === 'text' && algo !== 'sha256') {
    throw new FormatError(`text content address must use sha256, not ${algo}`);
  }
  return { method, hash: parseHashBody(rest.slice(colon2 + 1), algo) };
}

/** Nix's rendering of a content address (hash always nix32). */
export function renderContentAddress(ca: ContentAddress): string {
  const hash = formatHash(ca.hash, 'nix32');
  switch (ca.method) {
    case 'text':
      return `text:${hash}`;
    case 'flat':
      return `fixed:${hash}`;
    case 'nar':
      return `fixed:r:${hash}`;
    case 'git':
      return `fixed:git:${hash}`;
  }
}
