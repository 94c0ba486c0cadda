/**
 * nix.conf, read the way Nix reads it: `#` starts a comment, a line is split on white space, and is
 * either `include PATH` / `!include PATH` (the latter ignored when PATH is missing) or `NAME = VALUE...`
 * where the value is the remaining words joined by one space. `extra-NAME` appends to NAME.
 */
export type NixConfLine =
  | { kind: 'set'; name: string; value: string; line: number }
  | { kind: 'include'; path: string; optional: boolean; line: number };

export class NixConfError extends Error {
  override name = 'NixConfError';
}

/**
 * A syntax error names the file, the line and what is wrong, never the line's words: a broken
 * `access-tokens` or `secret-key-files` line holds a secret, and the message is shown on screen.
 */
export function parseNixConf(text: string, source: string): NixConfLine[] {
  const out: NixConfLine[] = [];
  text.split('\n').forEach((raw, index) => {
    const line = index + 1;
    const fail = (what: string) => new NixConfError(`${source}:${line}: syntax error: ${what} (Nix would refuse this file)`);
    const hash = raw.indexOf('#');
    const words = (hash >= 0 ? raw.slice(0, hash) : raw).split(/[ \t\r]+/).filter(Boolean);
    if (words.length === 0) return;
    if (words[0] === 'include' || words[0] === '!include') {
      if (words.length !== 2) throw fail(`${words[0]} takes exactly one path, found ${words.length - 1} words after it`);
      out.push({ kind: 'include', path: words[1]!, optional: words[0] === '!include', line });
      return;
    }
    if (words.length < 2) throw fail('a single word, expected NAME = VALUE');
    if (words[1] !== '=') throw fail('no "=" after the setting name, expected NAME = VALUE');
    out.push({ kind: 'set', name: words[0]!, value: words.slice(2).join(' '), line });
  });
  return out;
}

/** Where a value came from, for display: a file and line, or the NIX_CONFIG variable. */
export interface ConfSource {
  where: string;
  line?: number;
}

export interface ConfValue {
  word: string;
  source: ConfSource;
  /** `trusted-public-keys` or `extra-trusted-public-keys` */
  setting: string;
}

/**
 * Folds settings applied in order into the words of one list setting (like trusted-public-keys),
 * remembering for each word where it was set. A plain assignment replaces earlier words; `extra-`
 * appends to them.
 */
export class ListSetting {
  private words: ConfValue[] = [];
  private set = false;

  constructor(readonly name: string) {}

  apply(name: string, value: string, source: ConfSource): void {
    const words = value.split(/\s+/).filter(Boolean);
    if (name === this.name) {
      this.words = words.map((word) => ({ word, source, setting: name }));
      this.set = true;
    } else if (name === `extra-${this.name}`) {
      this.words.push(...words.map((word) => ({ word, source, setting: name })));
    }
  }

  /** The words, or the defaults when the setting was never assigned (extra- values still add). */
  values(defaults: readonly string[] = []): ConfValue[] {
    if (this.set) return this.words;
    return [...defaults.map((word) => ({ word, source: { where: 'Nix default' }, setting: this.name })), ...this.words];
  }
}
