import { readFile, stat } from 'node:fs/promises';
import { extname, join, normalize, sep } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The built renderer (`npm run build:renderer` writes it), served by both shells. */
export const defaultRendererDir = fileURLToPath(new URL('../../../dist/renderer', import.meta.url));

const contentTypes: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
  '.json': 'application/json',
  '.map': 'application/json',
};

export interface Asset {
  body: Buffer;
  contentType: string;
  /** index.html must be revalidated; hashed assets never change. */
  immutable: boolean;
}

/**
 * The file for a URL path, never outside `root`. Unknown paths without an extension get index.html
 * (client-side routes); unknown files are null (404).
 */
export async function loadAsset(root: string, urlPath: string): Promise<Asset | null> {
  let decoded: string;
  try {
    decoded = decodeURIComponent(urlPath.split('?')[0]!);
  } catch {
    return null;
  }
  if (decoded.includes('\0')) return null;
  const relative = normalize(decoded).replace(/^([/\\])+/, '');
  if (relative.split(sep).includes('..')) return null;
  let file = join(root, relative);
  if (!file.startsWith(root + sep) && file !== root) return null;
  const info = await stat(file).catch(() => null);
  if (!info?.isFile()) {
    if (extname(relative)) return null;
    file = join(root, 'index.html');
  }
  const body = await readFile(file).catch(() => null);
  if (!body) return null;
  const ext = extname(file);
  return { body, contentType: contentTypes[ext] ?? 'application/octet-stream', immutable: file.includes(`${sep}assets${sep}`) };
}

/**
 * Headers for every page and asset: a Content-Security-Policy that allows only our own scripts and
 * styles and the one API connection, plus the usual anti-framing and anti-sniffing headers.
 */
export function securityHeaders(connectSrc: string[]): Record<string, string> {
  const csp = [
    "default-src 'none'",
    "script-src 'self'",
    "style-src 'self'",
    "img-src 'self' data:",
    "font-src 'self'",
    `connect-src 'self' ${connectSrc.join(' ')}`.trim(),
    "base-uri 'none'",
    "form-action 'none'",
    "frame-ancestors 'none'",
  ].join('; ');
  return {
    'Content-Security-Policy': csp,
    'X-Content-Type-Options': 'nosniff',
    'X-Frame-Options': 'DENY',
    'Referrer-Policy': 'no-referrer',
    'Cross-Origin-Opener-Policy': 'same-origin',
    'Cross-Origin-Resource-Policy': 'same-origin',
  };
}
