// Runs the checker over every policy of the corpus and compares its findings, exactly, with the
// expectations beside each policy; and checks that every mechanical fix removes what it fixes.
// UPDATE_POLICY_CORPUS=1 writes the current findings into the expectation files (review the diff).
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { checkPolicy } from './check';
import { type CorpusExpectation, fillCheckOptions, fillPlaceholders } from './corpus-format';
import { applyFix } from './report';

const dir = join(import.meta.dirname, 'corpus');
const values = { bucket: 'nix-cache', userArn: 'arn:aws:iam:::user/second' };
const policies = readdirSync(dir)
  .filter((f) => f.endsWith('.json') && !f.endsWith('.expected.json'))
  .sort();

describe('policy corpus', () => {
  it('has at least 40 policies, each with its expectations', () => {
    expect(policies.length).toBeGreaterThanOrEqual(40);
  });

  for (const file of policies) {
    const expectationFile = join(dir, file.replace(/\.json$/, '.expected.json'));
    it(file, () => {
      const expectation = JSON.parse(readFileSync(expectationFile, 'utf8')) as CorpusExpectation;
      const text = fillPlaceholders(readFileSync(join(dir, file), 'utf8'), values);
      const options = fillCheckOptions(expectation.check, values);
      const findings = checkPolicy(text, options);
      const got = findings.map((f) => ({ id: f.id, severity: f.severity, path: f.path }));
      if (process.env.UPDATE_POLICY_CORPUS) {
        writeFileSync(expectationFile, JSON.stringify({ ...expectation, findings: got }, null, 2) + '\n');
        return;
      }
      expect(got).toEqual(expectation.findings);
      for (const f of findings) {
        expect(f.message).not.toContain('\n');
        expect(text.slice(f.offset, f.offset + f.length).length).toBe(f.length);
        if (!f.fix) continue;
        const fixed = applyFix(text, f.fix);
        const after = checkPolicy(fixed, options);
        const count = (list: { id: string }[]) => list.filter((x) => x.id === f.id).length;
        expect(after.filter((x) => x.id === 'json-syntax'), `${f.id} fix "${f.fix.title}" keeps the JSON valid`).toEqual([]);
        expect(count(after), `${f.id} fix "${f.fix.title}" removes the finding`).toBeLessThan(count(findings));
      }
    });
  }
});
