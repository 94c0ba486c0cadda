// A throwaway one-node Ceph cluster with the RADOS Gateway (RGW) on loopback: a real S3 server for
// integration and end-to-end tests. It is the usual one-node recipe (monitor, one
// OSD keeping objects in memory, radosgw; no systemd, no disk device, everything in one folder), with
// the changes explained at each step below, mostly to make it start in about 2 s instead of 15 s.
//
// Used by vitest's global setup (global-setup.ts), by Playwright's global setup and, through
// rgw-cli.ts, from a shell. Daemons are stopped by the pids in their pid files, never by name, and only
// after checking that the pid still runs our ceph.conf, so several test beds (or a developer's) can
// coexist and a recycled pid is never killed.
import { spawn, type ChildProcess } from 'node:child_process';
import { randomInt, randomUUID } from 'node:crypto';
import fs from 'node:fs';
import fsp from 'node:fs/promises';
import net from 'node:net';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { run, runCapture, tail } from './exec';

export interface S3Credentials {
  accessKeyId: string;
  secretAccessKey: string;
}

/** What a running test bed is; plain JSON (it is written to `<dir>/testbed.json` and passed to test workers). */
export interface RgwInfo {
  /** `http://127.0.0.1:PORT`; use path-style addressing. */
  endpoint: string;
  port: number;
  region: 'us-east-1';
  /** An ordinary (not "system") RGW user, so bucket policies and ACLs apply to it. */
  admin: S3Credentials;
  /** Folder holding ceph.conf, logs, pid files and the monitor's store; removed by stop(). */
  dir: string;
  monPort: number;
  pids: { mon: number; osd: number; rgw: number };
  startedAt: string;
  /** Milliseconds from startRgw() to a ready endpoint with the admin user created. */
  startupMs: number;
  /**
   * The process the test bed belongs to (pid and start time from /proc, which tells a reused pid
   * apart), absent for detached ones (rgw-cli start). When the owner is gone and the daemons are still
   * up (the test runner was SIGKILLed), reapStaleTestbeds() stops them.
   */
  owner?: { pid: number; start: string };
}

export interface Rgw extends RgwInfo {
  /** Creates another RGW user (another principal: `arn:aws:iam:::user/<uid>` in bucket policies). */
  createUser(uid: string): Promise<S3Credentials>;
  /** Kills the daemons by their pids, waits for them to exit and removes `dir`. */
  stop(): Promise<void>;
  /** The plain, serializable part (for `project.provide`, JSON). */
  info(): RgwInfo;
}

export interface StartRgwOptions {
  /** Folder for the cluster; created if missing, must be empty. Default: a new `<repo>/.testbed/rgw-XXXXXX`. */
  dir?: string;
  /** Extra `[client.rgw]` settings, e.g. `{ 'rgw lc debug interval': '10' }` so a lifecycle "day" lasts 10 s. */
  rgwConf?: Record<string, string>;
  /** Bound on the whole start-up (default 90 s). */
  timeoutMs?: number;
  /**
   * false (default): the test bed belongs to this process; stop it before exiting, or a later
   * reapStaleTestbeds() will. true: it is meant to outlive this process (rgw-cli start).
   */
  detached?: boolean;
}

export const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
/** Git-ignored home of test beds started without an explicit folder. */
export const TESTBED_ROOT = path.join(REPO_ROOT, '.testbed');
export const STATE_FILE = 'testbed.json';

/** Commands this module runs; global-setup.ts checks them before starting. */
export const RGW_COMMANDS = ['monmaptool', 'ceph-mon', 'ceph-osd', 'ceph', 'radosgw', 'radosgw-admin'] as const;

// The pools RGW (Ceph 16) uses in the default zone. Created up front, all in one `ceph` session:
// RGW would otherwise create them one by one, and each new pool costs about a second because the OSD
// only picks up PG creations on its tick (about 1 s, not configurable). The three bucket pools would
// otherwise be created on the first CreateBucket/multipart upload, inside some test.
const RGW_POOLS = [
  '.rgw.root',
  'default.rgw.log',
  'default.rgw.control',
  'default.rgw.meta',
  'default.rgw.buckets.index',
  'default.rgw.buckets.data',
  'default.rgw.buckets.non-ec',
];

