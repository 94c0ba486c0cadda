// The real Nix (Debian's nix-bin, 2.8) as the oracle of the integration tests: it builds fixture store
// paths, writes binary caches the way Nix does (`nix copy --to file://`), and proves a bucket is a
// working cache by substituting from it over HTTP into an empty store, signatures checked.
import { randomBytes } from 'node:crypto';
import fsp from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { run, runCapture, type RunOptions } from './exec';

export { run, runCapture, missingCommands, CommandError, type RunOptions, type RunResult } from './exec';

/** Commands this module runs; global-setup.ts checks them before starting. */
export const NIX_COMMANDS = ['nix', 'nix-store', 'nix-build'] as const;

/**
 * The environment for Nix commands. As root without a daemon Nix uses /nix/store directly;
 * NIX_REMOTE=local says so explicitly. NIX_CONFIG (applies to every nix command, old and new CLI):
 * - nix-command: `nix copy`, `nix key`, `nix path-info` are "experimental" in 2.8;
 * - sandbox off: the build sandbox does not work in these containers;
 * - build-users-group empty: Debian's package does not create the `nixbld` group, and building as
 *   root with the default `nixbld` fails ("the group 'nixbld' ... does not exist");
 * - no substituters: the fixtures are built locally, and asking cache.nixos.org (unreachable here)
 *   costs seconds of time-outs.
 */
export function nixEnv(extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
  return {
    ...process.env,
    NIX_REMOTE: 'local',
    NIX_CONFIG: [
      'extra-experimental-features = nix-command',
      'sandbox = false',
      'build-users-group =',
      'substituters =',
      process.env.NIX_CONFIG ?? '',
    ].join('\n'),
    ...extra,
  };
}

/** `nix <args>` with nixEnv(); returns stdout, throws with stderr on failure. */
export function nix(args: readonly string[], opts: RunOptions = {}): Promise<string> {
  return run('nix', args, { ...opts, env: opts.env ?? nixEnv() });
}

export interface FixtureClosure {
  /** The top store path; its closure is `all`. */
  top: string;
  /** The closure of `top`, dependencies first (`nix-store -qR` order): leaf, lib, top. */
  all: string[];
}

/**
 * Builds, in the real /nix/store, a small closure with three levels of references:
 * top -> lib -> leaf (top also refers to leaf). The leaf has a regular file, an executable and a
 * symlink, so NAR encoding of every node type is exercised. Each call makes fresh paths (label and a
 * random nonce go into every derivation), so caches and buckets never already hold them.
 * Derivations use /bin/sh and full paths to /bin tools: a build has no PATH and no nixpkgs.
 */
export async function buildFixtureClosure(label: string): Promise<FixtureClosure> {
  const name = label.replace(/[^A-Za-z0-9+._?=-]+/g, '-').replace(/^[.-]+/, '').slice(0, 40) || 'fixture';
  const nonce = `${Date.now().toString(36)}-${randomBytes(6).toString('hex')}`;
  const expr = `
    let
      mk = part: script: derivation {
        name = "narwhal-fixture-${name}-\${part}";
        system = builtins.currentSystem;
        builder = "/bin/sh";
        args = [ "-c" script ];
        nonce = ${nixString(nonce)};
        label = ${nixString(label)};
      };
      leaf = mk "leaf" ''
        /bin/mkdir -p $out/bin $out/share
        echo "leaf of $label ($nonce)" > $out/share/data.txt
        printf '#!/bin/sh\\necho hello from %s\\n' "$label" > $out/bin/hello
        /bin/chmod 0755 $out/bin/hello
        /bin/ln -s share/data.txt $out/link
      '';
      lib = mk "lib" ''
        /bin/mkdir -p $out
        echo "\${leaf}" > $out/leaf-path
      '';
      top = mk "top" ''
        /bin/mkdir -p $out
        echo "\${lib}" > $out/lib-path
        echo "\${leaf}/bin/hello" > $out/hello-path
      '';
    in top
  `;
  return buildClosure(expr);
}

/** Builds a Nix expression (with no nixpkgs: plain derivations) and returns its output and closure. */
export async function buildClosure(expr: string): Promise<FixtureClosure> {
  const top = (await run('nix-build', ['--no-out-link', '--expr', expr], { env: nixEnv() })).trim();
  const all = (await run('nix-store', ['--query', '--requisites', top], { env: nixEnv() })).trim().split('\n');
  return { top, all };
}

