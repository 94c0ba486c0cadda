import { open, unlink } from 'node:fs/promises';
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { formatPublicKey, formatSecretKey, generateSecretKey, parseSecretKey } from '../../../shared/nix/keys';
import { KeyStore } from '../../services/keys/key-store';
import { plainFileBox } from '../../services/keys/secret-box';
import { resolveDataDir } from '../../services/settings/data-dir';
import type { CliCommand, CliIO } from '../io';
import { UsageError, expectPositionals, subcommandError, writeLine } from '../io';
import { describeIoError, isExpectedIoError } from '../io-errors';
import { signingKeyNamed } from '../named-key';
import { readAll } from '../read-input';

const generateUsage = 'usage: narwhal key generate --name NAME --out FILE';
const publicUsage = 'usage: narwhal key public < SECRET-KEY-FILE';
const exportUsage = 'usage: narwhal key export-secret --key-name NAME --out FILE [--data-dir DIR]';
const usage = [
  'usage: narwhal key generate --name NAME --out FILE                  a new signing key: the secret to FILE, the public key to stdout',
  '       narwhal key public < SECRET-KEY-FILE                         the public key of a secret key',
  "       narwhal key export-secret --key-name NAME --out FILE         the secret of a key of Narwhal's to FILE (0600), for nix copy",
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
  if (sub === 'export-secret') return exportSecret(rest, io);
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

/**
 * `narwhal key export-secret --key-name NAME --out FILE`: the secret of a key in Narwhal's key store,
 * written as `nix key generate-secret` would to a new file of mode 0600 (never overwriting one), so
 * `nix copy --to '…?secret-key=FILE'` can sign with it. The secret goes to the file only, never to
 * the terminal.
 */
async function exportSecret(argv: string[], io: CliIO): Promise<number> {
  const by = { by: 'narwhal key export-secret', usage: exportUsage };
  const { values, positionals } = parseArgs({ args: argv, options: { 'key-name': { type: 'string' }, out: { type: 'string' }, 'data-dir': { type: 'string' } }, allowPositionals: true });
  expectPositionals(positionals, [], by);
  const missing = [!values['key-name'] && '--key-name NAME', !values.out && '--out FILE'].filter(Boolean);
  if (missing.length) throw new UsageError(`missing ${missing.join(' and ')}`, by);
  const dataDir = resolveDataDir({ flag: values['data-dir'], env: io.env });
  const keys = new KeyStore(dataDir, plainFileBox);
  const info = await signingKeyNamed(keys, values['key-name']!, dataDir);
  const written = await keys.exportSecret(info.id, resolve(io.cwd, values.out!), io.env.HOME || undefined);
  writeLine(io.stderr, `Wrote the secret key ${info.name} to ${written} (mode 0600). Its public key: ${info.publicKey}`);
  return 0;
}
