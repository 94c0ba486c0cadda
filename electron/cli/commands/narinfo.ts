import { parseArgs } from 'node:util';
import { checkContentAddressed } from '../../../shared/nix/content-addressed-path';
import type { PublicKey } from '../../../shared/nix/keys';
import { parsePublicKey } from '../../../shared/nix/keys';
import { parseNarinfo } from '../../../shared/nix/narinfo';
import { verifyNarinfo } from '../../../shared/nix/signature';
import type { CliCommand } from '../io';
import { UsageError, expectPositionals, subcommandError, writeLine } from '../io';
import { describeIoError, isExpectedIoError } from '../io-errors';
import { inputStream, readAll } from '../read-input';

const usage = 'usage: narwhal narinfo verify FILE|- --trusted-key KEY [--trusted-key KEY ...]';

/**
 * `narwhal narinfo verify FILE --trusted-key KEY...`: exit 0 when Nix would accept the path from a
 * cache (a trusted key's valid signature, or a content address that gives the path itself, which Nix
 * trusts without any signature), 1 otherwise, saying why (unsigned, signed by keys not trusted, a
 * signature that does not verify, a content address that does not match).
 */
export const narinfo: CliCommand = async (argv, io) => {
  const [sub, ...rest] = argv;
  if (sub !== 'verify') throw subcommandError('narinfo', sub, usage);
  const by = { by: 'narwhal narinfo verify', usage };
  const { values, positionals } = parseArgs({ args: rest, options: { 'trusted-key': { type: 'string', multiple: true } }, allowPositionals: true });
  expectPositionals(positionals, ['FILE (or - for stdin)'], by);
  if (!values['trusted-key']?.length) throw new UsageError('missing --trusted-key KEY', by);
  const file = positionals[0]!;
  let trusted: PublicKey[];
  try {
    trusted = values['trusted-key'].flatMap((text) => text.split(/\s+/).filter(Boolean)).map(parsePublicKey);
  } catch (e) {
    throw new UsageError(`bad --trusted-key: ${(e as Error).message}`, by);
  }
  let text: string;
  try {
    text = (await readAll(inputStream(file, io.stdin), 1024 * 1024)).toString('utf8');
  } catch (e) {
    if (!isExpectedIoError(e)) throw e;
    writeLine(io.stderr, `narwhal narinfo verify: ${describeIoError(e)}`);
    return 1;
  }
  let info;
  try {
    info = parseNarinfo(text, { source: file === '-' ? 'stdin' : file });
  } catch (e) {
    writeLine(io.stderr, `narwhal narinfo verify: ${(e as Error).message}`);
    return 1;
  }
  // Nix checks this first (ValidPathInfo::checkSignatures): a path whose content address gives the
  // path itself is trusted by its hash, whatever its signatures say.
  const ca = checkContentAddressed(info);
  if (ca.status === 'content-addressed') {
    writeLine(io.stdout, `${info.storePath}: content-addressed (${info.ca}); Nix trusts it by its hash, no signature needed`);
    return 0;
  }
  const caNote = ca.status === 'mismatch' ? `; it claims to be content-addressed, but ${ca.reason}` : '';
  const verdict = verifyNarinfo(info, trusted);
  switch (verdict.status) {
    case 'valid':
      writeLine(io.stdout, `${info.storePath}: valid signature by ${verdict.keyName}`);
      return 0;
    case 'invalid': {
      const reason = verdict.signatures.find((s) => s.result === 'invalid')?.reason;
      writeLine(io.stderr, `${info.storePath}: the signature by ${verdict.keyName} is not valid${reason ? `: ${reason}` : ''}${caNote}`);
      return 1;
    }
    case 'untrusted':
      writeLine(io.stderr, `${info.storePath}: signed only by keys that are not trusted (${verdict.keyNames.join(', ')})${caNote}`);
      return 1;
    case 'unsigned':
      writeLine(
        io.stderr,
        caNote
          ? `${info.storePath}: not signed${caNote}; Nix will refuse to substitute it`
          : `${info.storePath}: not signed, and not content-addressed (no CA field); Nix will refuse to substitute it`,
      );
      return 1;
  }
};
