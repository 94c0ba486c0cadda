/**
 * Unpacks a NAR stream into a directory, like `nix-store --restore`, but safe against hostile
 * archives:
 *
 * - The target must not exist (it is created, non-recursively) or be an empty real directory.
 * - Nothing is written outside it. Names are checked by the reader (no `/`, `.`, `..`, NUL, no
 *   duplicates), every directory is created by us with mkdir (which fails on anything already there,
 *   a symlink included), and files are created with O_CREAT|O_EXCL|O_NOFOLLOW, so no existing file is
 *   ever overwritten and no symlink (from the archive or planted) is followed while writing.
 *   Symlinks are created as links and their targets never resolved.
 * - Executable files get the x bits Nix gives them (mode | 0o111 on top of 0o666 & ~umask).
 * - On failure nothing is deleted (deleting is how extractors destroy user data when they are wrong
 *   about what they created); the error names the target and says the partial result is left there.
 */
import * as fs from 'node:fs';
import * as nodePath from 'node:path';
import { close, fchmod, fstat, lstat, mkdir, open, readdirNames, symlink, write } from './fs-async';
import { displayNarPath } from './nar-format';
import { NarError, type NarReadOptions, type NarSource, readNar } from './nar-reader';

export type ExtractOptions = NarReadOptions;

export interface ExtractSummary {
  directories: number;
  files: number;
  symlinks: number;
  /** Bytes of file contents written. */
  bytes: number;
}

export class NarExtractError extends Error {
  override name = 'NarExtractError';
  constructor(
    readonly target: string,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

const createFlags =
  fs.constants.O_WRONLY | fs.constants.O_CREAT | fs.constants.O_EXCL | fs.constants.O_NOFOLLOW;

type TargetState = 'missing' | 'empty-directory';

async function checkTarget(target: string): Promise<TargetState> {
  let st: fs.Stats;
  try {
    st = await lstat(target);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return 'missing';
    throw err;
  }
  if (!st.isDirectory()) {
    throw new NarExtractError(target, `cannot extract into '${target}': it exists and is not a directory`);
  }
  const names = await readdirNames(target);
  if (names.length > 0) {
    throw new NarExtractError(target, `cannot extract into '${target}': the directory is not empty`);
  }
  return 'empty-directory';
}

async function writeAll(fd: number, chunk: Uint8Array): Promise<void> {
  let off = 0;
  while (off < chunk.length) off += await write(fd, chunk, off, chunk.length - off);
}

/**
 * Extracts the NAR read from `source` into `target`. A NAR whose root is a directory fills the target
 * directory; one whose root is a file or symlink becomes `target` itself (which must then not exist).
 */
export async function extractNar(source: NarSource, target: string, opts: ExtractOptions = {}): Promise<ExtractSummary> {
  const summary: ExtractSummary = { directories: 0, files: 0, symlinks: 0, bytes: 0 };
  const state = await checkTarget(target);
  const targetBytes = Buffer.from(target);
  const slash = Buffer.from('/');
  // File system path of each open directory, root first; children are built from their parent's.
  const dirPaths: Buffer[] = [];
  let current = '/';
  // Whether anything exists on disk because of us, to tell the user what a failure left behind.
  let created = false;

  try {
    for await (const entry of readNar(source, opts)) {
      current = displayNarPath(entry.path);
      if (entry.type === 'directory-end') {
        dirPaths.pop();
        continue;
      }
      const parent = dirPaths[dirPaths.length - 1];
      let p: Buffer;
      if (parent === undefined) {
        p = targetBytes;
        if (entry.type !== 'directory' && state === 'empty-directory') {
          throw new NarExtractError(
            target,
            `cannot extract into '${target}': the NAR holds a single ${entry.type === 'regular' ? 'file' : 'symlink'}, ` +
              'which is created at the target path, so the target must not exist',
          );
        }
      } else {
        p = Buffer.concat([parent, slash, entry.name!]);
      }

      switch (entry.type) {
        case 'directory':
          if (!(parent === undefined && state === 'empty-directory')) {
            await mkdir(p, 0o777);
            created = true;
          }
          dirPaths.push(p);
          summary.directories++;
          break;
        case 'symlink':
          await symlink(Buffer.from(entry.target), p);
          created = true;
          summary.symlinks++;
          break;
        case 'regular': {
          const fd = await open(p, createFlags, 0o666);
          created = true;
          try {
            for await (const chunk of entry.contents()) {
              await writeAll(fd, chunk);
              summary.bytes += chunk.length;
            }
            if (entry.executable) {
              // As Nix does: keep what the umask allowed and add x for everyone.
              const st = await fstat(fd);
              await fchmod(fd, (st.mode & 0o7777) | 0o111);
            }
          } finally {
            await close(fd);
          }
          summary.files++;
          break;
        }
      }
    }
  } catch (err) {
    if (err instanceof NarExtractError) throw err;
    if (opts.signal?.aborted && err === opts.signal.reason) throw err;
    // A NarError carries its own offset and path inside the NAR; a file system error gets ours.
    const what = err instanceof NarError ? `failed: ${err.message}` : `failed at ${current}: ${describeFsError(err)}`;
    throw new NarExtractError(
      target,
      `extracting into '${target}' ${what}` +
        (created ? `; what was extracted so far is left in '${target}'` : ''),
      { cause: err },
    );
  }
  return summary;
}

function describeFsError(err: unknown): string {
  const e = err as NodeJS.ErrnoException;
  if (e?.code === 'EEXIST') return 'a file with that name already exists (it was not overwritten)';
  if (e?.code === 'ENOENT' && e.syscall === 'mkdir') return `the parent directory '${nodePath.dirname(String(e.path ?? ''))}' does not exist`;
  return e?.message ?? String(err);
}