function cephConf(dir: string, fsid: string, monPort: number, rgwPort: number, rgwConf: Record<string, string>): string {
  const extra = Object.entries(rgwConf).map(([k, v]) => `${k} = ${v}\n`).join('');
  // `$name`, `$pid` are expanded by Ceph (mon.a, osd.0, client.rgw, client.admin).
  return `[global]
fsid = ${fsid}
mon host = 127.0.0.1:${monPort}
mon initial members = a
auth cluster required = none
auth service required = none
auth client required = none
# Not in test-bed.md's recipe, but required: daemons (radosgw) default to the "secure" mode for their
# connection to the monitor, and with auth "none" only "crc" exists, so radosgw retries forever
# ("get_initial_auth_request returned -13" in its log) and gives up after 300 s.
ms mon client mode = crc secure
osd pool default size = 1
osd pool default min size = 1
mon allow pool size one = true
mon warn on pool no redundancy = false
osd crush chooseleaf type = 0
osd objectstore = memstore
memstore device bytes = 2147483648
ms bind ipv6 = false
public addr = 127.0.0.1
run dir = ${dir}/run
log file = ${dir}/log/$name.log
pid file = ${dir}/$name.pid
admin socket = ${dir}/run/$name.asok
mon data = ${dir}/mon/$name
osd data = ${dir}/osd/$name
# Speed. The monitor batches changes for 1 s by default (paxos propose interval), which made every
# step of the start (OSD boot, each pool) wait about a second; one PG per pool instead of 32 leaves
# the single OSD little to peer. None of this changes what S3 clients see.
paxos propose interval = 0.01
paxos min wait = 0.01
osd pool default pg num = 1
osd pool default pgp num = 1
osd pool default pg autoscale mode = off
rgw rados pool pg num min = 1
mon osd prime pg temp = false

[client]
# ceph and radosgw-admin are all client.admin; $pid keeps concurrent calls off each other's socket.
admin socket = ${dir}/run/$name.$pid.asok

[client.rgw]
admin socket = ${dir}/run/$name.asok
rgw frontends = beast endpoint=127.0.0.1:${rgwPort}
rgw dns name = localhost
rgw data = ${dir}/rgw
${extra}`;
}

