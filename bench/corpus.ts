/**
 * The benchmarks' corpus: real files from this machine, each added to the Nix store as a path of its
 * own, until their NARs add up to `targetBytes` in at least `targetPaths` paths: /usr/lib/python3.11
 * first, then the largest locale folders of /usr/share/locale.
 */
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';

export const nixEnv = { ...process.env, NIX_REMOTE: process.env.NIX_REMOTE ?? 'local' };

/** The folders the corpus is made of, in the order they are taken. */
export function corpusSources(): string[] {
  const locales = fs
    .readdirSync('/usr/share/locale')
    .map((name) => path.join('/usr/share/locale', name))
    .filter((p) => fs.statSync(p).isDirectory())
    .map((p) => ({ p, size: Number(execFileSync('du', ['-sb', p]).toString().split('\t')[0]) }))
    .sort((a, b) => b.size - a.size)
    .map((x) => x.p);
  return ['/usr/lib/python3.11', ...locales];
}

export function corpusStorePaths(targetBytes: number, targetPaths: number): { paths: string[]; narBytes: number } {
  const paths: string[] = [];
  let narBytes = 0;
  for (const src of corpusSources()) {
    if (narBytes >= targetBytes && paths.length >= targetPaths) break;
    const storePath = execFileSync('nix-store', ['--add', src], { env: nixEnv, stdio: ['ignore', 'pipe', 'ignore'] }).toString().trim();
    const info = JSON.parse(execFileSync('nix', ['--extra-experimental-features', 'nix-command', 'path-info', '--json', storePath], { env: nixEnv }).toString()) as Array<{ narSize: number }>;
    paths.push(storePath);
    narBytes += info[0]!.narSize;
  }
  return { paths, narBytes };
}