/** A Nix string literal (JSON's escapes are Nix's, plus `${` must not start an interpolation). */
function nixString(s: string): string {
  return JSON.stringify(s).replace(/\$\{/g, '\\${');
}

export interface NixCopyToFileOptions {
  /** `compression=` of the file:// store: xz (Nix's default), zstd, bzip2, none... */
  compression?: string;
  /** A secret key file to sign with. */
  secretKeyFile?: string;
  /** Or the secret key itself (`name:base64`): written to a temporary file for the copy. */
  secretKey?: string;
  /** Other store URL parameters, e.g. `{ 'write-nar-listing': 'true' }`. */
  params?: Record<string, string>;
}

/**
 * `nix copy --to file://<dir>?...` of `paths` (with their closures): writes a binary cache folder
 * exactly as Nix does (nix-cache-info, narinfos, nar/...). Returns nothing; read the folder.
 */
export async function nixCopyToFile(dir: string, paths: readonly string[], opts: NixCopyToFileOptions = {}): Promise<void> {
  let tmp: string | undefined;
  try {
    const params = new URLSearchParams(opts.params ?? {});
    if (opts.compression) params.set('compression', opts.compression);
    let keyFile = opts.secretKeyFile;
    if (!keyFile && opts.secretKey) {
      tmp = await fsp.mkdtemp(path.join(os.tmpdir(), 'narwhal-key-'));
      keyFile = path.join(tmp, 'secret.key');
      await fsp.writeFile(keyFile, opts.secretKey, { mode: 0o600 });
    }
    if (keyFile) params.set('secret-key', path.resolve(keyFile));
    await fsp.mkdir(dir, { recursive: true });
    const query = params.toString();
    const url = `file://${path.resolve(dir)}${query ? `?${query}` : ''}`;
    await nix(['copy', '--to', url, ...paths]);
  } finally {
    if (tmp) await fsp.rm(tmp, { recursive: true, force: true });
  }
}

/**
 * The end-to-end proof that a bucket is a working binary cache: `nix copy --from <url> --to <fresh
 * store>` of `storePath`, trusting only `trustedPublicKey` and requiring signatures. The destination
 * is a new, empty chroot store (its /nix/store lives in a temporary folder), so nothing is found
 * locally and every path of the closure must come from `url`; Nix's narinfo cache is pointed at a
 * fresh folder too (XDG_CACHE_HOME), so answers remembered from earlier runs play no part.
 * Never throws for a failed copy: returns ok=false with Nix's stderr (e.g. "lacks a valid signature").
 */
export async function nixCopyFromHttp(url: string, storePath: string, trustedPublicKey: string): Promise<{ ok: boolean; stderr: string }> {
  const tmp = await fsp.mkdtemp(path.join(os.tmpdir(), 'narwhal-nixstore-'));
  try {
    const r = await runCapture(
      'nix',
      [
        'copy',
        '--from',
        url,
        '--to',
        path.join(tmp, 'store'),
        '--option',
        'trusted-public-keys',
        trustedPublicKey,
        '--option',
        'require-sigs',
        'true',
        storePath,
      ],
      { env: nixEnv({ XDG_CACHE_HOME: path.join(tmp, 'cache') }) },
    );
    return { ok: r.code === 0, stderr: r.stderr };
  } finally {
    await rmTree(tmp);
  }
}

/** A new Ed25519 signing key pair, as Nix writes them: `name:base64`. */
export async function nixGenerateKey(name: string): Promise<{ secret: string; public: string }> {
  const secret = (await nix(['key', 'generate-secret', '--key-name', name])).trim();
  const pub = (await nix(['key', 'convert-secret-to-public'], { input: secret })).trim();
  return { secret, public: pub };
}

/** Removes a tree even where Nix made store paths read-only (needed when not running as root). */
async function rmTree(dir: string): Promise<void> {
  try {
    await fsp.rm(dir, { recursive: true, force: true });
  } catch {
    await run('chmod', ['-R', 'u+w', dir]).catch(() => {});
    await fsp.rm(dir, { recursive: true, force: true });
  }
}
