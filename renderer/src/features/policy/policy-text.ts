import { diffLines } from 'diff';

/**
 * A policy as the bucket returns it, made readable for editing: S3 and RGW hand back what was stored,
 * often one long line; that is shown indented (two spaces, as the templates are). Text that is not
 * JSON, or already has line breaks, is left exactly as it is.
 */
export function formatForEditing(text: string): string {
  if (text.includes('\n')) return text;
  try {
    return JSON.stringify(JSON.parse(text), null, 2);
  } catch {
    return text;
  }
}

/** Whether two policy texts mean the same JSON (a save that only reformats changes nothing). */
export function sameJson(a: string, b: string): boolean {
  try {
    return JSON.stringify(JSON.parse(a)) === JSON.stringify(JSON.parse(b));
  } catch {
    return a === b;
  }
}

export type DiffRow =
  | { kind: 'same' | 'removed' | 'added'; oldLine?: number; newLine?: number; text: string }
  /** Unchanged lines left out between two changes: how many. */
  | { kind: 'gap'; count: number };

function splitLines(value: string): string[] {
  const lines = value.split('\n');
  if (lines.at(-1) === '') lines.pop();
  return lines;
}

/**
 * A line diff of old and new, with the line numbers of each side and unchanged runs longer than
 * twice `context` folded to a gap, like `diff -u`: what a person reads before replacing a policy.
 */
export function lineDiff(oldText: string, newText: string, context = 3): DiffRow[] {
  const rows: Array<Exclude<DiffRow, { kind: 'gap' }>> = [];
  let oldLine = 1;
  let newLine = 1;
  for (const part of diffLines(oldText, newText)) {
    for (const text of splitLines(part.value)) {
      if (part.added) rows.push({ kind: 'added', newLine: newLine++, text });
      else if (part.removed) rows.push({ kind: 'removed', oldLine: oldLine++, text });
      else rows.push({ kind: 'same', oldLine: oldLine++, newLine: newLine++, text });
    }
  }
  const changed = rows.map((row, i) => (row.kind === 'same' ? -1 : i)).filter((i) => i >= 0);
  if (changed.length === 0) return rows;
  const keep = rows.map((_, i) => changed.some((c) => Math.abs(c - i) <= context));
  const out: DiffRow[] = [];
  for (let i = 0; i < rows.length; ) {
    if (keep[i]) {
      out.push(rows[i]!);
      i += 1;
      continue;
    }
    let j = i;
    while (j < rows.length && !keep[j]) j += 1;
    // Folding a single line would hide it behind a row of the same height.
    if (j - i === 1) out.push(rows[i]!);
    else out.push({ kind: 'gap', count: j - i });
    i = j;
  }
  return out;
}

/** Lines added and removed, for the save dialog's summary. */
export function diffCounts(rows: readonly DiffRow[]): { added: number; removed: number } {
  return {
    added: rows.filter((r) => r.kind === 'added').length,
    removed: rows.filter((r) => r.kind === 'removed').length,
  };
}
