import { parseArgs } from 'node:util';
import { ApiError } from '../../../shared/api/errors';
import type { CacheConfig } from '../../../shared/caches/config';
import { describeConfig, isWritable } from '../../../shared/caches/config';
import { formatPublicKey } from '../../../shared/nix/keys';
import { writeNarListingSetting } from '../../../shared/push/nar-listing-setting';
import type { CopyProgress } from '../../services/copy/copy';
import { copyClosure } from '../../services/copy/copy';
import { resolveDataDir } from '../../services/settings/data-dir';
import { openStore } from '../../services/stores/open-store';
import type { CliCommand } from '../io';
import { UsageError, writeLine } from '../io';
import { groupDigits, progressLine } from '../progress';
import { copySummaryText, jsonProgress, nixConfLines, progressText } from '../push-report';
import { storeTarget } from '../store-target';
import { chooseCompression, interruption, signingKey, wholeNumber } from './push';

const options = {
  key: { type: 'string' },
  'key-name': { type: 'string' },
  compression: { type: 'string' },
  level: { type: 'string' },
  jobs: { type: 'string' },
  'no-closure': { type: 'boolean', default: false },
  'write-nar-listing': { type: 'boolean', default: false },
  json: { type: 'boolean', default: false },
  'data-dir': { type: 'string' },
} as const;

/** Recompress only when asked (a flag, or the destination URL's `compression=`): else the source's bytes go as they are. */
function compressionFor(values: { compression?: string; level?: string }, destination: CacheConfig) {
  const asked = values.compression !== undefined || destination.settings.some(([key]) => key === 'compression');
  if (!asked) {
    if (values.level !== undefined) throw new UsageError('--level needs --compression: without it the NARs are copied as the source compressed them');
    return undefined;
  }
  return chooseCompression(values, destination);
}

/**
 * `narwhal copy FROM TO PATH...`: the closure of paths from one cache to another (S3, folder, or
 * from an HTTP cache), skipping what the destination has, optionally recompressed and signed.
 */
export const copy: CliCommand = async (argv, io) => {
  const { values, positionals } = parseArgs({ args: argv, options, allowPositionals: true });
  if (positionals.length < 2) throw new UsageError('missing FROM and TO (store URLs or saved caches\' names)');
  if (positionals.length === 2) throw new UsageError('missing PATH (a store path, its base name or its hash, as the source cache has it)');
  if (values.key !== undefined && values['key-name'] !== undefined) throw new UsageError('give --key FILE or --key-name NAME, not both');
  const jobs = values.jobs === undefined ? undefined : wholeNumber('--jobs', values.jobs, 1, 64);
  const dataDir = resolveDataDir({ flag: values['data-dir'], env: io.env });
  const [fromText, toText, ...paths] = positionals as [string, string, ...string[]];
  const from = await storeTarget(fromText, dataDir, io);
  const to = await storeTarget(toText, dataDir, io);
  if (!isWritable(to)) throw new ApiError('read-only', `${describeConfig(to)} is an HTTP cache, which Narwhal can only read; copy to its s3:// or file:// URL.`);
  const chosen = compressionFor(values, to);
  const key = values.key !== undefined || values['key-name'] !== undefined ? await signingKey(values, dataDir, io) : undefined;

  const { signal, dispose } = interruption(io);
  const commandStarted = performance.now();
  const json = values.json;
  const emit = (event: Record<string, unknown>) => writeLine(io.stdout, JSON.stringify(event));
  const line = json ? { update: () => undefined, done: () => undefined } : progressLine(io.stderr);
  let last: CopyProgress | undefined;
  const progressLines = jsonProgress(emit);
  let copyStarted = 0;
  const source = openStore(from, io.env);
  const destination = openStore(to, io.env);
  try {
    const summary = await copyClosure({
      source,
      destination,
      paths,
      closure: !values['no-closure'],
      compression: chosen?.compression,
      level: chosen?.level,
      writeNarListing: values['write-nar-listing'] || writeNarListingSetting(to.settings),
      signingKey: key,
      jobs,
      signal,
      onNote: (note) => {
        line.done();
        writeLine(io.stderr, note);
      },
      onProgress: (p) => {
        const changed = p.phase !== last?.phase || p.pathsDone !== last?.pathsDone;
        last = p;
        if (p.phase === 'copying' && !copyStarted) copyStarted = performance.now();
        if (!json) {
          if (p.phase === 'listing') return line.update(`listing the destination: ${groupDigits(p.listed)} narinfos…`);
          if (p.phase === 'reading') return line.update(`reading the closure from the source: ${groupDigits(p.narinfosRead)} narinfos…`);
          return line.update(progressText(p, performance.now() - copyStarted, 'copying'));
        }
        progressLines(p, changed);
      },
    });
    line.done();
    summary.elapsedMs = Math.round(performance.now() - commandStarted);
    const publicKey = key ? formatPublicKey(key.publicKey) : undefined;
    const nixConf = nixConfLines(to, publicKey);
    if (json) emit({ event: 'done', ...summary, compression: chosen?.compression ?? 'kept', nixConf, ...(publicKey ? { signedWith: publicKey } : {}) });
    else io.stdout.write(copySummaryText(summary, { compression: chosen?.compression, recompressed: chosen !== undefined, nixConf, signedWith: publicKey }));
    return 0;
  } catch (e) {
    line.done();
    if (!signal.aborted) throw e;
    const done = last?.phase === 'copying' ? `${last.pathsDone} of ${last.pathsTotal} paths were copied; ` : '';
    if (json) emit({ event: 'cancelled', ...(last ?? {}) });
    writeLine(io.stderr, `narwhal copy: interrupted; ${done}the destination is consistent, and running the same command again resumes.`);
    return 130;
  } finally {
    dispose();
    source.close();
    destination.close();
  }
};
