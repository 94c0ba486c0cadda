import { describe, expect, it } from 'vitest';
import type { Finding } from '../../../../shared/policy/types';
import { isBlocking, summariseFindings } from './findings';

const finding = (severity: Finding['severity']): Finding => ({ id: 'x', severity, path: '$', line: 1, column: 1, offset: 0, length: 1, message: 'm' });

describe('summariseFindings', () => {
  it('counts by severity, most severe first, in words', () => {
    expect(summariseFindings([finding('suggestion'), finding('error'), finding('error'), finding('security')])).toBe('2 errors · 1 security finding · 1 suggestion');
    expect(summariseFindings([])).toBe('');
  });
  it('treats errors and security findings as the ones to confirm', () => {
    expect(['error', 'security', 'warning', 'suggestion'].map((s) => isBlocking(finding(s as Finding['severity'])))).toEqual([true, true, false, false]);
  });
});
