import { existsSync } from 'node:fs';
import { dirname } from 'node:path';

/**
 * File-system errors a user causes and can fix (a wrong path, a missing folder, no permission). The
 * CLI prints these as one plain sentence; anything else is a bug and keeps its stack trace.
 */
const expectedCodes = new Set(['ENOENT', 'EACCES', 'EPERM', 'EEXIST', 'EISDIR', 'ENOTDIR', 'ENOSPC', 'EROFS', 'ENAMETOOLONG', 'ELOOP', 'EDQUOT', 'EMFILE']);

export function isExpectedIoError(err: unknown): err is NodeJS.ErrnoException {
  const code = (err as NodeJS.ErrnoException | undefined)?.code;
  return err instanceof Error && typeof code === 'string' && expectedCodes.has(code);
}

/** What the command was doing with the path, for the sentence: "cannot write FILE: ...". */
export type IoAction = 'read' | 'write' | 'create';

/** Node's syscall names, as the verb a user would use. */
function actionOf(syscall: string | undefined): IoAction | 'open' | 'use' {
  switch (syscall) {
    case 'read':
    case 'stat':
    case 'lstat':
    case 'scandir':
    case 'opendir':
    case 'readlink':
    case 'access':
      return 'read';
    case 'write':
    case 'rename':
    case 'unlink':
    case 'rmdir':
    case 'copyfile':
    case 'chmod':
    case 'utime':
      return 'write';
    case 'mkdir':
    case 'symlink':
    case 'link':
    case 'mkdtemp':
      return 'create';
    case 'open':
      return 'open';
    default:
      return 'use';
  }
}

/**
 * One sentence for an expected I/O error, naming the path and what is wrong with it, e.g.
 * "cannot write /nonexistent/dir/k.sec: the folder /nonexistent/dir does not exist".
 * `path` and `action` default to what Node recorded on the error.
 */
export function describeIoError(err: NodeJS.ErrnoException, context: { path?: string; action?: IoAction } = {}): string {
  const path = context.path ?? err.path ?? '(unknown path)';
  const action = context.action ?? actionOf(err.syscall);
  const head = `cannot ${action} ${path}`;
  const folder = dirname(path);
  switch (err.code) {
    case 'ENOENT':
      // Writing or creating fails with ENOENT when the folder it goes in is missing (or, rarely, on
      // special file systems such as /proc, where the folder exists but takes no new files).
      if ((action === 'write' || action === 'create') && !existsSync(folder)) return `${head}: the folder ${folder} does not exist`;
      return `${head}: no such file or folder`;
    case 'EACCES':
    case 'EPERM':
      if (action === 'write' || action === 'create') return `${head}: permission denied (check the permissions of ${path} and of the folder ${folder})`;
      return `${head}: permission denied`;
    case 'EEXIST':
      return `${head}: it already exists; not overwriting it`;
    case 'EISDIR':
      return `${head}: it is a folder, not a file`;
    case 'ENOTDIR':
      return `${head}: a part of that path is a file, not a folder`;
    case 'ENOSPC':
    case 'EDQUOT':
      return `${head}: no space left on the disk`;
    case 'EROFS':
      return `${head}: the file system is read-only`;
    case 'ENAMETOOLONG':
      return `${head}: the name is too long`;
    case 'ELOOP':
      return `${head}: too many levels of symbolic links`;
    case 'EMFILE':
      return `${head}: too many open files`;
    default:
      return `${head}: ${err.message}`;
  }
}
