import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { ApiError } from '../../../shared/api/errors';
import type { CacheConfig } from '../../../shared/caches/config';
import { describeConfig, isWritable } from '../../../shared/caches/config';
import type { LocalPathInfo } from '../../../shared/nix/closure';
import type { SecretKey } from '../../../shared/nix/keys';
import { formatPublicKey, parseSecretKey } from '../../../shared/nix/keys';
import { parseStorePath } from '../../../shared/nix/store-path';
import { writeNarListingSetting } from '../../../shared/push/nar-listing-setting';
import { ensureCacheInfo } from '../../services/push/ensure-cache-info';
import { cacheHashes } from '../../services/browse/list-paths';
import { nixStoreDir } from '../../services/caches/cache-service';
import { compressionPool } from '../../services/compress/compress';
import type { CompressionMethod } from '../../../shared/push/compression';
import { COMPRESSION_METHODS, isCompressionMethod, levelRange } from '../../../shared/push/compression';
import { KeyStore } from '../../services/keys/key-store';
import { plainFileBox } from '../../services/keys/secret-box';
import { LocalStore } from '../../services/local-store/local-store';
import type { PushProgress } from '../../services/push/push';
import { pushClosure } from '../../services/push/push';
import { sweepIncompleteUploads, sweepNote } from '../../services/push/sweep-multipart';
import { resolveDataDir } from '../../services/settings/data-dir';
import { openStore } from '../../services/stores/open-store';
import type { CliCommand, CliIO } from '../io';
import { UsageError, writeLine } from '../io';
import { describeIoError, isExpectedIoError } from '../io-errors';
import { signingKeyNamed } from '../named-key';
import { groupDigits, progressLine } from '../progress';
import { jsonProgress, nixConfLines, progressText, summaryText } from '../push-report';
import { storeTarget } from '../store-target';
import { cancelController } from '../../services/util/cancel-controller';

const options = {
  key: { type: 'string' },
  'key-name': { type: 'string' },
  unsigned: { type: 'boolean', default: false },
  compression: { type: 'string' },
  level: { type: 'string' },
  jobs: { type: 'string' },
  'no-closure': { type: 'boolean', default: false },
  'write-nar-listing': { type: 'boolean', default: false },
  json: { type: 'boolean', default: false },
  'data-dir': { type: 'string' },
} as const;

/** A store setting of the cache's URL (`compression=zstd`), the last one winning as in Nix. */
const setting = (config: CacheConfig, name: string) => config.settings.findLast(([key]) => key === name)?.[1];

export function wholeNumber(flag: string, text: string, min: number, max: number): number {
  const n = Number(text);
  if (!/^\d+$/.test(text) || n < min || n > max) throw new UsageError(`${flag} must be a whole number from ${min} to ${max}, not "${text}"`);
  return n;
}

/** The compression and level: the flags, else the store URL's `compression=` and `compression-level=`, else xz at its default level. */
export function chooseCompression(values: { compression?: string; level?: string }, config: CacheConfig): { compression: CompressionMethod; level?: number } {
  const fromUrl = setting(config, 'compression');
  const name = values.compression ?? fromUrl ?? 'xz';
  if (!isCompressionMethod(name)) {
    const where = values.compression ? '--compression' : "the store URL's compression setting";
    throw new UsageError(`${where} is "${name}"; Narwhal writes ${COMPRESSION_METHODS.join(', ')}`);
  }
  // The URL's level belongs to the URL's method; a method chosen by flag starts from its own default.
  const levelText = values.level ?? (values.compression === undefined || values.compression === fromUrl ? setting(config, 'compression-level') : undefined);
  if (levelText === undefined || levelText === '-1') return { compression: name };
  const range = levelRange(name);
  if (!range) throw new UsageError(`--level does not apply to --compression none`);
  return { compression: name, level: wholeNumber(values.level !== undefined ? '--level' : 'compression-level', levelText, range[0], range[1]) };
}