/** Starts mon, osd and radosgw in a fresh folder and returns once S3 answers and the admin user exists. */
export async function startRgw(opts: StartRgwOptions = {}): Promise<Rgw> {
  const t0 = Date.now();
  const deadline = t0 + (opts.timeoutMs ?? 90_000);
  const left = () => Math.max(1_000, deadline - Date.now());

  const dir = await makeDir(opts.dir);
  const conf = path.join(dir, 'ceph.conf');
  const c = ['-c', conf];
  // Daemons run in the foreground (-f) as our children rather than forking away as in the recipe:
  // then this process reaps them when they are killed (no <defunct> leftovers when PID 1 does not
  // reap, as in some CI containers), knows their pids at once, and notices when one dies during
  // start-up instead of waiting for a timeout.
  const daemons: Daemon[] = [];
  try {
    for (const sub of ['run', 'log', 'mon', 'osd/osd.0', 'rgw']) await fsp.mkdir(path.join(dir, sub), { recursive: true });
    // Free ports from the kernel (listen on 0), so test beds and a developer's instance can coexist.
    const [monPort, port] = await freePorts(2);
    const fsid = randomUUID();
    await fsp.writeFile(conf, cephConf(dir, fsid, monPort!, port!, opts.rgwConf ?? {}));

    const alive = () => checkAlive(dir, daemons);

    // Monitor.
    await run('monmaptool', ['--create', '--add', 'a', `127.0.0.1:${monPort}`, '--fsid', fsid, path.join(dir, 'monmap')], { timeoutMs: left() });
    await run('ceph-mon', ['--mkfs', '-i', 'a', '--monmap', path.join(dir, 'monmap'), ...c], { timeoutMs: left() });
    daemons.push(spawnDaemon(dir, 'ceph-mon', ['-i', 'a', ...c], 'mon.a'));
    await waitForPort(monPort!, deadline, alive);

    // OSD id 0 must exist in the OSD map before the OSD boots.
    const id = (await run('ceph', [...c, 'osd', 'create'], { timeoutMs: left() })).trim();
    if (id !== '0') throw new Error(`ceph osd create printed ${JSON.stringify(id)}, expected 0`);

    // In parallel: make and start the OSD; in one `ceph` session (its interactive mode reads commands
    // from stdin, which saves a Python start-up per command), put the OSD in the CRUSH map (without
    // that no PG maps to it and RGW waits forever) and create RGW's pools.
    const session = ['osd crush add osd.0 1.0 host=localhost root=default', ...RGW_POOLS.map((p) => `osd pool create ${p} 1 1`)];
    const [, cephOut] = await Promise.all([
      (async () => {
        await run('ceph-osd', ['-i', '0', '--mkfs', ...c], { timeoutMs: left() });
        daemons.push(spawnDaemon(dir, 'ceph-osd', ['-i', '0', ...c], 'osd.0'));
      })(),
      runCephSession(c, session, left()),
    ]);
    if (!/add item id 0 name 'osd\.0'/.test(cephOut)) throw new Error(`ceph osd crush add failed:\n${tail(cephOut, 20)}`);

    // RGW.
    daemons.push(spawnDaemon(dir, 'radosgw', [...c, '-n', 'client.rgw'], 'client.rgw'));
    const endpoint = `http://127.0.0.1:${port}`;
    const admin = randomCredentials();
    // The user is stored in RADOS, so radosgw-admin does not need radosgw to be up: do both at once.
    await Promise.all([
      waitForRgw(dir, endpoint, deadline, alive),
      runRadosgwAdminUserCreate(conf, 'admin', admin, left()),
    ]);
    await alive();

    const info: RgwInfo = {
      endpoint,
      port: port!,
      region: 'us-east-1',
      admin,
      dir,
      monPort: monPort!,
      pids: { mon: pidOf(daemons, 'mon.a'), osd: pidOf(daemons, 'osd.0'), rgw: pidOf(daemons, 'client.rgw') },
      startedAt: new Date(t0).toISOString(),
      startupMs: Date.now() - t0,
    };
    const start = opts.detached ? undefined : processStartTime(process.pid);
    if (start) info.owner = { pid: process.pid, start };
    await fsp.writeFile(path.join(dir, STATE_FILE), JSON.stringify(info, null, 2) + '\n');
    return attachRgw(info);
  } catch (e) {
    // Kill whatever started, keep the folder for its logs (reapStaleTestbeds() removes it later).
    await killDaemons(dir, [...daemons.map((d) => d.pid), ...(await pidsInDir(dir))]).catch(() => {});
    const err = e instanceof Error ? e : new Error(String(e));
    err.message = `RGW test bed failed to start (logs kept in ${dir}/log): ${err.message}`;
    throw err;
  }
}

/** Rebuilds the live object (createUser, stop) from the plain info, e.g. in a test worker or another process. */
export function attachRgw(info: RgwInfo): Rgw {
  const plain: RgwInfo = JSON.parse(JSON.stringify(info));
  return {
    ...plain,
    createUser: (uid: string) => createUser(plain, uid),
    stop: () => stopRgw(plain),
    info: () => JSON.parse(JSON.stringify(plain)),
  };
}

/** Reads `<dir>/testbed.json` written by startRgw(). */
export async function readTestbed(dir: string): Promise<RgwInfo> {
  return JSON.parse(await fsp.readFile(path.join(dir, STATE_FILE), 'utf8')) as RgwInfo;
}

/** Creates an RGW user with random keys. */
export async function createUser(info: Pick<RgwInfo, 'dir'>, uid: string): Promise<S3Credentials> {
  const creds = randomCredentials();
  await runRadosgwAdminUserCreate(path.join(info.dir, 'ceph.conf'), uid, creds, 60_000);
  return creds;
}

