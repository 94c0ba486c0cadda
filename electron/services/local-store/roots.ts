// What a user would want to push: their profiles, the system, and the GC roots Nix knows.
import { readdir, readlink, realpath } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { ApiError } from '../../../shared/api/errors';
import { DEFAULT_STORE_DIR, isStoreBasename } from '../../../shared/nix/store-path';
import { runNix, type NixRunOptions } from './run-nix';

export type RootSource = 'home-profile' | 'profiles' | 'system' | 'gc-root';

export interface LocalRoot {
  /** For people: "Your profile (~/.nix-profile)", "Profile default", "/home/ann/src/app/result". */
  label: string;
  source: RootSource;
  /** The link that was followed. */
  link: string;
  /** The store path it resolves to. */
  storePath: string;
}

export interface ListRootsResult {
  roots: LocalRoot[];
  /** What could not be read, in plain words (e.g. the GC roots when the daemon is down). */
  warnings: string[];
}

export interface ListRootsOptions extends NixRunOptions {
  storeDir?: string;
  /** Nix's state folder (default /nix/var/nix), where `profiles/` lives. */
  stateDir?: string;
  home?: string;
  /** Where NixOS links the running system (default /run/current-system). */
  currentSystem?: string;
  /** Skip `nix-store --gc --print-roots` (it can take seconds on a large machine). */
  gcRoots?: boolean;
}

/** `profile-12-link`, `system-3-link`: generations; the profile link itself names the current one. */
const GENERATION = /-\d+-link$/;

/**
 * Profiles (`~/.nix-profile`, `$XDG_STATE_HOME/nix/profiles/*`, `/nix/var/nix/profiles/*` with the
 * per-user folders, `/run/current-system`) resolved to store paths, then the GC roots. A path reached
 * from a profile is not listed again as a GC root with the same link.
 */
export async function listRoots(opts: ListRootsOptions = {}): Promise<ListRootsResult> {
  const storeDir = opts.storeDir ?? DEFAULT_STORE_DIR;
  const stateDir = opts.stateDir ?? '/nix/var/nix';
  const home = opts.home ?? process.env.HOME ?? os.homedir();
  const env = opts.env ?? process.env;
  const tilde = (p: string) => (home && (p === home || p.startsWith(`${home}/`)) ? `~${p.slice(home.length)}` : p);
  const roots: LocalRoot[] = [];
  const warnings: string[] = [];
  const seen = new Set<string>();
  const add = async (link: string, source: RootSource, label: string) => {
    if (seen.has(link)) return;
    const storePath = await storePathOf(link, storeDir);
    if (!storePath) return;
    seen.add(link);
    roots.push({ label, source, link, storePath });
  };

  await add(path.join(home, '.nix-profile'), 'home-profile', 'Your profile (~/.nix-profile)');
  const xdgProfiles = path.join(env.XDG_STATE_HOME || path.join(home, '.local/state'), 'nix/profiles');
  for (const name of await profileNames(xdgProfiles)) {
    await add(path.join(xdgProfiles, name), 'home-profile', `Your profile ${name} (${tilde(path.join(xdgProfiles, name))})`);
  }
  const currentSystem = opts.currentSystem ?? '/run/current-system';
  await add(currentSystem, 'system', `NixOS system (${currentSystem})`);

  const profilesDir = path.join(stateDir, 'profiles');
  for (const name of await profileNames(profilesDir)) {
    if (name === 'per-user') continue;
    await add(path.join(profilesDir, name), 'profiles', name === 'system' ? 'NixOS system profile' : `Profile ${name}`);
  }
  const perUser = path.join(profilesDir, 'per-user');
  for (const user of await dirNames(perUser)) {
    for (const name of await profileNames(path.join(perUser, user))) {
      await add(path.join(perUser, user, name), 'profiles', `Profile ${name} of ${user}`);
    }
  }

  if (opts.gcRoots !== false) {
    try {
      const { stdout } = await runNix('nix-store', ['--gc', '--print-roots'], opts);
      for (const root of parseGcRoots(stdout, storeDir)) {
        if (seen.has(root.link)) continue;
        seen.add(root.link);
        roots.push({ label: tilde(root.link), source: 'gc-root', link: root.link, storePath: root.storePath });
      }
    } catch (e) {
      if (e instanceof ApiError && e.code === 'cancelled') throw e;
      warnings.push(`The GC roots could not be listed: ${e instanceof Error ? e.message : String(e)}`);
    }
  }
  return { roots, warnings };
}

/**
 * Lines of `nix-store --gc --print-roots`: `LINK -> STORE-PATH`. Roots a normal user may not see
 * (`{censored}`), of running processes (`/proc/...`, `{temp:N}`, `{memory:N}`, `{lsof}`) are
 * skipped: they are not something to push. The target may be a path inside a store path.
 */
export function parseGcRoots(text: string, storeDir: string = DEFAULT_STORE_DIR): Array<{ link: string; storePath: string }> {
  const out: Array<{ link: string; storePath: string }> = [];
  for (const line of text.split('\n')) {
    const arrow = line.lastIndexOf(' -> ');
    if (arrow < 0) continue;
    const link = line.slice(0, arrow);
    const target = line.slice(arrow + 4).trim();
    if (link.startsWith('{') || link.startsWith('/proc/') || !link.startsWith('/')) continue;
    const storePath = storePathPrefix(target, storeDir);
    if (storePath) out.push({ link, storePath });
  }
  return out;
}

/** The store path `p` is in or is (`/nix/store/h-n/bin/x` → `/nix/store/h-n`), or undefined. */
export function storePathPrefix(p: string, storeDir: string = DEFAULT_STORE_DIR): string | undefined {
  if (!p.startsWith(`${storeDir}/`)) return undefined;
  const base = p.slice(storeDir.length + 1).split('/')[0]!;
  return isStoreBasename(base) ? `${storeDir}/${base}` : undefined;
}

async function storePathOf(link: string, storeDir: string): Promise<string | undefined> {
  try {
    const target = await realpath(link);
    const direct = storePathPrefix(target, storeDir);
    if (direct) return direct;
    // The store folder itself may sit behind a symlink (/nix on another volume).
    const realStore = await realpath(storeDir);
    const inReal = storePathPrefix(target, realStore);
    return inReal ? `${storeDir}/${inReal.slice(realStore.length + 1)}` : undefined;
  } catch {
    return undefined; // missing or dangling: nothing to push
  }
}

async function dirNames(dir: string): Promise<string[]> {
  try {
    return (await readdir(dir)).sort();
  } catch {
    return [];
  }
}

/** Profile links in a folder: symlinks that are not generation links. */
async function profileNames(dir: string): Promise<string[]> {
  const names: string[] = [];
  for (const name of await dirNames(dir)) {
    if (GENERATION.test(name)) continue;
    try {
      await readlink(path.join(dir, name));
      names.push(name);
    } catch {
      // not a symlink (per-user folders, lock files)
    }
  }
  return names;
}
