import * as fs from 'node:fs';
import * as nodePath from 'node:path';
import type { Readable, Writable } from 'node:stream';
import { parseArgs } from 'node:util';
import { encodeNarListing } from '../../../shared/nix/nar-listing';
import { NarExtractError, extractNar } from '../../services/nar/nar-extract';
import { buildNarListing } from '../../services/nar/nar-listing';
import { NarError } from '../../services/nar/nar-reader';
import { NarDumpError, dumpPath } from '../../services/nar/nar-writer';
import type { CliCommand, CliIO } from '../io';
import { UsageError, expectPositionals, isTerminal, subcommandError, writeLine } from '../io';
import { describeIoError, isExpectedIoError } from '../io-errors';
import { CompressedNarError, openNarInput } from '../nar-input';

export const narUsage = [
  'usage: narwhal nar dump PATH            write the NAR of PATH to stdout (same bytes as nix-store --dump)',
  '       narwhal nar ls FILE|-            print the .ls JSON listing of a NAR (as write-nar-listing=true writes it)',
  '       narwhal nar extract FILE|- DIR   unpack a NAR into DIR, which must not exist or be empty',
].join('\n');

/** Big reads from NAR files: fewer, larger chunks through the parser (the default is 64 KiB). */
const readChunk = 1 << 20;

/**
 * Writes one chunk, waiting for 'drain' when the stream's buffer is full, so a slow reader of stdout
 * (a pipe into xz, an SSH channel) holds back the producer instead of making us buffer the NAR.
 */
function writeChunk(out: Writable, chunk: Uint8Array): Promise<void> | undefined {
  if (out.write(chunk)) return undefined;
  return new Promise((resolve, reject) => {
    const cleanup = () => {
      out.off('drain', onDrain);
      out.off('error', onError);
      out.off('close', onClose);
    };
    const onDrain = () => {
      cleanup();
      resolve();
    };
    const onError = (err: Error) => {
      cleanup();
      reject(err);
    };
    const onClose = () => {
      cleanup();
      reject(new Error('output closed before the NAR was fully written'));
    };
    out.on('drain', onDrain);
    out.on('error', onError);
    out.on('close', onClose);
  });
}

function inputStream(file: string, io: CliIO): Readable {
  if (file === '-') return io.stdin;
  return fs.createReadStream(nodePath.resolve(io.cwd, file), { highWaterMark: readChunk });
}

/** Errors a user can act on get their message only; anything else is a bug and keeps its stack. */
function report(io: CliIO, sub: string, err: unknown): number {
  const expected = err instanceof NarError || err instanceof NarDumpError || err instanceof NarExtractError || err instanceof CompressedNarError;
  const text = expected ? (err as Error).message : isExpectedIoError(err) ? describeIoError(err) : ((err as Error)?.stack ?? String(err));
  writeLine(io.stderr, `narwhal nar ${sub}: ${text}`);
  return 1;
}

/** The usage line of one subcommand, for its usage errors. */
function usageOf(sub: string): { by: string; usage: string } {
  const line = narUsage.split('\n').find((l) => l.includes(`narwhal nar ${sub} `))!;
  return { by: `narwhal nar ${sub}`, usage: `usage: ${line.replace(/^(usage:)?\s+/, '').replace(/\s{2,}.*$/, '')}` };
}

async function dump(args: string[], io: CliIO): Promise<number> {
  expectPositionals(args, ['PATH'], usageOf('dump'));
  if (isTerminal(io.stdout)) {
    writeLine(io.stderr, 'narwhal nar dump: refusing to write a binary NAR to a terminal; redirect stdout');
    return 1;
  }
  const path = nodePath.resolve(io.cwd, args[0]!);
  for await (const chunk of dumpPath(path)) {
    const wait = writeChunk(io.stdout, chunk);
    if (wait) await wait;
  }
  return 0;
}

async function ls(args: string[], io: CliIO): Promise<number> {
  expectPositionals(args, ['FILE (or - for stdin)'], usageOf('ls'));
  const file = args[0]!;
  const listing = await buildNarListing(await openNarInput(inputStream(file, io), file, (f) => `narwhal nar ls ${f}`));
  // The exact bytes Nix writes to `<hash>.ls` (no trailing newline), so `> x.ls` reproduces the file;
  // a newline only for a person at a terminal.
  const wait = writeChunk(io.stdout, encodeNarListing(listing));
  if (wait) await wait;
  if (isTerminal(io.stdout)) io.stdout.write('\n');
  return 0;
}

async function extract(args: string[], io: CliIO): Promise<number> {
  expectPositionals(args, ['FILE (or - for stdin)', 'DIR'], usageOf('extract'));
  const [file, dir] = args as [string, string];
  const target = nodePath.resolve(io.cwd, dir);
  const summary = await extractNar(await openNarInput(inputStream(file, io), file, (f) => `narwhal nar extract ${f} ${dir}`), target);
  const n = (count: number, one: string, many: string) => `${count} ${count === 1 ? one : many}`;
  writeLine(
    io.stderr,
    `extracted ${n(summary.files, 'file', 'files')} (${n(summary.bytes, 'byte', 'bytes')}), ` +
      `${n(summary.directories, 'directory', 'directories')} and ${n(summary.symlinks, 'symlink', 'symlinks')} into ${target}`,
  );
  return 0;
}

const subcommands: Record<string, (args: string[], io: CliIO) => Promise<number>> = { dump, ls, extract };

/** `narwhal nar dump|ls|extract ...`: NAR tools that need no Nix installation. */
export const nar: CliCommand = async (argv, io) => {
  const { values, positionals } = parseArgs({
    args: argv,
    options: { help: { type: 'boolean', short: 'h' } },
    allowPositionals: true,
    strict: true,
  });
  if (values.help) {
    writeLine(io.stdout, narUsage);
    return 0;
  }
  const [sub, ...rest] = positionals;
  if (sub === undefined || !Object.hasOwn(subcommands, sub)) throw subcommandError('nar', sub, narUsage);
  const run = subcommands[sub]!;
  try {
    return await run(rest, io);
  } catch (err) {
    if (err instanceof UsageError) throw err;
    return report(io, sub, err);
  }
};
