import { randomBytes } from 'node:crypto';
import { open, readFile, rm } from 'node:fs/promises';
import { homedir } from 'node:os';
import { dirname, isAbsolute, join, resolve } from 'node:path';
import { z } from 'zod';
import { ApiError } from '../../../shared/api/errors';
import type { SecretKey } from '../../../shared/nix/keys';
import { formatPublicKey, formatSecretKey, generateSecretKey, parsePublicKey, parseSecretKey } from '../../../shared/nix/keys';
import { writeFileAtomic } from '../settings/atomic-file';
import { withFileQueue } from '../util/file-queue';
import type { SecretBox } from './secret-box';

const recordSchema = z.object({
  id: z.string().regex(/^k-[0-9a-f]{12}$/),
  name: z.string(),
  publicKey: z.string(),
  /** The file holding the (possibly encrypted) secret, if we have the secret half. */
  secretFile: z.string().regex(/^k-[0-9a-f]{12}\.sec(\.enc)?$/).optional(),
  origin: z.enum(['generated', 'imported']),
  createdAt: z.string(),
});
export type KeyRecord = z.output<typeof recordSchema>;
const fileSchema = z.object({ version: z.literal(1), keys: z.array(recordSchema) });

/** A key as the rest of the app may see it: never the secret. */
export interface KeyInfo {
  id: string;
  name: string;
  publicKey: string;
  hasSecret: boolean;
  /** False when the secret was sealed by a box this process cannot open (e.g. the desktop app's keychain). */
  secretAvailable: boolean;
  encrypted: boolean;
  origin: 'generated' | 'imported';
  createdAt: string;
}

/**
 * Runs a key parser or generator; its FormatError becomes an input error that says what was wrong.
 * `what` prefixes the message ("Not a Nix secret key: …"); without it the message stands alone,
 * as a key name's does (it already says "key name …", and the form names its field once).
 */
function explained<T>(what: string | undefined, make: () => T): T {
  try {
    return make();
  } catch (e) {
    const message = (e as Error).message;
    throw new ApiError('invalid-input', what ? `${what}: ${message}` : `${message.charAt(0).toUpperCase()}${message.slice(1)}.`);
  }
}

/** Where an exported secret may go: an absolute path (or one under `~/`), never a relative one whose meaning depends on the process. */
function exportTarget(path: string, home: string): string {
  const expanded = path === '~' || path.startsWith('~/') ? join(home, path.slice(1)) : path;
  if (!isAbsolute(expanded)) throw new ApiError('invalid-input', `Save the secret key to an absolute path (like ${join(home, 'key.sec')}), not "${path}".`);
  return resolve(expanded);
}

/**
 * The user's keys: signing keys (secret + public) and public keys to verify with, in
 * `<data>/keys/`. The index (`keys.json`) holds names and public keys; each secret is in its own file,
 * mode 0600, sealed by the SecretBox. Secrets leave this class only as SecretKey objects for signing
 * inside the main process.
 */
export class KeyStore {
  private readonly dir: string;
  private readonly indexPath: string;

  constructor(dataDir: string, private readonly box: SecretBox) {
    this.dir = join(dataDir, 'keys');
    this.indexPath = join(this.dir, 'keys.json');
  }

  get storage(): { encrypted: boolean; description: string } {
    return { encrypted: this.box.encrypted, description: this.box.description };
  }

  async list(): Promise<KeyInfo[]> {
    return (await this.load()).map((record) => this.info(record));
  }

  async generate(name: string): Promise<KeyInfo> {
    return this.addSecret(explained(undefined, () => generateSecretKey(name.trim())), 'generated');
  }

  async importSecret(text: string): Promise<KeyInfo> {
    return this.addSecret(explained('Not a Nix secret key', () => parseSecretKey(text.trim())), 'imported');
  }

  async importPublic(text: string): Promise<KeyInfo> {
    const key = explained('Not a Nix public key', () => parsePublicKey(text.trim()));
    return this.changeIndex(async (records) => {
      const publicKey = formatPublicKey(key);
      if (records.some((r) => r.publicKey === publicKey)) throw new ApiError('conflict', `The key ${key.name} is already in your keys.`);
      const record: KeyRecord = { id: this.newId(), name: key.name, publicKey, origin: 'imported', createdAt: new Date().toISOString() };
      await this.save([...records, record]);
      return this.info(record);
    });
  }

  async remove(id: string): Promise<void> {
    await this.changeIndex(async (records) => {
      const record = records.find((r) => r.id === id);
      if (!record) throw new ApiError('not-found', `No key with id ${id}.`);
      await this.save(records.filter((r) => r.id !== id));
      if (record.secretFile) await rm(join(this.dir, record.secretFile), { force: true });
    });
  }

  /** The secret half, for signing in this process only. */
  async secretKey(id: string): Promise<SecretKey> {
    const record = (await this.load()).find((r) => r.id === id);
    if (!record) throw new ApiError('not-found', `No key with id ${id}.`);
    if (!record.secretFile) throw new ApiError('invalid-input', `${record.name} is a public key only; it cannot sign.`);
    if (!this.canOpen(record)) throw new ApiError('access-denied', `The secret of ${record.name} is encrypted with the desktop app's keychain; sign from the desktop app.`);
    return parseSecretKey(this.box.open(await readFile(join(this.dir, record.secretFile))));
  }

