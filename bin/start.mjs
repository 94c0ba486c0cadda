#!/usr/bin/env node
// `npm start`: the desktop app where Electron can run; otherwise, one line saying why, and the browser
// shell instead (the same UI and services, served on loopback).
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const args = process.argv.slice(2);

function electronBinary() {
  // Not require('electron'): since Electron 45 that starts a download of the binary when it is missing.
  // The package records the installed binary's path in path.txt once it has been fetched.
  let dir;
  try {
    dir = dirname(createRequire(import.meta.url).resolve('electron/package.json'));
  } catch {
    return { why: 'the electron package is not installed (run npm ci)' };
  }
  const pathFile = join(dir, 'path.txt');
  const binary = existsSync(pathFile) ? join(dir, 'dist', readFileSync(pathFile, 'utf8').trim()) : undefined;
  if (!binary || !existsSync(binary)) return { why: "Electron's binary is not installed (it downloads on first run, which this machine cannot do)" };
  if (process.platform === 'linux' && !process.env.DISPLAY && !process.env.WAYLAND_DISPLAY) return { why: 'there is no display (no DISPLAY or WAYLAND_DISPLAY)' };
  return { path: binary };
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
