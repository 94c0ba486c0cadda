/**
 * The `narwhal` command the benchmarks time: the bundle a user runs (dist/cli/narwhal.mjs), built
 * afresh from the sources at the start of the run, or the sources through tsx (`--cli sources`).
 * The bundle is run directly, not through bin/narwhal.mjs: that launcher falls back to the sources
 * when a file changes, and on a shared working tree one may change during a long run.
 */
import { execFileSync } from 'node:child_process';
import { readFileSync, statSync } from 'node:fs';
import * as path from 'node:path';

export const repoRoot = path.resolve(import.meta.dirname, '..');

export type CliKind = 'bundle' | 'sources';

export function cliKind(text: string): CliKind {
  if (text !== 'bundle' && text !== 'sources') throw new Error(`--cli is bundle or sources, not ${JSON.stringify(text)}`);
  return text;
}

/** Builds dist/cli/narwhal.mjs from the sources as they are now (about a second). */
export function buildBundle(): void {
  execFileSync('node', [path.join(repoRoot, 'electron/cli/build.mjs')], { stdio: ['ignore', 'ignore', 'inherit'] });
}

/**
 * How to start `narwhal` (the argv before its arguments, and variables to add to the environment);
 * builds the bundle first when it is the one timed.
 */
export function narwhalCommand(kind: CliKind): { argv: string[]; env: Record<string, string> } {
  if (kind === 'sources') return { argv: ['node', path.join(repoRoot, 'bin/narwhal.mjs')], env: { NARWHAL_CLI: 'sources' } };
  buildBundle();
  return { argv: ['node', path.join(repoRoot, 'dist/cli/narwhal.mjs')], env: {} };
}

/** What bin/narwhal.mjs decides: none of the bundle's inputs changed since its build. */
export function bundleIsCurrent(): boolean {
  const manifest = JSON.parse(readFileSync(path.join(repoRoot, 'dist/cli/build-inputs.json'), 'utf8')) as { builtAt: number; inputs: string[] };
  return manifest.inputs.every((input) => (statSync(path.join(repoRoot, input), { throwIfNoEntry: false })?.mtimeMs ?? Infinity) <= manifest.builtAt);
}
