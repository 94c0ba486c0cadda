// Collects findings with their places in the text, and builds mechanical fixes as text edits.
import { modify, type JSONPath } from 'jsonc-parser';
import { formatPath, type ParsedPolicyText, type PathSegment } from './parse';
import type { Finding, Fix, Json, Severity, TextEdit } from './types';

const formatting = { formattingOptions: { insertSpaces: true, tabSize: 2, eol: '\n' } };

export class Reporter {
  readonly findings: Finding[] = [];
  constructor(readonly parsed: ParsedPolicyText) {}

  /** A finding about the value at `path` (or its key, with `{ key: true }`). */
  add(id: string, severity: Severity, path: readonly PathSegment[], message: string, fix?: Fix, options: { key?: boolean } = {}): void {
    const span = options.key ? this.parsed.keySpanOf(path) : this.parsed.spanOf(path);
    this.at(id, severity, formatPath(path), span, message, fix);
  }

  at(id: string, severity: Severity, path: string, span: { offset: number; length: number }, message: string, fix?: Fix): void {
    const { line, column } = this.parsed.lineColumn(span.offset);
    this.findings.push({ id, severity, path, line, column, offset: span.offset, length: span.length, message, ...(fix ? { fix } : {}) });
  }

  // Fixes -------------------------------------------------------------------------------------------

  set(path: readonly PathSegment[], value: Json): TextEdit[] {
    return modify(this.parsed.text, path as JSONPath, value, formatting);
  }

  remove(path: readonly PathSegment[]): TextEdit[] {
    return modify(this.parsed.text, path as JSONPath, undefined, formatting);
  }

  /** Appends to an array, or turns a single string into an array of it and the new value. */
  append(path: readonly PathSegment[], value: Json): TextEdit[] {
    const node = this.parsed.nodeAt(path);
    if (node?.type === 'array') {
      return modify(this.parsed.text, [...path, node.children?.length ?? 0] as JSONPath, value, { ...formatting, isArrayInsertion: true });
    }
    const current = node ? (node.value as Json) : undefined;
    return this.set(path, current === undefined ? value : [current, value]);
  }

  /** Renames the key of the property at `path`, keeping its value. */
  renameKey(path: readonly PathSegment[], name: string): TextEdit[] {
    const span = this.parsed.keySpanOf(path);
    return [{ offset: span.offset, length: span.length, content: JSON.stringify(name) }];
  }
}

/** Applies a fix (or any non-overlapping edits) to the text it was made for. */
export function applyFix(text: string, fix: Fix | TextEdit[]): string {
  const edits = [...(Array.isArray(fix) ? fix : fix.edits)].sort((a, b) => b.offset - a.offset);
  let out = text;
  for (const e of edits) out = out.slice(0, e.offset) + e.content + out.slice(e.offset + e.length);
  return out;
}
