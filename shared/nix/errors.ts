/** Where in an input a format problem was found. All parts are optional. */
export interface FormatErrorLocation {
  /** The field (narinfo key, key-file part, ...) the problem is in. */
  field?: string;
  /** 1-based line number in a line-oriented input. */
  line?: number;
  /** 0-based character offset into the input (the whole input, not the line). */
  offset?: number;
  /** What is being parsed, e.g. `narinfo` or a file name. Leads the message. */
  source?: string;
}

function composeMessage(detail: string, where: FormatErrorLocation): string {
  const parts: string[] = [];
  if (where.source !== undefined && where.source !== '') parts.push(where.source);
  if (where.line !== undefined) parts.push(`line ${where.line}`);
  if (where.field !== undefined) parts.push(`(${where.field})`);
  return parts.length > 0 ? `${parts.join(' ')}: ${detail}` : detail;
}

/**
 * The one error every parser in `shared/nix` throws for bad input. The message says what is wrong and
 * where, e.g. `narinfo line 3 (NarHash): hash has wrong length ...`; the location is also available as
 * properties, and `detail` is the message without the location prefix.
 */
export class FormatError extends Error {
  override name = 'FormatError';
  readonly detail: string;
  readonly field: string | undefined;
  readonly line: number | undefined;
  readonly offset: number | undefined;
  readonly source: string | undefined;

  constructor(message: string, where: FormatErrorLocation = {}) {
    super(composeMessage(message, where));
    this.detail = message;
    this.field = where.field;
    this.line = where.line;
    this.offset = where.offset;
    this.source = where.source;
  }

  /** The location of this error as an object (only the parts that are set). */
  get where(): FormatErrorLocation {
    const w: FormatErrorLocation = {};
    if (this.field !== undefined) w.field = this.field;
    if (this.line !== undefined) w.line = this.line;
    if (this.offset !== undefined) w.offset = this.offset;
    if (this.source !== undefined) w.source = this.source;
    return w;
  }

  /** The same problem, located by an enclosing parser: parts of `where` replace this error's parts. */
  at(where: FormatErrorLocation): FormatError {
    return new FormatError(this.detail, { ...this.where, ...where });
  }
}

/**
 * Runs `fn`; a FormatError it throws is re-thrown located at `where` (an enclosing parser's context).
 * Anything else propagates unchanged.
 */
export function locate<T>(where: FormatErrorLocation, fn: () => T): T {
  try {
    return fn();
  } catch (e) {
    if (e instanceof FormatError) throw e.at(where);
    throw e;
  }
}

/** A value quoted for an error message: JSON-style escapes, long values shortened. */
export function quote(value: string, max = 80): string {
  const shown = value.length > max ? `${value.slice(0, max - 1)}…` : value;
  return JSON.stringify(shown);
}