  /**
   * Writes the secret key to a file of the user's choosing, as `nix key generate-secret` would
   * (`name:base64`), so they can keep a copy: mode 0600, created new (an existing file is never
   * overwritten), in a folder that must already exist. The secret goes from here to the file only;
   * the caller gets the path back, never the key. Returns the absolute path written.
   */
  async exportSecret(id: string, path: string, home: string = homedir()): Promise<string> {
    const target = exportTarget(path, home);
    const text = formatSecretKey(await this.secretKey(id));
    let file;
    try {
      // O_CREAT | O_EXCL: fails if anything (a file, a symlink) is already there.
      file = await open(target, 'wx', 0o600);
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      if (code === 'EEXIST') throw new ApiError('conflict', `${target} already exists; Narwhal never overwrites a file. Choose another name.`);
      if (code === 'ENOENT') throw new ApiError('not-found', `The folder ${dirname(target)} does not exist.`);
      if (code === 'ENOTDIR') throw new ApiError('invalid-input', `${dirname(target)} is not a folder.`);
      if (code === 'EISDIR') throw new ApiError('invalid-input', `${target} is a folder; give a file name.`);
      if (code === 'EACCES' || code === 'EPERM' || code === 'EROFS') throw new ApiError('access-denied', `Cannot write ${target}: permission denied.`);
      throw new ApiError('internal', `Cannot write ${target}: ${(e as Error).message}`);
    }
    try {
      await file.writeFile(text, 'utf8');
      await file.sync();
    } catch (e) {
      await file.close().catch(() => undefined);
      // A half-written key file is worse than none: it looks like a copy and is not.
      await rm(target, { force: true });
      throw new ApiError('internal', `Could not write ${target}: ${(e as Error).message}`);
    }
    await file.close();
    return target;
  }

  /** The file `nix copy --to ...?secret-key=FILE` can use, when the secret is stored in plain text. */
  secretKeyPath(info: KeyInfo): string | undefined {
    return info.hasSecret && !info.encrypted ? join(this.dir, `${info.id}.sec`) : undefined;
  }

  private async addSecret(secret: SecretKey, origin: KeyRecord['origin']): Promise<KeyInfo> {
    return this.changeIndex(async (records) => {
      const publicKey = formatPublicKey(secret.publicKey);
      const existing = records.find((r) => r.publicKey === publicKey);
      if (existing?.secretFile) throw new ApiError('conflict', `The key ${secret.name} is already in your keys.`);
      const id = existing?.id ?? this.newId();
      const secretFile = `${id}.sec${this.box.encrypted ? '.enc' : ''}`;
      // The secret first, then the index that points at it: a crash in between leaves an orphan file, never a dangling record.
      await writeFileAtomic(join(this.dir, secretFile), this.box.seal(formatSecretKey(secret)), 0o600);
      const record: KeyRecord = { id, name: secret.name, publicKey, secretFile, origin, createdAt: existing?.createdAt ?? new Date().toISOString() };
      try {
        await this.save(existing ? records.map((r) => (r.id === id ? record : r)) : [...records, record]);
      } catch (e) {
        // No index points at the secret we just wrote: do not leave it behind.
        await rm(join(this.dir, secretFile), { force: true });
        throw e;
      }
      return this.info(record);
    });
  }

  /**
   * A read-modify-write of keys.json, queued behind every other one of this file in the process, so
   * two keys added at once are both kept (each call reads the index the previous one wrote).
   */
  private changeIndex<T>(change: (records: KeyRecord[]) => Promise<T>): Promise<T> {
    return withFileQueue(this.indexPath, async () => change(await this.load()));
  }

  private canOpen(record: KeyRecord): boolean {
    return !record.secretFile || record.secretFile.endsWith('.enc') === this.box.encrypted;
  }

  private info(record: KeyRecord): KeyInfo {
    return {
      id: record.id,
      name: record.name,
      publicKey: record.publicKey,
      hasSecret: Boolean(record.secretFile),
      secretAvailable: Boolean(record.secretFile) && this.canOpen(record),
      encrypted: Boolean(record.secretFile?.endsWith('.enc')),
      origin: record.origin,
      createdAt: record.createdAt,
    };
  }

  private newId(): string {
    return `k-${randomBytes(6).toString('hex')}`;
  }

  private async load(): Promise<KeyRecord[]> {
    let text: string;
    try {
      text = await readFile(this.indexPath, 'utf8');
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ENOENT') return [];
      throw e;
    }
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch (e) {
      throw new ApiError('bad-format', `${this.indexPath} is damaged (${(e as Error).message}); fix or move it aside.`);
    }
    const parsed = fileSchema.safeParse(json);
    // Never rewrite an index we cannot read: it points at the user's secret keys.
    if (!parsed.success) throw new ApiError('bad-format', `${this.indexPath} is damaged (${parsed.error.issues[0]?.message}); fix or move it aside.`);
    return parsed.data.keys;
  }

  private async save(keys: KeyRecord[]): Promise<void> {
    await writeFileAtomic(this.indexPath, JSON.stringify({ version: 1, keys }, null, 2) + '\n', 0o600);
  }
}
