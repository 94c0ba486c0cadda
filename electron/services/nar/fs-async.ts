/**
 * Thin promise wrappers over Node's callback fs API. They are measurably cheaper than fs/promises
 * (which allocates FileHandle objects and extra promises) when a NAR has tens of thousands of small
 * files, and they take Buffer paths so names that are not UTF-8 survive.
 */
import * as fs from 'node:fs';

function call<T>(fn: (cb: (err: NodeJS.ErrnoException | null, value: T) => void) => void): Promise<T> {
  return new Promise((resolve, reject) => fn((err, value) => (err ? reject(err) : resolve(value))));
}
const done = (cb: (err: NodeJS.ErrnoException | null, value: undefined) => void) => (err: NodeJS.ErrnoException | null) =>
  cb(err, undefined);

export const lstat = (p: Buffer | string) => call<fs.Stats>((cb) => fs.lstat(p, cb));
export const fstat = (fd: number) => call<fs.Stats>((cb) => fs.fstat(fd, cb));
export const readlink = (p: Buffer) => call<Buffer>((cb) => fs.readlink(p, { encoding: 'buffer' }, cb));
export const readdirTyped = (p: Buffer) =>
  call<fs.Dirent<Buffer>[]>((cb) => fs.readdir(p, { encoding: 'buffer', withFileTypes: true }, cb));
export const readdirNames = (p: Buffer | string) =>
  call<Buffer[]>((cb) => fs.readdir(p, { encoding: 'buffer' }, cb));
export const open = (p: Buffer | string, flags: number, mode?: number) =>
  call<number>((cb) => fs.open(p, flags, mode, cb));
export const close = (fd: number) => call<undefined>((cb) => fs.close(fd, done(cb)));
export const read = (fd: number, buf: Uint8Array, off: number, len: number, pos: number) =>
  call<number>((cb) => fs.read(fd, buf, off, len, pos, cb));
export const write = (fd: number, buf: Uint8Array, off: number, len: number) =>
  call<number>((cb) => fs.write(fd, buf, off, len, null, cb));
export const fchmod = (fd: number, mode: number) => call<undefined>((cb) => fs.fchmod(fd, mode, done(cb)));
export const mkdir = (p: Buffer | string, mode: number) => call<undefined>((cb) => fs.mkdir(p, { mode }, done(cb)));
export const symlink = (target: Buffer, p: Buffer) => call<undefined>((cb) => fs.symlink(target, p, done(cb)));