/** The key that signs: a Nix secret key file, or a key of Narwhal's key store by name. */
export async function signingKey(values: { key?: string; 'key-name'?: string }, dataDir: string, io: CliIO): Promise<SecretKey> {
  if (values.key !== undefined) {
    let text;
    try {
      text = await readFile(resolve(io.cwd, values.key), 'utf8');
    } catch (e) {
      if (isExpectedIoError(e)) throw new ApiError('invalid-input', `--key: ${describeIoError(e, { path: values.key, action: 'read' })}`);
      throw e;
    }
    try {
      return parseSecretKey(text.trim());
    } catch (e) {
      throw new ApiError('invalid-input', `--key ${values.key} is not a Nix secret key (as nix key generate-secret writes): ${(e as Error).message}`);
    }
  }
  const keys = new KeyStore(dataDir, plainFileBox);
  return keys.secretKey((await signingKeyNamed(keys, values['key-name']!, dataDir)).id);
}

/**
 * With --no-closure only the named paths go up, so every path they refer to must be in the cache
 * already (or be one of them): else a narinfo would promise a closure the cache cannot deliver.
 */
function checkReferencesPresent(named: readonly LocalPathInfo[], present: ReadonlySet<string>): void {
  const paths = new Set(named.map((info) => info.path));
  const missing = new Set<string>();
  for (const info of named) for (const ref of info.references) if (!paths.has(ref) && !present.has(parseStorePath(ref).hash)) missing.add(ref);
  if (missing.size === 0) return;
  const list = [...missing].sort();
  throw new ApiError(
    'invalid-input',
    `--no-closure pushes only the paths given, but they refer to ${list.length} path${list.length === 1 ? '' : 's'} the cache does not have: ` +
      `${list.slice(0, 5).join(', ')}${list.length > 5 ? ', …' : ''}. Push without --no-closure (the whole closure), or push those first.`,
  );
}

/** Aborts on the user's Ctrl-C: the harness's signal in tests, SIGINT for the real binary. */
export function interruption(io: CliIO): { signal: AbortSignal; dispose: () => void } {
  const controller = cancelController();
  if (io.interrupt) {
    const abort = () => controller.abort(new ApiError('cancelled', 'Interrupted.'));
    if (io.interrupt.aborted) abort();
    io.interrupt.addEventListener('abort', abort, { once: true });
    return { signal: controller.signal, dispose: () => io.interrupt?.removeEventListener('abort', abort) };
  }
  // The first Ctrl-C stops the push cleanly (in-flight uploads are aborted, staged files removed);
  // a second one, for someone who will not wait for that, exits at once, as Ctrl-C would have.
  const onSigint = () => {
    if (controller.signal.aborted) process.exit(130);
    controller.abort(new ApiError('cancelled', 'Interrupted.'));
  };
  process.on('SIGINT', onSigint);
  return { signal: controller.signal, dispose: () => process.off('SIGINT', onSigint) };
}

/**
 * `narwhal push STORE-URL|NAME PATH...`: the closure of the paths (or the paths alone) to a cache,
 * signed, skipping what the cache has (one listing), with progress on a terminal or as JSON lines.
 * `--write-nar-listing` (or the URL's `write-nar-listing=true`) writes each path's `.ls` listing too.
 */
