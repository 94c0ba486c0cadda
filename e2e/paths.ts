import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
/** Shared with the other test stages (scripts/test.sh empties it at the start of a run). */
export const resultsDir = path.join(repoRoot, 'test-results');
export const screensDir = path.join(resultsDir, 'screens');
/** Where global setup leaves the test bed's details for the test workers. */
export const testbedEnv = 'NARWHAL_E2E_TESTBED';
