import { describe, expect, it } from 'vitest';
import { diffCounts, formatForEditing, lineDiff, sameJson } from './policy-text';

describe('formatForEditing', () => {
  it('indents a one-line policy and leaves formatted or broken text alone', () => {
    expect(formatForEditing('{"Version":"2012-10-17","Statement":[]}')).toBe('{\n  "Version": "2012-10-17",\n  "Statement": []\n}');
    const formatted = '{\n    "Version": "2012-10-17"\n}';
    expect(formatForEditing(formatted)).toBe(formatted);
    expect(formatForEditing('{"Version": ')).toBe('{"Version": ');
  });
});

describe('sameJson', () => {
  it('compares meaning, not layout', () => {
    expect(sameJson('{"a":[1,2]}', '{\n  "a": [1, 2]\n}')).toBe(true);
    expect(sameJson('{"a":[1,2]}', '{"a":[2,1]}')).toBe(false);
    expect(sameJson('{"a":', '{"a":')).toBe(true);
    expect(sameJson('{"a":', '{"a": ')).toBe(false);
  });
});

describe('lineDiff', () => {
  it('numbers the lines of each side and marks what was removed and added', () => {
    const rows = lineDiff('a\nb\nc\n', 'a\nB\nc\n');
    expect(rows).toEqual([
      { kind: 'same', oldLine: 1, newLine: 1, text: 'a' },
      { kind: 'removed', oldLine: 2, text: 'b' },
      { kind: 'added', newLine: 2, text: 'B' },
      { kind: 'same', oldLine: 3, newLine: 3, text: 'c' },
    ]);
    expect(diffCounts(rows)).toEqual({ added: 1, removed: 1 });
  });

  it('folds long unchanged runs to a gap, keeping the context around each change', () => {
    const lines = Array.from({ length: 20 }, (_, i) => `line ${i + 1}`);
    const changed = [...lines];
    changed[9] = 'changed 10';
    const rows = lineDiff(lines.join('\n'), changed.join('\n'), 2);
    expect(rows[0]).toEqual({ kind: 'gap', count: 7 });
    expect(rows.filter((r) => r.kind === 'same').map((r) => ('text' in r ? r.text : ''))).toEqual(['line 8', 'line 9', 'line 11', 'line 12']);
    expect(rows.at(-1)).toEqual({ kind: 'gap', count: 8 });
    // One unchanged line beyond the context is shown, not folded.
    const short = lineDiff('a\nb\nc\nd\ne\n', 'a\nb\nc\nd\nE\n', 3);
    expect(short.map((r) => r.kind)).toEqual(['same', 'same', 'same', 'same', 'removed', 'added']);
  });

  it('shows a whole new policy as added lines (none before) and an unchanged text without gaps', () => {
    expect(lineDiff('', '{\n}')).toEqual([
      { kind: 'added', newLine: 1, text: '{' },
      { kind: 'added', newLine: 2, text: '}' },
    ]);
    expect(lineDiff('x\ny', 'x\ny').every((r) => r.kind === 'same')).toBe(true);
  });
});
