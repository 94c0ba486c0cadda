import { Text } from '@codemirror/state';
import { describe, expect, it } from 'vitest';
import type { Finding } from '../../../../shared/policy/types';
import { toDiagnostics } from './diagnostics';

const doc = Text.of(['{', '  "Statement": [', '    {"Effect": "Allow"}', '  ]', '}']);
const finding = (over: Partial<Finding>): Finding => ({ id: 'x', severity: 'error', path: '$', line: 1, column: 1, offset: 0, length: 1, message: 'm', ...over });

describe('toDiagnostics', () => {
  it('maps severities (security as an error with its own mark, suggestions as info) and offers the fix as an action', () => {
    const applied: unknown[] = [];
    const edits = [{ offset: 0, length: 1, content: '[' }];
    const [security, suggestion] = toDiagnostics(
      [finding({ severity: 'security', fix: { title: 'Remove it', edits } }), finding({ severity: 'suggestion' })],
      doc,
      (e) => applied.push(e),
    );
    expect(security).toMatchObject({ severity: 'error', markClass: 'policy-mark--security', source: 'security' });
    expect(suggestion).toMatchObject({ severity: 'info' });
    expect(security!.actions?.map((a) => a.name)).toEqual(['Remove it']);
    security!.actions![0]!.apply(undefined as never, 0, 0);
    expect(applied).toEqual([edits]);
  });

  it('underlines a finding that spans lines on its first line only, and keeps ranges inside the text', () => {
    const start = doc.line(2).from + '  "Statement": '.length;
    const [block, beyond] = toDiagnostics([finding({ offset: start, length: doc.length - start }), finding({ offset: doc.length + 5, length: 3 })], doc, () => {});
    expect({ from: block!.from, to: block!.to }).toEqual({ from: start, to: doc.line(2).to });
    expect({ from: beyond!.from, to: beyond!.to }).toEqual({ from: doc.length, to: doc.length });
  });
});
