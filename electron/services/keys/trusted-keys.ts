import { readFile } from 'node:fs/promises';
import { homedir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import type { ConfSource } from '../../../shared/nixconf/nix-conf';
import { ListSetting, parseNixConf } from '../../../shared/nixconf/nix-conf';
import { parsePublicKey } from '../../../shared/nix/keys';

/** What Nix trusts when no configuration says otherwise. */
export const nixDefaultTrustedKeys = ['cache.nixos.org-1:6NCHdD59X431o0gWypbMrAURkbJ16ZPMQFGspcDShjY='];

export interface ConfFileStatus {
  path: string;
  status: 'read' | 'missing' | 'error';
  message?: string;
}

export interface TrustedKey {
  name: string;
  publicKey: string;
  source: ConfSource;
  setting: string;
  /** Set when the word is not a valid public key (Nix would fail on it too). */
  problem?: string;
}

/**
 * The configuration files Nix reads, in the order it applies them: the system file, then the user
 * files (NIX_USER_CONF_FILES, or nix/nix.conf under each XDG config dir, the most important last),
 * then the NIX_CONFIG variable.
 */
export function nixConfFiles(env: NodeJS.ProcessEnv = process.env): string[] {
  const system = join(env.NIX_CONF_DIR || '/etc/nix', 'nix.conf');
  let user: string[];
  if (env.NIX_USER_CONF_FILES) user = env.NIX_USER_CONF_FILES.split(':').filter(Boolean);
  else {
    const home = env.XDG_CONFIG_HOME || join(env.HOME || homedir(), '.config');
    const dirs = [home, ...(env.XDG_CONFIG_DIRS || '/etc/xdg').split(':').filter(Boolean)];
    user = dirs.map((dir) => join(dir, 'nix', 'nix.conf'));
  }
  return [system, ...user.reverse()];
}

/** The keys Nix on this machine trusts for substitution, each with the file and line that set it. */
export async function readTrustedKeys(env: NodeJS.ProcessEnv = process.env): Promise<{ keys: TrustedKey[]; files: ConfFileStatus[] }> {
  const setting = new ListSetting('trusted-public-keys');
  const files: ConfFileStatus[] = [];

  async function applyFile(path: string, optional: boolean, depth: number): Promise<void> {
    let text: string;
    try {
      text = await readFile(path, 'utf8');
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      if (code === 'ENOENT') {
        files.push({ path, status: 'missing', ...(optional ? {} : { message: 'included but not found (Nix would stop with an error)' }) });
      } else files.push({ path, status: 'error', message: (e as Error).message });
      return;
    }
    let lines;
    try {
      lines = parseNixConf(text, path);
    } catch (e) {
      files.push({ path, status: 'error', message: (e as Error).message });
      return;
    }
    files.push({ path, status: 'read' });
    for (const line of lines) {
      if (line.kind === 'set') setting.apply(line.name, line.value, { where: path, line: line.line });
      else if (depth >= 16) files.push({ path: line.path, status: 'error', message: `includes nested too deep (from ${path}:${line.line})` });
      else await applyFile(resolve(dirname(path), line.path), line.optional, depth + 1);
    }
  }

  // The top-level files are optional: Nix reads those that exist.
  for (const path of nixConfFiles(env)) await applyFile(path, true, 0);
  if (env.NIX_CONFIG) {
    try {
      for (const line of parseNixConf(env.NIX_CONFIG, 'NIX_CONFIG')) {
        if (line.kind === 'set') setting.apply(line.name, line.value, { where: 'NIX_CONFIG', line: line.line });
      }
      files.push({ path: 'NIX_CONFIG', status: 'read' });
    } catch (e) {
      files.push({ path: 'NIX_CONFIG', status: 'error', message: (e as Error).message });
    }
  }

  const keys = setting.values(nixDefaultTrustedKeys).map(({ word, source, setting: name }): TrustedKey => {
    try {
      const key = parsePublicKey(word);
      return { name: key.name, publicKey: word, source, setting: name };
    } catch (e) {
      // A word that is not a public key may be something secret pasted into the wrong setting (a
      // secret key, a token): show its name at most, never its data.
      const colon = word.indexOf(':');
      const keyName = colon > 0 ? word.slice(0, colon) : '(not a key)';
      return { name: keyName, publicKey: `${keyName}:…`, source, setting: name, problem: (e as Error).message };
    }
  });
  return { keys, files };
}
