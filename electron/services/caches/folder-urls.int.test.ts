import { mkdtemp, readdir, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { buildFixtureClosure, nix, runCapture, nixEnv } from '../../../scripts/testbed/nix';
import { nixCannotReadBefore210 } from '../../../shared/caches/folder-path';
import { formatStoreUrl, parseStoreUrl } from '../../../shared/caches/store-url';

/**
 * The store URLs Narwhal shows for folder caches, handed to the real Nix: `nix copy --to URL` must
 * write into the folder the configuration names, not into one whose name is the URL's spelling.
 *
 * Found by experiment with Nix 2.8 (Debian's nix-bin): its URL parser takes the path of a file:// URL
 * verbatim — `%20` stays `%20` — and refuses a raw space or non-ASCII character ("don't know how to
 * open Nix store"), so no file:// URL reaches such a folder there. Nix 2.10 and later decode the
 * path, and read the percent-encoded URL we write as meant. The test checks whichever Nix is installed
 * against what we tell users about it.
 */
let top: string;
let nixDecodesPaths: boolean;

beforeAll(async () => {
  top = (await buildFixtureClosure('folder-urls')).top;
  const [major = 0, minor = 0] = /(\d+)\.(\d+)/.exec(await nix(['--version']))!.slice(1).map(Number);
  nixDecodesPaths = major > 2 || (major === 2 && minor >= 10);
});

async function copyTo(url: string): Promise<{ ok: boolean; stderr: string }> {
  const result = await runCapture('nix', ['copy', '--to', url, top], { env: nixEnv() });
  return { ok: result.code === 0, stderr: result.stderr };
}

/** The folder holds a binary cache as Nix writes one: nix-cache-info and the narinfo of `top`. */
async function expectCacheIn(folder: string): Promise<void> {
  expect(await readFile(join(folder, 'nix-cache-info'), 'utf8')).toContain('StoreDir: /nix/store');
  expect(await readdir(folder)).toContain(`${top.slice('/nix/store/'.length, '/nix/store/'.length + 32)}.narinfo`);
}

describe('folder store URLs, read by the installed Nix', () => {
  it.each([
    'plain-name',
    "sub-delims a+b&c=d(e)'f,g;h:i@j!k$l*m~n".replace(/ /g, '_'),
  ])('%s: nix copy --to writes into the folder we name', async (name) => {
    const parent = await mkdtemp(join(tmpdir(), 'narwhal-url-'));
    const folder = join(parent, name);
    const url = formatStoreUrl({ kind: 'file', path: folder, settings: [] });
    expect(nixCannotReadBefore210(folder)).toBe(false);
    expect(parseStoreUrl(url).config).toEqual({ kind: 'file', path: folder, settings: [] });
    expect(await copyTo(url)).toMatchObject({ ok: true });
    expect(await readdir(parent)).toEqual([name]);
    await expectCacheIn(folder);
  });

  it.each(['has space', 'naïve café ☃', '100% sure'])('%s: the URL we show is the one Nix reads as meant, or we say which Nix cannot', async (name) => {
    const parent = await mkdtemp(join(tmpdir(), 'narwhal-url-'));
    const folder = join(parent, name);
    const url = formatStoreUrl({ kind: 'file', path: folder, settings: [] });
    // Every space, % and non-ASCII character is escaped: the URL is printable ASCII, each % starts an escape.
    expect(url).toMatch(/^[\x21-\x7E]+$/);
    expect(url).not.toMatch(/%(?![0-9A-F]{2})/);
    expect(parseStoreUrl(url).config).toEqual({ kind: 'file', path: folder, settings: [] });
    expect(nixCannotReadBefore210(folder)).toBe(true);
    expect(parseStoreUrl(url).warnings).toEqual([expect.stringContaining('Nix 2.9 and older cannot use the folder')]);

    const copied = await copyTo(url);
    if (nixDecodesPaths) {
      expect(copied).toMatchObject({ ok: true });
      expect(await readdir(parent)).toEqual([name]);
      await expectCacheIn(folder);
    } else {
      // What the warning says of Nix before 2.10: the escaped URL lands in a folder named as spelled…
      expect(copied).toMatchObject({ ok: true });
      expect(await readdir(parent)).toEqual([url.slice(`file://${parent}/`.length)]);
      // …and the unescaped path is not a URL it can open at all.
      const raw = await copyTo(`file://${folder}`);
      expect(raw.ok).toBe(false);
      expect(raw.stderr).toContain("don't know how to open Nix store");
    }
  });
});
