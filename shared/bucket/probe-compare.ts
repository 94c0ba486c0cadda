import { checkPolicy } from '../policy/check';
import type { Finding } from '../policy/types';
import type { ProbeResult, ProbeStepId } from './probe';

/**
 * Where the live probe contradicts the static analysis. The checker, run for the public-cache intent,
 * predicts two things a probe measures: whether an anonymous caller may read the cache's files
 * (finding `nix-public-read-missing` says no) and whether a miss answers 404 or 403 (finding
 * `nix-miss-403`: no s3:ListBucket). A contradiction means something outside the policy decides
 * (ACLs, Block Public Access, a provider's own public setting) or the provider evaluates the policy
 * differently from AWS, and the user should know which answer to believe: the probe's.
 */

export interface ProbeExpectation {
  anonymousRead: boolean;
  /** Whether a miss answers 404 (anonymous callers may list) rather than 403. */
  anonymousMiss404: boolean;
  /** What the expectation rests on, for the note. */
  basis: string;
}

/** Findings that mean the checker could not get as far as the Nix readiness checks. */
const unreadable = new Set(['json-syntax', 'policy-not-object']);

/** The expectation from the checker's findings for the public-cache intent; undefined when the checker could not read the policy. */
export function expectationFromFindings(findings: readonly Finding[]): ProbeExpectation | undefined {
  if (findings.some((f) => unreadable.has(f.id))) return undefined;
  const anonymousRead = !findings.some((f) => f.id === 'nix-public-read-missing');
  return {
    anonymousRead,
    anonymousMiss404: anonymousRead && !findings.some((f) => f.id === 'nix-miss-403'),
    basis: 'the bucket policy',
  };
}

export type SavedPolicy = { state: 'policy'; text: string } | { state: 'none' } | { state: 'unsupported'; message: string };

/**
 * The expectation for the policy the bucket has now (not an unsaved draft: the probe meets the saved
 * one). No policy: only the owner may read, so anonymous reads and misses are 403. A provider without
 * a policy API decides by its own settings: nothing to compare.
 */
export function expectationForSavedPolicy(policy: SavedPolicy, bucket: string): ProbeExpectation | undefined {
  if (policy.state === 'unsupported') return undefined;
  if (policy.state === 'none') return { anonymousRead: false, anonymousMiss404: false, basis: 'the bucket having no policy' };
  return expectationFromFindings(checkPolicy(policy.text, { bucket, intent: 'public-cache' }));
}

export interface ProbeDisagreement {
  step: ProbeStepId;
  expected: string;
  got: string;
  message: string;
}

const outside =
  'Something besides the policy decides here: an ACL, S3 Block Public Access, the provider’s own public-access setting, or a provider that evaluates policies differently from AWS (Ceph RGW, for one, ignores an HTTPS-only Deny on plain HTTP). Believe the probe.';

export function probeDisagreements(probe: ProbeResult, expectation: ProbeExpectation | undefined): ProbeDisagreement[] {
  if (!expectation) return [];
  const notes: ProbeDisagreement[] = [];
  const info = probe.steps.find((s) => s.id === 'anonymous-cache-info');
  const miss = probe.steps.find((s) => s.id === 'anonymous-missing-narinfo');
  // Only answers that are about permissions are compared; a missing bucket or no answer is the probe's own finding.
  if (info && (info.outcome === 'ok' || info.outcome === 'denied')) {
    const read = info.outcome === 'ok';
    if (read !== expectation.anonymousRead) {
      notes.push({
        step: info.id,
        expected: expectation.anonymousRead ? '200 (anyone may read)' : '403 (anonymous reads refused)',
        got: String(info.status),
        message: expectation.anonymousRead
          ? `By ${expectation.basis}, anonymous callers may read nix-cache-info, but the anonymous GET was refused (403). ${outside}`
          : `By ${expectation.basis}, anonymous callers may not read nix-cache-info, yet the anonymous GET got it (200): the bucket is more open than its policy says. ${outside}`,
      });
    }
  }
  if (miss && (miss.outcome === 'missing' || miss.outcome === 'denied')) {
    const got404 = miss.outcome === 'missing';
    if (got404 !== expectation.anonymousMiss404) {
      notes.push({
        step: miss.id,
        expected: expectation.anonymousMiss404 ? '404 (anyone may list)' : '403 (no anonymous listing)',
        got: String(miss.status),
        message: expectation.anonymousMiss404
          ? `By ${expectation.basis}, a miss should answer 404 (anonymous callers may list the bucket), but it answered 403. ${outside}`
          : `By ${expectation.basis}, a miss should answer 403 (anonymous callers may not list the bucket), but it answered 404: the provider says "no such key" without checking s3:ListBucket, or something else grants listing.`,
      });
    }
  }
  return notes;
}