/**
 * Stops a test bed: SIGKILL to each daemon whose pid still runs this folder's ceph.conf, waits for
 * them to be gone, removes the folder. SIGKILL rather than SIGTERM because everything is thrown away
 * (objects live in memory) and a graceful Ceph shutdown takes about 5 s.
 */
export async function stopRgw(infoOrDir: Pick<RgwInfo, 'dir'> & Partial<Pick<RgwInfo, 'pids'>> | string): Promise<void> {
  const dir = typeof infoOrDir === 'string' ? infoOrDir : infoOrDir.dir;
  const pids = new Set<number>(await pidsInDir(dir));
  if (typeof infoOrDir !== 'string' && infoOrDir.pids) for (const p of Object.values(infoOrDir.pids)) pids.add(p);
  else {
    const state = await readTestbed(dir).catch(() => undefined);
    if (state) for (const p of Object.values(state.pids)) pids.add(p);
  }
  await killDaemons(dir, [...pids]);
  await fsp.rm(dir, { recursive: true, force: true });
}

/**
 * Synchronous last resort for `process.on('exit')` when a test run dies before its teardown: kills
 * the daemons (same pid checks) and removes the folder, without waiting.
 */
export function stopRgwSync(info: Pick<RgwInfo, 'dir' | 'pids'>): void {
  for (const pid of Object.values(info.pids)) {
    if (isOurDaemon(pid, info.dir)) {
      try {
        process.kill(pid, 'SIGKILL');
      } catch {
        // already gone
      }
    }
  }
  fs.rmSync(info.dir, { recursive: true, force: true });
}

/** Whether a test bed's daemons all still run. */
export async function isRunning(info: Pick<RgwInfo, 'dir' | 'pids'>): Promise<boolean> {
  return Object.values(info.pids).every((pid) => isOurDaemon(pid, info.dir));
}

/**
 * Cleans up test beds under `.testbed/` left by runs that died: folders whose daemons are all gone
 * (failed start, or killed), and test beds whose owner process is gone while their daemons still run
 * (test runner SIGKILLed: the daemons are then stopped). Detached test beds with live daemons (a
 * developer's `rgw-cli start`) and recent folders without testbed.json (possibly still starting) are
 * left alone.
 */
export async function reapStaleTestbeds(root: string = TESTBED_ROOT): Promise<string[]> {
  const removed: string[] = [];
  const entries = await fsp.readdir(root, { withFileTypes: true }).catch(() => []);
  for (const e of entries) {
    if (!e.isDirectory() || !e.name.startsWith('rgw-')) continue;
    const dir = path.join(root, e.name);
    const state = await readTestbed(dir).catch(() => undefined);
    const pids = [...(await pidsInDir(dir)), ...(state ? Object.values(state.pids) : [])];
    if (pids.some((p) => isOurDaemon(p, dir))) {
      const orphaned = state?.owner !== undefined && processStartTime(state.owner.pid) !== state.owner.start;
      if (!orphaned) continue;
      await killDaemons(dir, pids);
    } else if (!state) {
      const st = await fsp.stat(dir).catch(() => undefined);
      if (st && Date.now() - st.mtimeMs < 10 * 60_000) continue;
    }
    await fsp.rm(dir, { recursive: true, force: true });
    removed.push(dir);
  }
  return removed;
}

// ---------------------------------------------------------------------------------------------------

async function makeDir(dir: string | undefined): Promise<string> {
  if (!dir) {
    await fsp.mkdir(TESTBED_ROOT, { recursive: true });
    return fsp.mkdtemp(path.join(TESTBED_ROOT, 'rgw-'));
  }
  const abs = path.resolve(dir);
  await fsp.mkdir(abs, { recursive: true });
  if ((await fsp.readdir(abs)).length > 0) throw new Error(`test-bed folder ${abs} is not empty`);
  return abs;
}

