// Closures and metadata of local store paths read from Nix's own database, read-only, when Nix itself
// would open that database directly (below); otherwise path-info.ts asks `nix path-info`.
//
// Why: a push's first step is the closure, and `nix path-info --json --recursive` costs a process
// (60 ms alone, 150-250 ms while a push boots its compression workers on two cores), where the
// query below answers a 40-path closure in a few milliseconds. That was the largest part of the
// time before a push's first NAR byte.
//
// When: exactly when Nix's `auto` store would use the database itself: NIX_REMOTE unset, empty,
// `local` or `auto`, no `store` setting in NIX_CONFIG or nix.conf, and the database's folder writable
// by this user (root, or the owner of a single-user install). A user of a multi-user install cannot
// write it (SQLite would then refuse a WAL database whose -shm file is missing), so Nix, and we, go
// through the daemon. Anything unexpected (no database, another schema, a locked or unreadable file)
// also means the CLI, never an error of its own.
//
// The tables read (Nix 2.8's schema, version 10): ValidPaths(id, path, hash "sha256:<base16>",
// registrationTime, deriver, narSize, ultimate, sigs space-separated, ca as narinfo renders it) and
// Refs(referrer, reference), both ids of ValidPaths. They are Nix's private business: a database the
// query fails on is answered by the CLI.
import { constants as fsConstants, existsSync, readFileSync } from 'node:fs';
import { access } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { LocalPathInfo } from '../../../shared/nix/closure';
import { hashToNix32, parseHash } from '../../../shared/nix/hash';
import { sqlite, type Database } from '../index/sqlite';

export interface DatabaseLookup {
  infos: LocalPathInfo[];
  /** Paths asked for that the database does not hold. */
  invalid: string[];
}

/** Where the database is: NIX_DB_DIR, else NIX_STATE_DIR/db, else /nix/var/nix/db (as Nix finds it). */
export function nixDatabaseDir(env: NodeJS.ProcessEnv): string {
  return env.NIX_DB_DIR || path.join(env.NIX_STATE_DIR || '/nix/var/nix', 'db');
}

/** A `store = …` line in Nix's settings: another store than the local one may be configured. */
const storeSetting = /^\s*store\s*=/m;

/** The nix.conf files Nix reads (without their `include`s, which only matter for a `store` line). */
function nixConfFiles(env: NodeJS.ProcessEnv): string[] {
  const home = env.HOME || os.homedir();
  const configHome = env.XDG_CONFIG_HOME || path.join(home, '.config');
  return [path.join(env.NIX_CONF_DIR || '/etc/nix', 'nix.conf'), path.join(configHome, 'nix', 'nix.conf')];
}

/**
 * Why the database is not for us (see the file's head), or undefined when it is. Reads the
 * environment and the nix.conf files; the database itself is not opened here.
 */
export async function databaseUnusable(env: NodeJS.ProcessEnv): Promise<string | undefined> {
  const remote = env.NIX_REMOTE ?? '';
  if (!['', 'local', 'auto'].includes(remote)) return `NIX_REMOTE is ${remote}`;
  if (storeSetting.test(env.NIX_CONFIG ?? '')) return 'NIX_CONFIG sets a store';
  for (const file of nixConfFiles(env)) {
    try {
      if (existsSync(file) && storeSetting.test(readFileSync(file, 'utf8'))) return `${file} sets a store`;
    } catch {
      // an unreadable nix.conf is Nix's problem; it says nothing about a store here
    }
  }
  const dir = nixDatabaseDir(env);
  try {
    await access(dir, fsConstants.W_OK);
  } catch {
    return `${dir} is not writable by this user`;
  }
  if (!existsSync(path.join(dir, 'db.sqlite'))) return `${dir} has no db.sqlite`;
  return undefined;
}

interface PathRow {
  id: number;
  path: string;
  hash: string;
  registrationTime: number | null;
  deriver: string | null;
  narSize: number | null;
  ultimate: number | null;
  sigs: string | null;
  ca: string | null;
}

/** The paths asked for, as ids, then (with `recursive`) everything they refer to, transitively. */
const closureCte = (recursive: boolean) =>
  recursive
    ? `WITH RECURSIVE wanted(id) AS (
         SELECT id FROM ValidPaths WHERE path IN (SELECT value FROM json_each(?))
         UNION SELECT r.reference FROM Refs r JOIN wanted w ON r.referrer = w.id)`
    : 'WITH wanted(id) AS (SELECT id FROM ValidPaths WHERE path IN (SELECT value FROM json_each(?)))';

/**
 * Metadata of `paths` (or their closure) from the database at `dir`, sorted by path, and the paths it
 * does not hold. Throws whatever SQLite throws (the caller then asks the CLI).
 */
export function readPathInfos(dir: string, paths: readonly string[], recursive: boolean): DatabaseLookup {
  const Database = sqlite();
  // Read-only: nothing here ever writes Nix's database. A writer holding the lock briefly (Nix
  // registering a path) is waited for up to 2 s, then the CLI is asked instead.
  const db: Database = new Database(path.join(dir, 'db.sqlite'), { readonly: true, fileMustExist: true, timeout: 2000 });
  try {
    const wanted = JSON.stringify(paths);
    const cte = closureCte(recursive);
    // One read transaction, so paths and references are one state of the store.
    return db.transaction(() => {
      const rows = db.prepare(`${cte} SELECT v.id, v.path, v.hash, v.registrationTime, v.deriver, v.narSize, v.ultimate, v.sigs, v.ca FROM ValidPaths v JOIN wanted w ON v.id = w.id`).all(wanted) as PathRow[];
      // CROSS JOIN fixes the join order (SQLite never reorders it): left to itself, SQLite scanned all
      // of Refs against a Bloom filter of the closure, 25 ms on a store of 15 000 paths, where looking
      // up each closure member's references takes 0.1 ms.
      const refs = db.prepare(`${cte} SELECT r.referrer AS id, v.path FROM wanted w CROSS JOIN Refs r ON r.referrer = w.id CROSS JOIN ValidPaths v ON v.id = r.reference`).all(wanted) as Array<{ id: number; path: string }>;
      const referencesOf = new Map<number, string[]>();
      for (const { id, path: ref } of refs) {
        const list = referencesOf.get(id);
        if (list) list.push(ref);
        else referencesOf.set(id, [ref]);
      }
      const found = new Set(rows.map((r) => r.path));
      const infos = rows.map((row) => toInfo(row, referencesOf.get(row.id) ?? [])).sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
      return { infos, invalid: paths.filter((p) => !found.has(p)) };
    })();
  } finally {
    db.close();
  }
}

function toInfo(row: PathRow, references: string[]): LocalPathInfo {
  return {
    path: row.path,
    // Stored as "sha256:<base16>"; everywhere else (narinfo, `nix path-info`) it is nix32.
    narHash: hashToNix32(parseHash(row.hash, 'sha256')),
    narSize: row.narSize ?? 0,
    references: references.sort(),
    deriver: row.deriver || null,
    signatures: (row.sigs ?? '').split(' ').filter(Boolean).sort(),
    ca: row.ca || null,
    registrationTime: row.registrationTime || null,
    // The database knows "not ultimate" (0 or NULL); Nix 2.8's JSON only ever says `true`.
    ultimate: row.ultimate === 1,
  };
}
