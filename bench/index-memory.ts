/**
 * Peak memory with a big index: the main process (`narwhal serve`, the bundled CLI a user runs) and
 * the page (Debian's Chromium driven by Playwright), with 100 000 and 1 000 000 indexed paths.
 *
 * For each size: a folder cache of that many narinfos (synthetic-index.ts: names, sizes, references
 * and signatures shaped like a real cache; no NARs) and its index, built beforehand as a refresh would
 * have left it. Then `narwhal serve` starts, the page adds the folder as a cache, which shows the table
 * (and refreshes the index: a listing of every narinfo file, nothing to read), types one filter, and
 * opens the Stats tab (numbers, plots, the largest closures).
 *
 * Sampled every 200 ms: the main process's RSS (and its peak, VmHWM) and V8 heap (through the
 * inspector, `--inspect`); the page's JS heap (CDP Performance.getMetrics) and the RSS of Chromium's
 * renderer processes. Also timed in this process on the same file: opening the index and reading its
 * first 100 rows, then index.stats, the plots and the largest closures as the main process computes
 * them (in steps, stats.ts), each with its longest synchronous step (the event loop's longest delay).
 *
 *   npx tsx bench/index-memory.ts [--sizes 100000,1000000] [--keep]
 */
import { execFileSync, spawn } from 'node:child_process';
import * as fs from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import * as path from 'node:path';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import { chromium } from 'playwright';
import WebSocket from 'ws';
import type { CacheConfig } from '../shared/caches/config';
import { IndexDb } from '../electron/services/index/index-db';
import { indexFile } from '../electron/services/index/index-file';
import { cacheIdentity } from '../shared/caches/identity';
import { cacheNumbers, largestClosuresOf, plotsOf } from '../electron/services/index/stats';
import { syntheticIndexRows } from '../electron/services/index/synthetic-index';

const { values } = parseArgs({ options: { sizes: { type: 'string', default: '100000,1000000' }, keep: { type: 'boolean', default: false } } });
const sizes = values.sizes.split(',').map(Number);
const repo = path.resolve(import.meta.dirname, '..');
const mb = (bytes: number) => `${Math.round(bytes / 2 ** 20)} MiB`;
const ms = (t: number) => `${Math.round(t)} ms`;

console.log('building the CLI bundle and the page…');
execFileSync('npm', ['run', '-s', 'build:cli'], { cwd: repo, stdio: 'inherit' });
execFileSync('npm', ['run', '-s', 'build:renderer'], { cwd: repo, stdio: ['ignore', 'ignore', 'inherit'] });

/** VmRSS and VmHWM of a process, in bytes (0 when it is gone). */
function procMemory(pid: number): { rss: number; hwm: number } {
  try {
    const status = fs.readFileSync(`/proc/${pid}/status`, 'utf8');
    const kb = (field: string) => Number(new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(status)?.[1] ?? 0) * 1024;
    return { rss: kb('VmRSS'), hwm: kb('VmHWM') };
  } catch {
    return { rss: 0, hwm: 0 };
  }
}

/** Chromium's renderer processes (descendants of the browser process with --type=renderer). */
function rendererPids(browserPid: number): number[] {
  const children = new Map<number, number[]>();
  for (const entry of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = fs.readFileSync(`/proc/${entry}/stat`, 'utf8');
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      children.set(ppid, [...(children.get(ppid) ?? []), Number(entry)]);
    } catch {
      // gone meanwhile
    }
  }
  const found: number[] = [];
  const todo = [browserPid];
  while (todo.length) {
    for (const child of children.get(todo.pop()!) ?? []) {
      todo.push(child);
      try {
        if (fs.readFileSync(`/proc/${child}/cmdline`, 'utf8').includes('--type=renderer')) found.push(child);
      } catch {
        // gone meanwhile
      }
    }
  }
  return found;
}

/** Writes the folder cache's narinfo files and its index, in batches. */
function buildCache(count: number, dir: string, dataDir: string): CacheConfig {
  const config: CacheConfig = { kind: 'file', path: dir } as CacheConfig;
  fs.mkdirSync(dir, { recursive: true });
  fs.writeFileSync(path.join(dir, 'nix-cache-info'), 'StoreDir: /nix/store\nWantMassQuery: 1\nPriority: 40\n');
  const { db } = IndexDb.open(indexFile(dataDir, config));
  const options = { seed: `bench-${count}`, from: Date.UTC(2025, 11, 1), to: Date.UTC(2026, 10, 30), etag: false };
  const started = performance.now();
  for (let i = 0; i < count; i += 10_000) {
    const rows = syntheticIndexRows(i, Math.min(count, i + 10_000), count, options);
    for (const row of rows) {
      const file = path.join(dir, `${row.hash}.narinfo`);
      fs.writeFileSync(file, row.raw!);
      fs.utimesSync(file, row.lastModified! / 1000, row.lastModified! / 1000);
    }
    db.upsert(rows);
    if ((i / 10_000) % 10 === 9) console.log(`  ${i + 10_000} paths written (${Math.round((performance.now() - started) / 1000)} s)`);
  }
  db.setMeta('identity', cacheIdentity(config));
  db.setMeta('refreshed_at', new Date().toISOString());
  db.close();
  return config;
}

