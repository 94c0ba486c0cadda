import { parseArgs } from 'node:util';
import type { PublicKey } from '../../../shared/nix/keys';
import { parsePublicKey } from '../../../shared/nix/keys';
import { parseNarinfo } from '../../../shared/nix/narinfo';
import { verifyNarinfo } from '../../../shared/nix/signature';
import type { CliCommand } from '../io';
import { UsageError, writeLine } from '../io';
import { inputStream, readAll } from '../read-input';

const usage = 'narwhal narinfo verify FILE|- --trusted-key KEY [--trusted-key KEY ...]';

/**
 * `narwhal narinfo verify FILE --trusted-key KEY...`: exit 0 when a trusted key's signature is valid,
 * 1 otherwise, saying why (unsigned, signed by keys not trusted, or a signature that does not verify).
 */
export const narinfo: CliCommand = async (argv, io) => {
  const [sub, ...rest] = argv;
  if (sub !== 'verify') throw new UsageError(usage);
  const { values, positionals } = parseArgs({ args: rest, options: { 'trusted-key': { type: 'string', multiple: true } }, allowPositionals: true });
  if (positionals.length !== 1 || !values['trusted-key']?.length) throw new UsageError(usage);
  const file = positionals[0]!;
  let trusted: PublicKey[];
  try {
    trusted = values['trusted-key'].flatMap((text) => text.split(/\s+/).filter(Boolean)).map(parsePublicKey);
  } catch (e) {
    throw new UsageError(`bad --trusted-key: ${(e as Error).message}`);
  }
  const text = (await readAll(inputStream(file, io.stdin), 1024 * 1024)).toString('utf8');
  let info;
  try {
    info = parseNarinfo(text, { source: file === '-' ? 'stdin' : file });
  } catch (e) {
    writeLine(io.stderr, `narwhal narinfo verify: ${(e as Error).message}`);
    return 1;
  }
  const verdict = verifyNarinfo(info, trusted);
  switch (verdict.status) {
    case 'valid':
      writeLine(io.stdout, `${info.storePath}: valid signature by ${verdict.keyName}`);
      return 0;
    case 'invalid': {
      const reason = verdict.signatures.find((s) => s.result === 'invalid')?.reason;
      writeLine(io.stderr, `${info.storePath}: the signature by ${verdict.keyName} is not valid${reason ? `: ${reason}` : ''}`);
      return 1;
    }
    case 'untrusted':
      writeLine(io.stderr, `${info.storePath}: signed only by keys that are not trusted (${verdict.keyNames.join(', ')})`);
      return 1;
    case 'unsigned':
      writeLine(io.stderr, `${info.storePath}: not signed (Nix will refuse to substitute it unless it is content-addressed)`);
      return 1;
  }
};
