// Adds up the test counts of every runner's JSON report and prints the closing line CI reads:
// "narwhal: N passed, N failed". A stage that failed without a report (type check, lint, a crash)
// counts as one failure, so a broken stage can never pass silently.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

const [dir, ...failedStages] = process.argv.slice(2);
let passed = 0;
let failed = 0;
let skipped = 0;
const read = (name) => (existsSync(join(dir, name)) ? JSON.parse(readFileSync(join(dir, name), 'utf8')) : null);

for (const name of ['unit.json', 'integration.json']) {
  const report = read(name);
  if (!report) continue;
  passed += report.numPassedTests;
  failed += report.numFailedTests;
  skipped += report.numPendingTests + (report.numTodoTests ?? 0);
}
const e2e = read('e2e.json');
if (e2e) {
  passed += e2e.stats.expected + e2e.stats.flaky;
  failed += e2e.stats.unexpected;
  skipped += e2e.stats.skipped;
}
const reported = new Set(['unit tests', 'integration tests', 'e2e tests']);
const failedWithoutReport = failedStages.filter((stage) => !reported.has(stage) || !read(stage.startsWith('unit') ? 'unit.json' : stage.startsWith('integ') ? 'integration.json' : 'e2e.json'));
failed += failedWithoutReport.length;
for (const stage of failedStages) console.log(`failed stage: ${stage}`);
console.log(`narwhal: ${passed} passed, ${failed} failed${skipped ? `, ${skipped} skipped` : ''}`);
process.exit(failedStages.length || failed ? 1 : 0);