async function freePorts(n: number): Promise<number[]> {
  // All listening at once, so the ports are distinct; closed right away for the daemons to bind.
  const servers = await Promise.all(
    Array.from(
      { length: n },
      () =>
        new Promise<net.Server>((resolve, reject) => {
          const s = net.createServer();
          s.once('error', reject);
          s.listen(0, '127.0.0.1', () => resolve(s));
        }),
    ),
  );
  const ports = servers.map((s) => (s.address() as net.AddressInfo).port);
  await Promise.all(servers.map((s) => new Promise((r) => s.close(r))));
  return ports;
}

interface Daemon {
  name: string;
  pid: number;
  child: ChildProcess;
  /** Set when the process ended or could not start. */
  exited?: string;
}

/**
 * Starts a Ceph daemon in the foreground (`-f`: it still logs to its log file and writes its pid file)
 * as a child of this process. Its stdout/stderr go to `<dir>/log/<name>.out`. `detached` gives it its
 * own session, so a Ctrl-C aimed at the test runner's terminal does not reach it (stop() does), and
 * `unref` lets the CLI exit while it runs.
 */
function spawnDaemon(dir: string, cmd: string, args: string[], name: string): Daemon {
  const fd = fs.openSync(path.join(dir, 'log', `${name}.out`), 'a');
  const child = spawn(cmd, ['-f', ...args], { stdio: ['ignore', fd, fd], detached: true });
  fs.closeSync(fd); // the child has its own copy
  child.unref();
  if (child.pid === undefined) throw new Error(`could not start ${cmd}`);
  // ceph-mon and ceph-osd write `<dir>/<name>.pid` themselves, also in the foreground; radosgw only
  // does when it forks. Write it (same pid) so every daemon has its pid file for stop().
  fs.writeFileSync(path.join(dir, `${name}.pid`), `${child.pid}\n`);
  const d: Daemon = { name, pid: child.pid, child };
  child.once('exit', (code, signal) => (d.exited = `exited with ${code ?? signal}`));
  child.once('error', (e) => (d.exited = `could not start: ${e.message}`));
  return d;
}

function pidOf(daemons: Daemon[], name: string): number {
  const d = daemons.find((x) => x.name === name);
  if (!d) throw new Error(`${name} was not started`);
  return d.pid;
}

/** Throws (with the log's tail) if a daemon started so far has died. */
async function checkAlive(dir: string, daemons: Daemon[]): Promise<void> {
  const dead = daemons.find((d) => d.exited);
  if (dead) throw new Error(`${dead.name} ${dead.exited}:\n${await logTail(dir, dead.name)}`);
}

async function waitForPort(port: number, deadline: number, alive: () => Promise<void>): Promise<void> {
  for (;;) {
    const open = await new Promise<boolean>((resolve) => {
      const sock = net.connect(port, '127.0.0.1');
      sock.once('connect', () => {
        sock.destroy();
        resolve(true);
      });
      sock.once('error', () => resolve(false));
    });
    if (open) return;
    await alive();
    if (Date.now() > deadline) throw new Error(`nothing listens on 127.0.0.1:${port}`);
    await sleep(20);
  }
}

async function runCephSession(c: string[], commands: string[], timeoutMs: number): Promise<string> {
  // The interactive mode prints results on stdout and status lines ("pool 'x' created") on stderr.
  const r = await runCapture('ceph', c, { input: commands.join('\n') + '\n', timeoutMs });
  const out = r.stdout.toString('utf8') + r.stderr;
  if (r.code !== 0) throw new Error(`ceph session (${commands.join('; ')}) exited with ${r.code}:\n${tail(out, 20)}`);
  return out;
}

async function runRadosgwAdminUserCreate(conf: string, uid: string, creds: S3Credentials, timeoutMs: number): Promise<void> {
  await run(
    'radosgw-admin',
    ['-c', conf, 'user', 'create', `--uid=${uid}`, `--display-name=${uid}`, `--access-key=${creds.accessKeyId}`, `--secret-key=${creds.secretAccessKey}`],
    { timeoutMs },
  );
}