/**
 * How long one stepped computation takes, and its longest synchronous step: the longest the event
 * loop of this process was held (node:perf_hooks' event-loop delay, sampled every millisecond).
 */
async function stepped<T>(work: () => Promise<T>): Promise<{ result: T; ms: number; longestStep: number }> {
  const delay = monitorEventLoopDelay({ resolution: 1 });
  delay.enable();
  const started = performance.now();
  const result = await work();
  const ms = performance.now() - started;
  delay.disable();
  return { result, ms, longestStep: delay.max / 1e6 };
}

/** Opening, numbers and plots, timed in this process on the index file, as the main process computes them (in steps). */
async function timeQueries(file: string) {
  const t0 = performance.now();
  const { db } = IndexDb.open(file);
  const first = db.page({ offset: 0, limit: 100, sort: { column: 'name' } });
  const open = performance.now() - t0;
  const stats = await stepped(() => cacheNumbers(db));
  const plots = await stepped(() => plotsOf(db));
  const closures = await stepped(() => largestClosuresOf(db, 20));
  db.close();
  return { open, stats, plots, closures, rows: first.total, largest: closures.result.closures[0] };
}

interface Peaks {
  mainRss: number;
  mainHeap: number;
  pageHeap: number;
  rendererRss: number;
}

async function measure(count: number): Promise<{ peaks: Record<string, Peaks>; hwm: number; rendererHwm: number; times: Awaited<ReturnType<typeof timeQueries>>; steps: Record<string, number> }> {
  const work = fs.mkdtempSync(path.join(tmpdir(), `narwhal-bench-memory-${count}-`));
  try {
    const dataDir = path.join(work, 'data');
    const dir = path.join(work, 'cache');
    console.log(`${count} paths: writing the cache and its index…`);
    const config = buildCache(count, dir, dataDir);
    const times = await timeQueries(indexFile(dataDir, config));

    // The bundle itself, not bin/narwhal.mjs: that runs the sources through tsx when any source is newer.
    const child = spawn(process.execPath, ['--inspect=127.0.0.1:0', path.join(repo, 'dist/cli/narwhal.mjs'), 'serve', '--port', '0', '--data-dir', dataDir], {
      cwd: repo,
      env: { ...process.env, NO_COLOR: '1', HOME: work },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stderr = '';
    let stdout = '';
    child.stderr!.on('data', (c: Buffer) => (stderr += c.toString()));
    child.stdout!.on('data', (c: Buffer) => (stdout += c.toString()));
    const deadline = Date.now() + 60_000;
    while (!/Narwhal is serving at (\S+)/.test(stdout) || !/ws:\/\/\S+/.test(stderr)) {
      if (Date.now() > deadline || child.exitCode !== null) throw new Error(`narwhal serve did not start:\n${stdout}\n${stderr}`);
      await new Promise((r) => setTimeout(r, 100));
    }
    const url = /Narwhal is serving at (\S+)/.exec(stdout)![1]!;
    const inspector = new WebSocket(/ws:\/\/\S+/.exec(stderr)![0]);
    await new Promise((resolve, reject) => inspector.once('open', resolve).once('error', reject));
    let nextId = 1;
    const pending = new Map<number, (value: { usedSize: number }) => void>();
    inspector.on('message', (data) => {
      const message = JSON.parse(String(data)) as { id?: number; result?: { usedSize: number } };
      if (message.id && pending.has(message.id)) pending.get(message.id)!(message.result!);
    });
    const mainHeap = () =>
      new Promise<number>((resolve) => {
        const id = nextId++;
        pending.set(id, (r) => resolve(r.usedSize));
        inspector.send(JSON.stringify({ id, method: 'Runtime.getHeapUsage' }));
      });

    // A profile folder of our own, to find this Chromium's browser process among the machine's.
    const profile = path.join(work, 'chromium-profile');
    const context = await chromium.launchPersistentContext(profile, { executablePath: '/usr/bin/chromium', args: ['--no-sandbox'], viewport: { width: 1280, height: 800 } });
    const browserPid = fs
      .readdirSync('/proc')
      .filter((entry) => /^\d+$/.test(entry))
      .find((entry) => {
        try {
          const cmdline = fs.readFileSync(`/proc/${entry}/cmdline`, 'utf8');
          return cmdline.includes(`--user-data-dir=${profile}`) && !cmdline.includes('--type=');
        } catch {
          return false;
        }
      });
    if (!browserPid) console.log('  (Chromium\'s browser process not found: no renderer RSS)');
    const page = context.pages()[0] ?? (await context.newPage());
    const cdp = await context.newCDPSession(page);
    await cdp.send('Performance.enable');
    const pageHeap = async () => {
      const { metrics } = await cdp.send('Performance.getMetrics');
      return metrics.find((m) => m.name === 'JSHeapUsedSize')?.value ?? 0;
    };
    const rendererPidsNow = () => (browserPid ? rendererPids(Number(browserPid)) : []);

    const peaks: Record<string, Peaks> = {};
    let phase = 'start';
    const sample = async () => {
      const p = (peaks[phase] ??= { mainRss: 0, mainHeap: 0, pageHeap: 0, rendererRss: 0 });
      p.mainRss = Math.max(p.mainRss, procMemory(child.pid!).rss);
      p.mainHeap = Math.max(p.mainHeap, await mainHeap());
      p.pageHeap = Math.max(p.pageHeap, await pageHeap().catch(() => 0));
      p.rendererRss = Math.max(p.rendererRss, ...rendererPidsNow().map((pid) => procMemory(pid).rss), 0);
    };
    let sampling = true;
    const sampler = (async () => {
      while (sampling) {
        await sample().catch(() => undefined);
        await new Promise((r) => setTimeout(r, 200));
      }
    })();

    const steps: Record<string, number> = {};
    const step = async (name: string, fn: () => Promise<void>) => {
      phase = name;
      const t = performance.now();
      await fn();
      steps[name] = performance.now() - t;
      await new Promise((r) => setTimeout(r, 1000));
      await sample();
    };
    const total = count.toLocaleString('en-US');
    await step('table', async () => {
      await page.goto(url);
      await page.getByRole('button', { name: 'Add cache' }).first().click();
      const dialog = page.getByRole('dialog', { name: 'Add a cache' });
      await dialog.getByLabel('Name', { exact: true }).fill(`Bench ${total}`);
      await dialog.getByRole('radio', { name: /Local folder/ }).check();
      await dialog.getByLabel('Folder', { exact: true }).fill(dir);
      await dialog.getByRole('button', { name: 'Add cache' }).click();
      await page.getByRole('status', { name: 'Path count' }).filter({ hasText: `${total} paths` }).waitFor({ timeout: 600_000 });
      // The refresh the table started (a listing of every file, nothing to read) ends.
      await page.locator('[role="progressbar"]').first().waitFor({ state: 'detached', timeout: 600_000 });
    });
    await step('filter', async () => {
      await page.getByRole('searchbox', { name: 'Filter paths' }).fill('python3-2.1');
      await page.getByRole('status', { name: 'Path count' }).filter({ hasText: ` of ${total} paths` }).waitFor({ timeout: 120_000 });
    });
    await step('stats', async () => {
      await page.getByRole('navigation', { name: 'Cache views' }).getByRole('link', { name: 'Stats' }).click();
      await page.getByRole('figure', { name: 'Largest closures' }).locator('canvas').waitFor({ timeout: 600_000 });
    });
    sampling = false;
    await sampler;
    const hwm = procMemory(child.pid!).hwm;
    const rendererHwm = Math.max(0, ...rendererPidsNow().map((pid) => procMemory(pid).hwm));
    await context.close();
    inspector.close();
    child.kill('SIGTERM');
    await new Promise((r) => child.once('exit', r));
    return { peaks, hwm, rendererHwm, times, steps };
  } finally {
    if (!values.keep) fs.rmSync(work, { recursive: true, force: true });
    else console.log(`kept ${work}`);
  }
}

const results: Array<{ count: number } & Awaited<ReturnType<typeof measure>>> = [];
for (const count of sizes) {
  results.push({ count, ...(await measure(count)) });
  console.log(`  load average now ${loadavg().map((l) => l.toFixed(1)).join(' ')}`);
}

console.log(`\nindex memory, ${new Date().toISOString()}, Node ${process.version}, load average ${loadavg().map((l) => l.toFixed(1)).join(' ')}`);
console.log('| paths | step | main RSS peak | main V8 heap peak | page JS heap peak | renderer RSS peak | step time |');
console.log('| --- | --- | --- | --- | --- | --- | --- |');
for (const r of results) {
  for (const [phase, p] of Object.entries(r.peaks)) {
    if (phase === 'start') continue;
    console.log(`| ${r.count.toLocaleString('en-US')} | ${phase} | ${mb(p.mainRss)} | ${mb(p.mainHeap)} | ${mb(p.pageHeap)} | ${mb(p.rendererRss)} | ${ms(r.steps[phase] ?? 0)} |`);
  }
  console.log(`| ${r.count.toLocaleString('en-US')} | whole run (VmHWM) | ${mb(r.hwm)} | | | ${mb(r.rendererHwm)} | |`);
}
console.log('\n| paths | open + first 100 rows | index.stats (longest step) | histogram + added over time (longest step) | largest closures (20) (longest step) |');
console.log('| --- | --- | --- | --- | --- |');
const timed = (t: { ms: number; longestStep: number }) => `${ms(t.ms)} (${ms(t.longestStep)})`;
for (const r of results) {
  const t = r.times;
  console.log(`| ${r.count.toLocaleString('en-US')} | ${ms(t.open)} | ${timed(t.stats)} | ${timed(t.plots)} | ${timed(t.closures)} (largest: ${t.largest?.name}, ${t.largest?.paths} paths) |`);
}
