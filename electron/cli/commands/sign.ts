import { parseArgs } from 'node:util';
import { ApiError } from '../../../shared/api/errors';
import { describeConfig, isWritable } from '../../../shared/caches/config';
import type { PublicKey } from '../../../shared/nix/keys';
import { formatPublicKey, parsePublicKey } from '../../../shared/nix/keys';
import { resolveDataDir } from '../../services/settings/data-dir';
import type { SignSummary } from '../../services/sign/sign-paths';
import type { SignClosureProgress } from '../../services/sign/sign-closure';
import { signClosure } from '../../services/sign/sign-closure';
import { openStore } from '../../services/stores/open-store';
import type { CliCommand } from '../io';
import { UsageError, writeLine } from '../io';
import { groupDigits, progressLine } from '../progress';
import { storeTarget } from '../store-target';
import { interruption, signingKey } from './push';

const options = {
  key: { type: 'string' },
  'key-name': { type: 'string' },
  all: { type: 'boolean', default: false },
  closure: { type: 'boolean', default: false },
  'trusted-key': { type: 'string', multiple: true },
  json: { type: 'boolean', default: false },
  'data-dir': { type: 'string' },
} as const;

const plural = (n: number, one: string, many = `${one}s`) => `${groupDigits(n)} ${n === 1 ? one : many}`;

function progressText(p: SignClosureProgress): string {
  if (p.phase === 'closure') return `following references through the cache: ${groupDigits(p.found)} paths${p.failed ? `, ${groupDigits(p.failed)} missing` : ''}…`;
  if (p.phase === 'listing') return `listing the cache: ${groupDigits(p.listed)} narinfos…`;
  const failed = p.failed ? `, ${groupDigits(p.failed)} failed` : '';
  return `signing: ${groupDigits(p.done)} of ${plural(p.total, 'path')} (${groupDigits(p.signed)} signed, ${groupDigits(p.alreadySigned)} signed already${failed})`;
}

function summaryText(summary: SignSummary, keyName: string, publicKey: string): string {
  const lines = [
    `Signed ${plural(summary.signed, 'path')} with ${keyName}; ${plural(summary.alreadySigned, 'path')} had its signature already` +
      (summary.failed.length ? `; ${groupDigits(summary.failed.length)} failed.` : '.'),
  ];
  if (summary.signed + summary.alreadySigned > 0) lines.push('', 'Nix substitutes them from this cache with the key trusted:', `extra-trusted-public-keys = ${publicKey}`);
  return lines.join('\n') + '\n';
}

/**
 * `narwhal sign STORE-URL|NAME (PATH...|--all) --key FILE|--key-name NAME`: adds the key's signature
 * to narinfos already in a cache; with --trusted-key KEY, only to those a valid signature of KEY
 * vouches for. Paths whose narinfo is missing, broken or edited since the key signed it (or that no
 * trusted key vouches for) are listed on stderr, and the status is then 1.
 */
export const sign: CliCommand = async (argv, io) => {
  const { values, positionals } = parseArgs({ args: argv, options, allowPositionals: true });
  if (positionals.length === 0) throw new UsageError("missing STORE-URL (or a saved cache's name) and PATH... or --all");
  const [target, ...paths] = positionals as [string, ...string[]];
  if (paths.length === 0 && !values.all) throw new UsageError('missing PATH (a store path, its base name or hash), or --all for every path of the cache');
  if (paths.length > 0 && values.all) throw new UsageError('give PATH... or --all, not both');
  if (values.closure && values.all) throw new UsageError('--closure applies to the PATHs given; --all signs every path already');
  if (values.key !== undefined && values['key-name'] !== undefined) throw new UsageError('give --key FILE or --key-name NAME, not both');
  if (values.key === undefined && values['key-name'] === undefined) {
    throw new UsageError("no signing key: give --key FILE (a Nix secret key file) or --key-name NAME (a key of Narwhal's)");
  }
  let requireSignedBy: PublicKey[] | undefined;
  if (values['trusted-key']) {
    try {
      // As in nix.conf, one value may hold several keys separated by spaces.
      requireSignedBy = values['trusted-key'].flatMap((text) => text.split(/\s+/).filter(Boolean)).map(parsePublicKey);
    } catch (e) {
      throw new UsageError(`bad --trusted-key: ${(e as Error).message}`);
    }
  }
  const dataDir = resolveDataDir({ flag: values['data-dir'], env: io.env });
  const config = await storeTarget(target, dataDir, io);
  if (!isWritable(config)) throw new ApiError('read-only', `${describeConfig(config)} is an HTTP cache, which Narwhal can only read; sign through its s3:// or file:// URL.`);
  const key = await signingKey(values, dataDir, io);
  const publicKey = formatPublicKey(key.publicKey);

  const { signal, dispose } = interruption(io);
  const json = values.json;
  const emit = (event: Record<string, unknown>) => writeLine(io.stdout, JSON.stringify(event));
  const line = json ? { update: () => undefined, done: () => undefined } : progressLine(io.stderr);
  let last: SignClosureProgress | undefined;
  let lastJson = -Infinity;
  const store = openStore(config, io.env);
  try {
    const summary = await signClosure({
      store,
      key,
      ...(values.all ? { all: true } : { paths, closure: values.closure }),
      requireSignedBy,
      signal,
      onProgress: (p) => {
        last = p;
        if (!json) return line.update(progressText(p));
        // Every failure gets its own line; the counts at most ten times a second, and the last one.
        if (p.phase === 'signing' && p.lastFailure) emit({ event: 'failed', ...p.lastFailure });
        const now = performance.now();
        if (now - lastJson < 100 && !(p.phase === 'signing' && p.done === p.total)) return;
        lastJson = now;
        const { lastFailure: _, ...counts } = p as SignClosureProgress & { lastFailure?: unknown };
        emit({ event: counts.phase === 'listing' ? 'listing' : 'progress', ...counts });
      },
    });
    line.done();
    if (json) emit({ event: 'done', ...summary, signedWith: publicKey });
    else {
      io.stdout.write(summaryText(summary, key.name, publicKey));
      if (summary.failed.length) {
        writeLine(io.stderr, `narwhal sign: ${plural(summary.failed.length, 'path was', 'paths were')} not signed:`);
        for (const { path, reason } of summary.failed) writeLine(io.stderr, `  ${path}: ${reason}`);
      }
    }
    return summary.failed.length ? 1 : 0;
  } catch (e) {
    line.done();
    if (!signal.aborted) throw e;
    const done = last?.phase === 'signing' ? `${last.done} of ${last.total} paths were looked at (${last.signed} signed); ` : '';
    if (json) emit({ event: 'cancelled', ...(last ?? {}) });
    writeLine(io.stderr, `narwhal sign: interrupted; ${done}every narinfo is whole, signed or as it was, and running the same command again carries on.`);
    return 130;
  } finally {
    dispose();
    store.close();
  }
};
