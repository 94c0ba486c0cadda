import { describe, expect, it } from 'vitest';
import type { IndexRow } from '../../../../shared/api/contract';
import { baseNameOf, cellText, formatModified, signatureText } from './columns';

const row: IndexRow = { hash: '0123456789abcdfghijklmnpqrsvwxyz', name: 'hello-2.12', narSize: 226_560, fileSize: 49_000, compression: 'xz', references: 3, signers: ['k1'], lastModified: new Date(2026, 11, 3, 9, 5).getTime() };

describe('table cells', () => {
  it('shows each column of a row', () => {
    expect(cellText(row, 'name')).toBe('hello-2.12');
    expect(cellText(row, 'narSize')).toBe('227 kB');
    expect(cellText(row, 'fileSize')).toBe('49 kB');
    expect(cellText(row, 'compression')).toBe('xz');
    expect(cellText(row, 'references')).toBe('3');
    expect(cellText(row, 'signatures')).toBe('signed by k1');
    expect(cellText(row, 'lastModified')).toBe('2026-12-03 09:05');
    expect(baseNameOf(row)).toBe('0123456789abcdfghijklmnpqrsvwxyz-hello-2.12');
  });

  it('says unsigned, several signers, and nothing about the fields of a narinfo that does not parse', () => {
    expect(signatureText({ signers: [] })).toBe('unsigned');
    expect(signatureText({ signers: ['a-1', 'b-2'] })).toBe('signed by a-1, b-2');
    const broken: IndexRow = { hash: row.hash, references: 0, signers: [], error: 'NarHash missing' };
    expect(cellText(broken, 'name')).toBe('NarHash missing');
    expect(cellText({ ...broken, error: `${row.hash}.narinfo: line 2: NarHash missing` }, 'name')).toBe('line 2: NarHash missing');
    expect(['narSize', 'fileSize', 'compression', 'references', 'signatures'].map((c) => cellText(broken, c as never))).toEqual(['—', '—', '—', '—', '—']);
    expect(baseNameOf(broken)).toBe(row.hash);
    expect(formatModified(undefined)).toBe('—');
  });
});
