import { open } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import { formatPublicKey, formatSecretKey, generateSecretKey, parseSecretKey } from '../../../shared/nix/keys';
import type { CliCommand, CliIO } from '../io';
import { UsageError, writeLine } from '../io';
import { readAll } from '../read-input';

const usage = 'narwhal key generate --name NAME --out FILE | narwhal key public < SECRET';

/**
 * `narwhal key generate --name NAME --out FILE`: a new signing key; the secret goes to FILE (mode 0600,
 * never overwriting), the public key to stdout. `narwhal key public`: the public key of the secret key
 * on stdin (like `nix key convert-secret-to-public`).
 */
export const key: CliCommand = async (argv, io) => {
  const [sub, ...rest] = argv;
  if (sub === 'generate') return generate(rest, io);
  if (sub === 'public') return publicOf(rest, io);
  throw new UsageError(usage);
};

async function generate(argv: string[], io: CliIO): Promise<number> {
  const { values } = parseArgs({ args: argv, options: { name: { type: 'string' }, out: { type: 'string' } } });
  if (!values.name || !values.out) throw new UsageError('narwhal key generate --name NAME --out FILE');
  let secret;
  try {
    secret = generateSecretKey(values.name);
  } catch (e) {
    throw new UsageError(`bad key name: ${(e as Error).message}`);
  }
  let file;
  try {
    // 'wx': refuse to replace an existing key file, which may be the only copy of a key in use.
    file = await open(values.out, 'wx', 0o600);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'EEXIST') {
      writeLine(io.stderr, `narwhal key generate: ${values.out} already exists; not overwriting it.`);
      return 1;
    }
    throw e;
  }
  try {
    await file.writeFile(formatSecretKey(secret));
  } finally {
    await file.close();
  }
  writeLine(io.stdout, formatPublicKey(secret.publicKey));
  return 0;
}

async function publicOf(argv: string[], io: CliIO): Promise<number> {
  if (argv.length) throw new UsageError('narwhal key public < SECRET-KEY-FILE');
  const text = (await readAll(io.stdin, 64 * 1024)).toString('utf8');
  try {
    writeLine(io.stdout, formatPublicKey(parseSecretKey(text.trim()).publicKey));
  } catch (e) {
    writeLine(io.stderr, `narwhal key public: not a Nix secret key: ${(e as Error).message}`);
    return 1;
  }
  return 0;
}
