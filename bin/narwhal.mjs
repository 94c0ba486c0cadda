#!/usr/bin/env node
// The `narwhal` command. Runs the bundled CLI (dist/cli/narwhal.mjs, made by `npm run build:cli` and
// `npm run build`), which starts in a fraction of the time, when it was built from the sources as they
// are now; otherwise the TypeScript sources through tsx, so a fresh clone works right after `npm ci`
// and an edited source is never shadowed by an older bundle (tests run what the tree says).
// NARWHAL_CLI=sources always runs the sources.
import { readFileSync, statSync } from 'node:fs';

const root = new URL('../', import.meta.url);
const bundle = new URL('dist/cli/narwhal.mjs', root);

/**
 * True when dist/cli/build-inputs.json (written last by the build) lists the files the bundle was
 * made from and none of them changed, or vanished, after the build started. A few dozen stat calls.
 */
function bundleIsCurrent() {
  let manifest;
  try {
    manifest = JSON.parse(readFileSync(new URL('dist/cli/build-inputs.json', root), 'utf8'));
  } catch {
    return false;
  }
  if (typeof manifest?.builtAt !== 'number' || !Array.isArray(manifest.inputs)) return false;
  for (const input of manifest.inputs) {
    const info = statSync(new URL(input, root), { throwIfNoEntry: false });
    if (!info || info.mtimeMs > manifest.builtAt) return false;
  }
  return statSync(bundle, { throwIfNoEntry: false }) !== undefined;
}

if (process.env.NARWHAL_CLI !== 'sources' && bundleIsCurrent()) {
  await import(bundle.href);
} else {
  const { register } = await import('tsx/esm/api');
  register();
  const { main } = await import('../electron/cli/entry.ts');
  await main();
}
