/**
 * Folder paths of folder caches, on every platform Narwhal is built for, and their `file://` form.
 *
 * Pure (no Node): the schema cannot ask which platform it runs on, so it accepts an absolute path in
 * any platform's spelling — POSIX `/srv/cache`, a Windows drive `C:\Users\me\cache` (or `C:/…`), a UNC
 * share `\\server\share\cache` — and the service checks the path against the platform it runs on.
 */

export type FolderPathStyle = 'posix' | 'windows-drive' | 'unc';

const drivePattern = /^[A-Za-z]:[\\/]/;
const uncPattern = /^[\\/]{2}[^\\/]+[\\/][^\\/]+/;

/** How an absolute path is spelled, or undefined when it is not absolute on any platform. */
export function folderPathStyle(path: string): FolderPathStyle | undefined {
  if (drivePattern.test(path)) return 'windows-drive';
  if (/^\\\\/.test(path)) return uncPattern.test(path) ? 'unc' : undefined;
  if (path.startsWith('/')) return 'posix';
  return undefined;
}

/** Why a path cannot be a folder cache's path, in words for the person who typed it; undefined when it can. */
export function folderPathProblem(path: string): string | undefined {
  if (path.trim() === '') return 'Folder path is empty: a folder cache needs the absolute path of its folder.';
  if (path.includes('\0')) return 'Folder path cannot contain a NUL character.';
  if (/^~(?:[\\/]|$)/.test(path)) {
    return `Folder path "${path}" starts with ~, which must be expanded to your home folder before it is saved; give the full path (such as /home/you/cache).`;
  }
  if (/^\\\\/.test(path) && !uncPattern.test(path)) return `Folder path "${path}" is not a complete network path; write it as \\\\server\\share\\folder.`;
  if (folderPathStyle(path) === undefined) {
    return `Folder path "${path}" is relative; a folder cache needs an absolute path (/srv/nix-cache, C:\\nix-cache or \\\\server\\share\\nix-cache).`;
  }
  return undefined;
}

/**
 * One spelling per folder, so a second connection to it is recognised as one: Windows paths with
 * backslashes (`C:/x` is `C:\x`), and no separator at the end (`/srv/x/` is `/srv/x`), except a root.
 */
export function normaliseFolderPath(path: string): string {
  const style = folderPathStyle(path);
  if (style === 'windows-drive' || style === 'unc') {
    const windows = path.replace(/\//g, '\\');
    return /^[A-Za-z]:\\$/.test(windows) ? windows : windows.replace(/\\+$/, '');
  }
  return style === 'posix' && path.length > 1 ? path.replace(/\/+$/, '') || '/' : path;
}

/**
 * Characters a `file://` URL path may hold as they are (RFC 3986 pchar and `/`); every other byte of
 * the UTF-8 path — space, non-ASCII, `%`, `?`, `#`, `"`, `\`… — is percent-encoded.
 */
const keptInUrlPath = /[A-Za-z0-9\-._~!$&'()*+,;=:@/]/;

function encodeUrlPath(path: string): string {
  let out = '';
  for (const char of path) {
    if (keptInUrlPath.test(char)) out += char;
    // encodeURIComponent writes the UTF-8 bytes of anything else as %XX (it keeps nothing we encode).
    else out += encodeURIComponent(char);
  }
  return out;
}

/**
 * The `file://` URL of a folder, as Nix reads it: `file:///srv/cache`, `file:///C:/Users/me/cache`,
 * `file:////server/share/cache` (RFC 8089's form for UNC; Nix refuses a file:// URL with a host).
 *
 * Characters outside the URL grammar are percent-encoded: Nix since 2.10 decodes them (a folder
 * `has space` is `file:///tmp/has%20space`). Nix 2.9 and older cannot reach such a folder at all: they
 * refuse a raw space or non-ASCII character ("don't know how to open Nix store") and take `%20`
 * literally; `nixCannotReadBefore210` says when that applies.
 */
export function folderToFileUrl(path: string): string {
  const style = folderPathStyle(path);
  if (style === 'windows-drive') return `file:///${encodeUrlPath(path.replace(/\\/g, '/'))}`;
  if (style === 'unc') return `file://${encodeUrlPath(path.replace(/\\/g, '/'))}`;
  return `file://${encodeUrlPath(path)}`;
}

export class FileUrlError extends Error {
  override name = 'FileUrlError';
}

/**
 * The folder of a `file://` URL's path part (what follows `file://`, without the query): the inverse
 * of folderToFileUrl. Raw spaces and non-ASCII characters are taken as they are, so a path pasted
 * without encoding still means what it says.
 */
export function fileUrlToFolder(rest: string): string {
  let decoded: string;
  try {
    decoded = decodeURIComponent(rest);
  } catch {
    throw new FileUrlError(`Bad percent-encoding in the folder path "${rest}".`);
  }
  if (/^\/[A-Za-z]:(?:\/|$)/.test(decoded)) return normaliseFolderPath(decoded.slice(1) + (decoded.length === 3 ? '/' : ''));
  if (/^\/\/[^/]+\/[^/]/.test(decoded)) return decoded.replace(/\//g, '\\');
  if (decoded.startsWith('/')) return decoded;
  if (/^[A-Za-z]:/.test(decoded)) throw new FileUrlError(`A file URL of a Windows folder is file:///${decoded.replace(/\\/g, '/')} (three slashes).`);
  throw new FileUrlError(`A file store URL is file:///absolute/path; "file://${rest}" has no absolute path.`);
}

/**
 * True when Nix 2.9 or older cannot use this folder through any file:// URL: its URL parser refuses
 * characters outside the URL grammar and does not decode percent-escapes in the path.
 */
export function nixCannotReadBefore210(path: string): boolean {
  const urlPath = folderToFileUrl(path).slice('file://'.length);
  return urlPath.includes('%');
}
