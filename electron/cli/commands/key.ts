import { open, unlink } from 'node:fs/promises';
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { formatPublicKey, formatSecretKey, generateSecretKey, parseSecretKey } from '../../../shared/nix/keys';
import type { CliCommand, CliIO } from '../io';
import { UsageError, expectPositionals, subcommandError, writeLine } from '../io';
import { describeIoError, isExpectedIoError } from '../io-errors';
import { readAll } from '../read-input';

const generateUsage = 'usage: narwhal key generate --name NAME --out FILE';
const publicUsage = 'usage: narwhal key public < SECRET-KEY-FILE';
const usage = [
  'usage: narwhal key generate --name NAME --out FILE   a new signing key: the secret to FILE, the public key to stdout',
  '       narwhal key public < SECRET-KEY-FILE          the public key of a secret key',
].join('\n');

/**
 * `narwhal key generate --name NAME --out FILE`: a new signing key; the secret goes to FILE (mode 0600,
 * never overwriting), the public key to stdout. `narwhal key public`: the public key of the secret key
 * on stdin (like `nix key convert-secret-to-public`).
 */
export const key: CliCommand = async (argv, io) => {
  const [sub, ...rest] = argv;
  if (sub === 'generate') return generate(rest, io);
  if (sub === 'public') return publicOf(rest, io);
  throw subcommandError('key', sub, usage);
};

async function generate(argv: string[], io: CliIO): Promise<number> {
  const by = { by: 'narwhal key generate', usage: generateUsage };
  const { values, positionals } = parseArgs({ args: argv, options: { name: { type: 'string' }, out: { type: 'string' } }, allowPositionals: true });
  expectPositionals(positionals, [], by);
  const missing = [!values.name && '--name NAME', !values.out && '--out FILE'].filter(Boolean);
  if (missing.length) throw new UsageError(`missing ${missing.join(' and ')}`, by);
  const out = values.out!;
  let secret;
  try {
    secret = generateSecretKey(values.name!);
  } catch (e) {
    throw new UsageError(`bad key name: ${(e as Error).message}`, by);
  }
  const target = resolve(io.cwd, out);
  let file;
  try {
    // 'wx': refuse to replace an existing key file, which may be the only copy of a key in use.
    file = await open(target, 'wx', 0o600);
  } catch (e) {
    if (!isExpectedIoError(e)) throw e;
    writeLine(io.stderr, `narwhal key generate: ${describeIoError(e, { path: out, action: 'write' })}`);
    return 1;
  }
  try {
    await file.writeFile(formatSecretKey(secret));
    await file.close();
  } catch (e) {
    // A half-written key file is worse than none: the next run would refuse to overwrite it.
    await file.close().catch(() => undefined);
    await unlink(target).catch(() => undefined);
    if (!isExpectedIoError(e)) throw e;
    writeLine(io.stderr, `narwhal key generate: ${describeIoError(e, { path: out, action: 'write' })}`);
    return 1;
  }
  writeLine(io.stdout, formatPublicKey(secret.publicKey));
  return 0;
}

async function publicOf(argv: string[], io: CliIO): Promise<number> {
  expectPositionals(argv, [], { by: 'narwhal key public', usage: publicUsage });
  const text = (await readAll(io.stdin, 64 * 1024)).toString('utf8');
  try {
    writeLine(io.stdout, formatPublicKey(parseSecretKey(text.trim()).publicKey));
  } catch (e) {
    writeLine(io.stderr, `narwhal key public: not a Nix secret key: ${(e as Error).message}`);
    return 1;
  }
  return 0;
}
