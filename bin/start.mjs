#!/usr/bin/env node
// `npm start`: the desktop app where Electron can run; otherwise, one line saying why, and the browser
// shell instead (the same UI and services, served on loopback).
import { spawn, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const args = process.argv.slice(2);

function electronBinary() {
  try {
    // The electron package exports the path of its binary, and throws if the binary was never downloaded.
    const path = createRequire(import.meta.url)('electron');
    if (typeof path !== 'string' || !existsSync(path)) return { why: "Electron's binary is not installed (it downloads on first run, which this machine cannot do)" };
    if (process.platform === 'linux' && !process.env.DISPLAY && !process.env.WAYLAND_DISPLAY) return { why: 'there is no display (no DISPLAY or WAYLAND_DISPLAY)' };
    return { path };
  } catch (e) {
    return { why: `Electron cannot start here (${String(e.message ?? e).split('\n')[0]})` };
  }
}

const electron = electronBinary();
if (electron.path) {
  const built = spawnSync(process.execPath, ['electron/app/build.mjs'], { cwd: root, stdio: 'inherit' });
  if (built.status !== 0) process.exit(built.status ?? 1);
  const child = spawn(electron.path, ['.', ...args], { cwd: root, stdio: 'inherit' });
  child.on('exit', (code) => process.exit(code ?? 0));
} else {
  console.error(`Narwhal: ${electron.why}; starting the browser shell instead.`);
  const child = spawn(process.execPath, [fileURLToPath(new URL('./narwhal.mjs', import.meta.url)), 'serve', ...args], { cwd: root, stdio: 'inherit' });
  child.on('exit', (code) => process.exit(code ?? 0));
  for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => child.kill(signal));
}