async function waitForRgw(dir: string, endpoint: string, deadline: number, alive: () => Promise<void>): Promise<void> {
  let last = 'no answer yet';
  while (Date.now() < deadline) {
    try {
      const res = await fetch(`${endpoint}/`, { signal: AbortSignal.timeout(2_000) });
      await res.arrayBuffer();
      // Anonymous GET / is an (empty) XML bucket list once RGW serves requests.
      if (res.ok) return;
      last = `HTTP ${res.status}`;
    } catch (e) {
      last = e instanceof Error ? `${e.message}${e.cause instanceof Error ? ` (${e.cause.message})` : ''}` : String(e);
    }
    // Fail fast if a daemon died instead of waiting for the deadline.
    await alive();
    await sleep(50);
  }
  throw new Error(`${endpoint}/ did not answer in time (last: ${last}). Tail of the RGW log:\n${await logTail(dir, 'client.rgw')}`);
}

async function logTail(dir: string, name: string, lines = 30): Promise<string> {
  const parts: string[] = [];
  for (const f of [`${name}.out`, `${name}.log`]) {
    const text = await fsp.readFile(path.join(dir, 'log', f), 'utf8').catch(() => '');
    if (text.trim()) parts.push(`--- ${f} ---\n${tail(text, lines)}`);
  }
  return parts.join('\n') || `(no output in ${dir}/log)`;
}

async function readPidFile(dir: string, name: string): Promise<number | undefined> {
  const text = await fsp.readFile(path.join(dir, `${name}.pid`), 'utf8').catch(() => '');
  const pid = Number.parseInt(text.trim(), 10);
  return Number.isInteger(pid) && pid > 0 ? pid : undefined;
}

async function pidsInDir(dir: string): Promise<number[]> {
  const names = await fsp.readdir(dir).catch(() => [] as string[]);
  const pids = await Promise.all(names.filter((n) => n.endsWith('.pid')).map((n) => readPidFile(dir, n.slice(0, -4))));
  return pids.filter((p): p is number => p !== undefined);
}

/**
 * True if `pid` is a live (not zombie) process whose command line names `<dir>/ceph.conf`. Guards
 * against killing an unrelated process that reused the pid. Linux /proc, which is all we run on.
 */
function isOurDaemon(pid: number, dir: string): boolean {
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    // The state follows the parenthesized command name: "pid (comm) S ..."
    if (stat.slice(stat.lastIndexOf(')') + 2).startsWith('Z')) return false;
    const argv = fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0');
    return argv.includes(path.join(dir, 'ceph.conf'));
  } catch {
    return false;
  }
}

async function killDaemons(dir: string, pids: number[]): Promise<void> {
  const ours = [...new Set(pids)].filter((p) => isOurDaemon(p, dir));
  for (const pid of ours) {
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      // exited meanwhile
    }
  }
  // They are not our children (they forked away), so poll instead of waitpid. Reparented zombies
  // count as gone.
  const until = Date.now() + 10_000;
  while (ours.some((p) => isOurDaemon(p, dir))) {
    if (Date.now() > until) throw new Error(`daemons still running after SIGKILL: ${ours.filter((p) => isOurDaemon(p, dir)).join(' ')}`);
    await sleep(20);
  }
}

/** Field 22 of /proc/<pid>/stat (start time in clock ticks since boot), or undefined if no such process. */
function processStartTime(pid: number): string | undefined {
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    // Fields after the parenthesized command name (which may contain spaces): state is field 3.
    return stat.slice(stat.lastIndexOf(')') + 2).split(' ')[19];
  } catch {
    return undefined;
  }
}

function randomCredentials(): S3Credentials {
  const alnum = (n: number, alphabet: string) =>
    Array.from({ length: n }, () => alphabet[randomInt(alphabet.length)]).join('');
  return {
    accessKeyId: alnum(20, 'ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789'),
    // 62 letters/digits: no characters that need quoting in shells, URLs or radosgw-admin arguments.
    secretAccessKey: alnum(40, 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789'),
  };
}

function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}
