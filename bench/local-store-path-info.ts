/**
 * Closure metadata from the local store: `nix path-info --json --recursive` (what
 * electron/services/local-store uses) against reading /nix/var/nix/db/db.sqlite read-only with the
 * `sqlite3` command line (a recursive query over ValidPaths and Refs).
 *
 *   npx tsx bench/local-store-path-info.ts [STORE-PATH] [--runs N] [--paths N]
 *
 * Without STORE-PATH it builds a closure of `--paths` (default 48) small paths, each referring to the
 * one before and to the first, so the query walks a real chain. Both routes are checked to find the
 * same set of paths; each is timed `--runs` times (default 10) as whole processes, which is what the
 * app pays. Prints the medians.
 */
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { parseArgs } from 'node:util';
import { pathInfo } from '../electron/services/local-store/path-info';

const env = { ...process.env, NIX_REMOTE: process.env.NIX_REMOTE ?? 'local' };
const { values, positionals } = parseArgs({
  options: { runs: { type: 'string', default: '10' }, paths: { type: 'string', default: '48' } },
  allowPositionals: true,
});
const runs = Math.max(1, Number(values.runs));
const count = Math.max(2, Number(values.paths));

function buildChain(n: number): string {
  const nonce = randomBytes(6).toString('hex');
  const expr = `
    let
      mk = i: deps: derivation {
        name = "narwhal-bench-chain-\${toString i}";
        system = builtins.currentSystem;
        builder = "/bin/sh";
        args = [ "-c" "/bin/mkdir -p $out; echo \${toString i} ${nonce} > $out/i; echo $deps > $out/deps" ];
        inherit deps;
      };
      first = mk 0 "";
      step = i: if i == 0 then first else mk i "\${step (i - 1)} \${first}";
    in step ${n - 1}
  `;
  process.stderr.write(`building a ${n}-path closure...\n`);
  return execFileSync('nix-build', ['--no-out-link', '--option', 'sandbox', 'false', '--option', 'build-users-group', '', '--option', 'substituters', '', '--expr', expr], {
    env,
    stdio: ['ignore', 'pipe', 'ignore'],
  })
    .toString()
    .trim();
}

const top = positionals[0] ?? buildChain(count);

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

async function timeCli(): Promise<{ ms: number; paths: string[] }> {
  const t0 = performance.now();
  const infos = await pathInfo([top], { recursive: true, env });
  return { ms: performance.now() - t0, paths: infos.map((i) => i.path).sort() };
}

const SQL = (p: string) => `
  with recursive closure(id) as (
    select id from ValidPaths where path = '${p.replace(/'/g, "''")}'
    union
    select Refs.reference from Refs join closure on Refs.referrer = closure.id
  )
  select json_group_array(json_object('path', v.path, 'hash', v.hash, 'narSize', v.narSize, 'deriver', v.deriver,
    'sigs', v.sigs, 'ca', v.ca, 'registrationTime', v.registrationTime,
    'references', (select json_group_array(r.path) from Refs join ValidPaths r on r.id = Refs.reference where Refs.referrer = v.id)))
  from closure join ValidPaths v on v.id = closure.id;`;

function timeSqlite(): { ms: number; paths: string[] } {
  const t0 = performance.now();
  // mode=ro: never writes. A WAL database still needs its -shm file, which SQLite creates when it is
  // missing, so this only works where the db folder is writable or a writer is running (see README).
  const out = execFileSync('sqlite3', ['-readonly', 'file:/nix/var/nix/db/db.sqlite?mode=ro', SQL(top)], { stdio: ['ignore', 'pipe', 'pipe'] }).toString();
  const ms = performance.now() - t0;
  return { ms, paths: (JSON.parse(out) as Array<{ path: string }>).map((r) => r.path).sort() };
}

const cli: number[] = [];
const db: number[] = [];
let cliPaths: string[] = [];
let dbPaths: string[] = [];
for (let i = 0; i < runs; i++) {
  const a = await timeCli();
  cli.push(a.ms);
  cliPaths = a.paths;
  const b = timeSqlite();
  db.push(b.ms);
  dbPaths = b.paths;
}
if (JSON.stringify(cliPaths) !== JSON.stringify(dbPaths)) {
  throw new Error(`the two routes disagree: nix path-info found ${cliPaths.length} paths, the database ${dbPaths.length}`);
}
const nixVersion = execFileSync('nix', ['--version'], { env }).toString().trim();
console.log(`closure of ${top}: ${cliPaths.length} paths; ${nixVersion}; ${runs} runs`);
console.log(`nix path-info --json --recursive (spawn + parse): median ${median(cli).toFixed(1)} ms`);
console.log(`sqlite3 -readonly recursive query (spawn + JSON):  median ${median(db).toFixed(1)} ms`);
console.log(`ratio CLI / database: ${(median(cli) / median(db)).toFixed(2)}`);