export const push: CliCommand = async (argv, io) => {
  const { values, positionals } = parseArgs({ args: argv, options, allowPositionals: true });
  if (positionals.length === 0) throw new UsageError("missing STORE-URL (or a saved cache's name) and PATH");
  if (positionals.length === 1) throw new UsageError('missing PATH (a store path, a path inside one, or a result link)');
  if (values.key !== undefined && values['key-name'] !== undefined) throw new UsageError('give --key FILE or --key-name NAME, not both');
  const hasKey = values.key !== undefined || values['key-name'] !== undefined;
  if (hasKey && values.unsigned) throw new UsageError('--unsigned contradicts the signing key given');
  if (!hasKey && !values.unsigned) {
    throw new UsageError(
      'no signing key: give --key FILE (a Nix secret key file) or --key-name NAME (a key of Narwhal\'s), ' +
        'or --unsigned to push unsigned paths, which Nix clients silently ignore unless they turn require-sigs off',
    );
  }
  const jobs = values.jobs === undefined ? undefined : wholeNumber('--jobs', values.jobs, 1, 64);
  const dataDir = resolveDataDir({ flag: values['data-dir'], env: io.env });
  const [target, ...inputs] = positionals as [string, ...string[]];
  const config = await storeTarget(target, dataDir, io);
  if (!isWritable(config)) throw new ApiError('read-only', `${describeConfig(config)} is an HTTP cache, which Narwhal can only read; push to its s3:// or file:// URL.`);
  const { compression, level } = chooseCompression(values, config);
  const writeNarListing = values['write-nar-listing'] || writeNarListingSetting(config.settings);
  const key = hasKey ? await signingKey(values, dataDir, io) : undefined;

  const { signal, dispose } = interruption(io);
  // The time the summary gives is the whole command's: reading the closure and listing the cache count.
  const commandStarted = performance.now();
  const json = values.json;
  const emit = (event: Record<string, unknown>) => writeLine(io.stdout, JSON.stringify(event));
  const line = json ? { update: () => undefined, done: () => undefined } : progressLine(io.stderr);
  let last: PushProgress | undefined;
  const store = openStore(config, io.env);
  try {
    // The compression workers boot while the closure is read and the cache listed.
    compressionPool().prestart();
    const local = new LocalStore({ env: io.env, home: io.env.HOME });
    // All at once: each is a few file-system calls in the thread pool (40 in turn took 30 ms).
    const paths = await Promise.all(inputs.map(async (input) => (await local.resolveUserPath(input, { cwd: io.cwd })).storePath));
    line.update(values['no-closure'] ? 'reading path info…' : 'reading the closure…');
    const closure = await local.pathInfo(paths, { recursive: !values['no-closure'], signal });

    if (await ensureCacheInfo(store, signal)) {
      // A line of its own, not appended to the progress line being drawn.
      line.done();
      writeLine(io.stderr, `note: ${store.description} had no nix-cache-info; wrote one (StoreDir: ${nixStoreDir}), as nix copy does.`);
    }
    // What the cache has, from one listing rather than one request per path.
    const present = await cacheHashes(store, {
      signal,
      onPage: (listed) => (json ? emit({ event: 'listing', listed }) : line.update(`listing the cache: ${groupDigits(listed)} narinfos…`)),
    });
    if (values['no-closure']) checkReferencesPresent(closure, present);
    // Multipart uploads that killed pushes left in the bucket (a day old) are aborted by the next push
    // that uploads; a no-op push skips it and stays at its two requests.
    if (closure.some((info) => !present.has(parseStorePath(info.path).hash))) {
      const note = sweepNote(await sweepIncompleteUploads(store, { signal }));
      if (note) {
        line.done();
        writeLine(io.stderr, note);
      }
    }

    const started = performance.now();
    const progressLines = jsonProgress(emit);
    const summary = await pushClosure({
      store,
      closure,
      presentHashes: present,
      compression,
      level,
      signingKey: key,
      jobs,
      writeNarListing,
      signal,
      onProgress: (p) => {
        const pathDone = p.pathsDone !== last?.pathsDone;
        last = p;
        if (json) progressLines(p, pathDone);
        else line.update(progressText(p, performance.now() - started));
      },
    });
    line.done();
    summary.elapsedMs = Math.round(performance.now() - commandStarted);
    const publicKey = key ? formatPublicKey(key.publicKey) : undefined;
    const nixConf = nixConfLines(config, publicKey);
    if (json) emit({ event: 'done', ...summary, compression, nixConf, ...(publicKey ? { signedWith: publicKey } : {}) });
    else io.stdout.write(summaryText(summary, { compression, nixConf, signedWith: publicKey }));
    return 0;
  } catch (e) {
    line.done();
    if (!signal.aborted) throw e;
    const done = last ? `${last.pathsDone} of ${last.pathsTotal} paths were pushed; ` : '';
    if (json) emit({ event: 'cancelled', ...(last ?? {}) });
    writeLine(io.stderr, `narwhal push: interrupted; ${done}the cache is consistent, and running the same command again resumes.`);
    return 130;
  } finally {
    dispose();
    store.close();
  }
};
