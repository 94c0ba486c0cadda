import { mkdtemp, readdir, readFile, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { formatPublicKey, formatSecretKey, generateSecretKey, parseSecretKey } from '../../../shared/nix/keys';
import { startNarwhal } from '../narwhal';

/** Everything the page could ever receive: responses and pushed events, as the wire carries them. */
async function setup() {
  const dataDir = await mkdtemp(join(tmpdir(), 'narwhal-keys-'));
  const narwhal = await startNarwhal({ dataDir, shell: 'browser', env: { HOME: dataDir, NIX_CONF_DIR: join(dataDir, 'no-nix') } });
  const received: string[] = [];
  const connection = narwhal.server.connect((event) => received.push(JSON.stringify(event)));
  const call = async (channel: string, input?: unknown) => {
    const response = await connection.handle({ kind: 'call', channel, input });
    received.push(JSON.stringify(response));
    if (!response.ok) throw Object.assign(new Error(response.error.message), { code: response.error.code });
    return response.value as never;
  };
  return { dataDir, narwhal, call, received };
}

describe('keys through the API', () => {
  it('generates a key whose secret stays in a 0600 file and never crosses the API', async () => {
    const { dataDir, narwhal, call, received } = await setup();
    const key: { id: string; name: string; publicKey: string } = await call('keys.generate', { name: 'cache.example.org-1' });
    expect(key).toMatchObject({ name: 'cache.example.org-1', hasSecret: true, secretAvailable: true, encrypted: false, origin: 'generated' });
    const keyDir = join(dataDir, 'keys');
    const secretFile = join(keyDir, `${key.id}.sec`);
    expect((await stat(secretFile)).mode & 0o777).toBe(0o600);
    const secretText = await readFile(secretFile, 'utf8');
    const secret = parseSecretKey(secretText);
    expect(key.publicKey).toBe(formatPublicKey(secret.publicKey));

    const { caches } = await call('caches.list');
    await call('keys.list');
    await call('keys.trusted');
    const snippets: { copyCommand: string } = await call('keys.snippets', { cacheId: (caches as Array<{ id: string }>)[0]!.id, keyId: key.id });
    expect(snippets.copyCommand).toContain(`secret-key=${secretFile}`);

    const secretBase64 = secretText.split(':')[1]!;
    const seedBase64 = Buffer.from(secretBase64, 'base64').subarray(0, 32).toString('base64').slice(0, 40);
    const everything = received.join('\n');
    expect(everything).not.toContain(secretBase64);
    expect(everything).not.toContain(seedBase64);
    expect(everything).not.toContain(Buffer.from(secretBase64, 'base64').subarray(0, 32).toString('hex'));
    // …and yet the main process can sign with it.
    expect((await narwhal.keys.secretKey(key.id)).publicKey).toEqual(secret.publicKey);
    expect(await readdir(keyDir)).toEqual(expect.arrayContaining(['keys.json', `${key.id}.sec`]));
  });

  it('imports a secret key, deriving its public half, and refuses duplicates and junk', async () => {
    const { call, received } = await setup();
    const secret = generateSecretKey('imported-1');
    const text = formatSecretKey(secret);
    const responsesBefore = received.length;
    const key: { publicKey: string } = await call('keys.importSecret', { text: `${text}\n` });
    expect(key.publicKey).toBe(`imported-1:${Buffer.from(secret.publicKey.bytes).toString('base64')}`);
    expect(received.slice(responsesBefore).join('\n')).not.toContain(text.split(':')[1]);
    await expect(call('keys.importSecret', { text })).rejects.toMatchObject({ code: 'conflict' });
    await expect(call('keys.importSecret', { text: key.publicKey })).rejects.toThrow(/Not a Nix secret key: .*expected 64 \(this looks like a public key\)/);
    await expect(call('keys.importPublic', { text: 'x:abc' })).rejects.toMatchObject({ code: 'invalid-input' });
  });

  it('imports a public key to verify with, lists it as trusted, and deletes keys', async () => {
    const { call } = await setup();
    const pub: { id: string } = await call('keys.importPublic', { text: 'b-1:Akyk8TgiZG+q+FiOu5UNhwf4rAdJJhF7rATgqk7B9pY=' });
    expect(pub).toMatchObject({ hasSecret: false, secretAvailable: false });
    const trusted: { keys: Array<{ name: string; source: { where: string } }> } = await call('keys.trusted');
    expect(trusted.keys.map((k) => [k.name, k.source.where])).toEqual([
      ['b-1', 'Narwhal'],
      ['cache.nixos.org-1', 'Nix default'],
    ]);
    await call('keys.remove', { keyId: pub.id });
    expect(((await call('keys.list')) as { keys: unknown[] }).keys).toEqual([]);
    await expect(call('keys.remove', { keyId: pub.id })).rejects.toMatchObject({ code: 'not-found' });
  });
});
