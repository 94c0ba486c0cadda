import { randomBytes } from 'node:crypto';
import { mkdtemp, writeFile } from 'node:fs/promises';
import type { Server } from 'node:http';
import { createServer as createHttpServer } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { createServer as createTcpServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ListMultipartUploadsCommand, ListPartsCommand, PutObjectCommand } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { firstFaults, notImplemented, slowDown, startFaultProxy } from '../../../scripts/testbed/fault-proxy';
import type { FaultProxy } from '../../../scripts/testbed/fault-proxy';
import { injectRgw } from '../../../scripts/testbed/inject';
import { createBucket, s3Client, uniqueBucketName } from '../../../scripts/testbed/s3';
import type { S3Config } from '../../../shared/caches/config';
import { S3BucketAdmin } from './s3-bucket-admin';
import { S3Store } from './s3-store';

const rgw = injectRgw();
const host = rgw.endpoint.replace(/^http:\/\//, '');
const env = { AWS_ACCESS_KEY_ID: rgw.admin.accessKeyId, AWS_SECRET_ACCESS_KEY: rgw.admin.secretAccessKey, AWS_EC2_METADATA_DISABLED: 'true', HOME: tmpdir() };
/** Short deadlines and back-off so fault tests take milliseconds, not the minutes users are given. */
const fast = { deadlineMs: 3_000, baseDelayMs: 5, maxDelayMs: 40, maxAttempts: 5, maxTotalMs: 20_000 };
const MiB = 1024 * 1024;

const config = (bucket: string, endpoint = host, settings: [string, string][] = []): S3Config => ({ kind: 's3', bucket, endpoint, scheme: 'http', region: 'us-east-1', settings });
const opened: S3Store[] = [];
function store(bucket: string, options: { endpoint?: string; settings?: [string, string][]; env?: NodeJS.ProcessEnv; retry?: Partial<typeof fast> } = {}) {
  const s = new S3Store(config(bucket, options.endpoint, options.settings), options.env ?? env, { retry: { ...fast, ...options.retry } });
  opened.push(s);
  return s;
}
const admin = s3Client(rgw);
afterAll(() => {
  opened.forEach((s) => s.close());
  admin.destroy();
});

async function listen(server: Server | ReturnType<typeof createTcpServer>): Promise<string> {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return `127.0.0.1:${(server.address() as AddressInfo).port}`;
}

async function* chunks(total: number, chunk = MiB, seed = 7): AsyncIterable<Uint8Array> {
  for (let sent = 0; sent < total; sent += chunk) yield Buffer.alloc(Math.min(chunk, total - sent), (sent / chunk + seed) % 251);
}

let bucket: string;
beforeAll(async () => {
  bucket = await createBucket(rgw, uniqueBucketName('store'));
});

describe('S3Store bounded reads', () => {
  it('refuses a narinfo larger than 1 MiB, saying how large it is, and reads a small one', async () => {
    await admin.send(new PutObjectCommand({ Bucket: bucket, Key: `${'a'.repeat(32)}.narinfo`, Body: Buffer.alloc(2 * MiB, 'x') }));
    await admin.send(new PutObjectCommand({ Bucket: bucket, Key: `${'b'.repeat(32)}.narinfo`, Body: 'StorePath: /nix/store/x\n' }));
    const s = store(bucket);
    await expect(s.get(`${'a'.repeat(32)}.narinfo`)).rejects.toMatchObject({
      code: 'bad-format',
      message: `${'a'.repeat(32)}.narinfo of ${s.description} is ${2 * MiB} bytes, more than the 1 MiB a narinfo may be; Narwhal did not read it.`,
    });
    expect(Buffer.from((await s.get(`${'b'.repeat(32)}.narinfo`))!).toString()).toBe('StorePath: /nix/store/x\n');
    // The cap is an option; other keys (NARs) have none unless asked.
    await expect(s.get(`${'b'.repeat(32)}.narinfo`, { maxBytes: 10 })).rejects.toMatchObject({ code: 'bad-format' });
  });
});

describe('S3Store deadlines', () => {
  it('fails with "no answer" when a server accepts the connection and never answers, and a cancel stays a cancel', async () => {
    const sockets = new Set<Socket>();
    const silent = createTcpServer((socket) => sockets.add(socket));
    const endpoint = await listen(silent);
    try {
      const s = store('silent-bucket', { endpoint, retry: { deadlineMs: 500 } });
      const started = Date.now();
      await expect(s.get('nix-cache-info')).rejects.toMatchObject({ code: 'unreachable', message: expect.stringMatching(new RegExp(`^No answer from http://${endpoint} within 0.5 s`)) });
      await expect(s.ensureExists()).rejects.toMatchObject({ code: 'unreachable', message: expect.stringContaining('No answer') });
      expect(Date.now() - started).toBeLessThan(5_000);
      const controller = new AbortController();
      setTimeout(() => controller.abort(), 100);
      await expect(store('silent-bucket', { endpoint, retry: { deadlineMs: 10_000 } }).get('nix-cache-info', { signal: controller.signal })).rejects.toMatchObject({ name: 'AbortError' });
    } finally {
      sockets.forEach((socket) => socket.destroy());
      silent.close();
    }
  });
});

describe('S3Store streaming reads', () => {
  it('fails a download that stops sending mid-body with "stopped sending", and a cancel stays a cancel', async () => {
    // Answers like S3 (request id, length 1 MB), sends 64 KiB of the body, then nothing.
    const sockets = new Set<Socket>();
    const stalling = createTcpServer((socket) => {
      sockets.add(socket);
      socket.once('data', () => {
        socket.write('HTTP/1.1 200 OK\r\nContent-Length: 1000000\r\nContent-Type: application/x-nix-nar\r\nx-amz-request-id: tx1\r\n\r\n');
        socket.write(Buffer.alloc(64 * 1024, 'n'));
      });
      socket.on('error', () => {});
    });
    const endpoint = await listen(stalling);
    try {
      const s = store('stalling-bucket', { endpoint, retry: { deadlineMs: 400 } });
      let received = 0;
      const started = Date.now();
      const read = async (body: AsyncIterable<Uint8Array>) => {
        for await (const chunk of body) received += chunk.byteLength;
      };
      await expect(read((await s.getStream('nar/x.nar'))!)).rejects.toMatchObject({
        code: 'unreachable',
        message: `http://${endpoint} stopped sending nar/x.nar of bucket "stalling-bucket" for 0.4 s in the middle of it.`,
      });
      expect(received).toBe(64 * 1024);
      expect(Date.now() - started).toBeLessThan(5_000);
      const controller = new AbortController();
      const body = (await store('stalling-bucket', { endpoint, retry: { deadlineMs: 10_000 } }).getStream('nar/x.nar', { signal: controller.signal }))!;
      setTimeout(() => controller.abort(), 100);
      await expect(read(body)).rejects.toMatchObject({ name: 'AbortError' });
    } finally {
      sockets.forEach((socket) => socket.destroy());
      stalling.close();
    }
  });
});

describe('S3Store retries through a fault-injecting proxy', () => {
  let proxy: FaultProxy;
  beforeAll(async () => {
    proxy = await startFaultProxy(rgw.endpoint);
  });
  afterAll(() => proxy.close());

  it('GET, PUT and list succeed after injected 503 SlowDown answers and dropped connections', async () => {
    const s = store(bucket, { endpoint: proxy.endpoint });
    const mixed = (n: number) => (n % 2 === 1 ? slowDown : 'drop');
    proxy.setDecide(firstFaults(4, mixed));
    const before = proxy.requests;
    await s.put('retried/object', 'survived', 'text/plain');
    expect(proxy.requests - before).toBe(5);
    proxy.setDecide(firstFaults(3, mixed));
    expect(Buffer.from((await s.get('retried/object'))!).toString()).toBe('survived');
    proxy.setDecide(firstFaults(4, mixed));
    const listed = [];
    for await (const page of s.list({ prefix: 'retried/' })) listed.push(...page.map((o) => o.key));
    expect(listed).toEqual(['retried/object']);
    expect(proxy.faults).toBe(11);
  });

  it('gives up after its attempts with a clear "throttling" message', async () => {
    const s = store(bucket, { endpoint: proxy.endpoint, retry: { maxAttempts: 3 } });
    proxy.setDecide(() => slowDown);
    const before = proxy.requests;
    await expect(s.get('nix-cache-info')).rejects.toMatchObject({
      code: 'throttled',
      message: `http://${proxy.endpoint} is throttling requests to bucket "${bucket}" at http://${proxy.endpoint} (SlowDown, HTTP 503) (3 attempts), and still was after backing off. Try again later, or with fewer requests at once.`,
    });
    expect(proxy.requests - before).toBe(3);
    proxy.setDecide(() => 'drop');
    await expect(s.put('never', 'x', 'text/plain')).rejects.toMatchObject({ code: 'unreachable', message: expect.stringContaining('(3 attempts)') });
  });

  it('stops retrying at once when the caller aborts during the back-off', async () => {
    const s = store(bucket, { endpoint: proxy.endpoint, retry: { baseDelayMs: 60_000, maxDelayMs: 60_000, maxTotalMs: 600_000 } });
    proxy.setDecide(() => slowDown);
    const controller = new AbortController();
    const before = proxy.requests;
    const started = Date.now();
    const get = s.get('nix-cache-info', { signal: controller.signal });
    setTimeout(() => controller.abort(), 300);
    await expect(get).rejects.toMatchObject({ name: 'AbortError' });
    expect(Date.now() - started).toBeLessThan(5_000);
    // Only the first attempt and possibly one more before the abort (a back-off can draw near 0).
    expect(proxy.requests - before).toBeLessThanOrEqual(2);
  });

  it('says "not implemented" apart from "no policy yet" for bucket policies and lifecycle rules', async () => {
    proxy.setDecide((req) => (/[?&](policy|lifecycle)(=|&|$)/.test(req.url ?? '') ? notImplemented : 'pass'));
    const bucketAdmin = new S3BucketAdmin(store(bucket, { endpoint: proxy.endpoint }));
    expect(await bucketAdmin.getPolicy()).toMatchObject({ state: 'unsupported', message: expect.stringContaining('does not offer bucket policies') });
    expect(await bucketAdmin.getLifecycle()).toMatchObject({ state: 'unsupported' });
    await expect(bucketAdmin.putPolicy('{}')).rejects.toMatchObject({ message: expect.stringContaining('does not offer bucket policies') });
    proxy.setDecide(() => 'pass');
  });
});

describe('S3Store streaming puts', () => {
  it('uploads a 12 MiB stream in 5 MiB parts (buffer-size) and reads it back byte-identical', async () => {
    const s = store(bucket, { settings: [['buffer-size', String(5 * MiB)]] });
    await s.put('nar/big.nar', chunks(12 * MiB), 'application/x-nix-nar');
    const back = await s.get('nar/big.nar');
    const parts: Uint8Array[] = [];
    for await (const part of chunks(12 * MiB)) parts.push(part);
    const expected = Buffer.concat(parts);
    expect(back!.byteLength).toBe(12 * MiB);
    expect(Buffer.compare(Buffer.from(back!), expected)).toBe(0);
    // A multipart ETag is "<md5 of the part md5s>-<parts>".
    expect(await s.head('nar/big.nar')).toMatchObject({ key: 'nar/big.nar', size: 12 * MiB, etag: expect.stringMatching(/-3"$/) });
    // And streamed back, chunk by chunk, without the whole object in one buffer.
    const streamed: Uint8Array[] = [];
    for await (const chunk of (await s.getStream('nar/big.nar'))!) {
      expect(chunk.byteLength).toBeLessThan(12 * MiB);
      streamed.push(chunk);
    }
    expect(Buffer.compare(Buffer.concat(streamed), expected)).toBe(0);
    expect(await s.getStream('nar/missing.nar')).toBeNull();
  });

  it('refuses a buffer-size below S3\'s 5 MiB part minimum', async () => {
    await expect(store(bucket, { settings: [['buffer-size', '1000']] }).put('nar/small-parts', chunks(MiB), 'application/x-nix-nar')).rejects.toMatchObject({
      code: 'invalid-input',
      message: expect.stringContaining('at least 5242880'),
    });
  });

  it('leaves no object and no pending multipart upload when cancelled mid-upload', async () => {
    const s = store(bucket);
    const controller = new AbortController();
    // 6 MiB, then a source that stalls: one part goes up, the second never completes.
    async function* stalling(): AsyncIterable<Uint8Array> {
      yield* chunks(6 * MiB);
      await new Promise(() => {});
    }
    const put = s.put('nar/cancelled.nar', stalling(), 'application/x-nix-nar', { signal: controller.signal });
    put.catch(() => {});
    const partUploaded = async () => {
      for (;;) {
        const uploads = await admin.send(new ListMultipartUploadsCommand({ Bucket: bucket, Prefix: 'nar/cancelled.nar' }));
        const upload = uploads.Uploads?.[0];
        if (upload) {
          const parts = await admin.send(new ListPartsCommand({ Bucket: bucket, Key: upload.Key, UploadId: upload.UploadId }));
          if ((parts.Parts ?? []).length > 0) return;
        }
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
    };
    await partUploaded();
    controller.abort();
    await expect(put).rejects.toMatchObject({ name: 'AbortError' });
    expect(await s.head('nar/cancelled.nar')).toBeNull();
    const uploads = await admin.send(new ListMultipartUploadsCommand({ Bucket: bucket }));
    expect(uploads.Uploads ?? []).toEqual([]);
  });
});

describe('S3Store.putFile (staged NARs)', () => {
  let proxy: FaultProxy;
  let dir: string;
  let onHold: (() => void) | undefined;
  beforeAll(async () => {
    proxy = await startFaultProxy(rgw.endpoint, { onHold: () => onHold?.() });
    dir = await mkdtemp(join(tmpdir(), 'narwhal-putfile-'));
  });
  afterAll(() => proxy.close());

  async function file(name: string, bytes: Buffer): Promise<string> {
    const path = join(dir, name);
    await writeFile(path, bytes);
    return path;
  }
  const partOf = (req: { url?: string }) => Number(/[?&]partNumber=(\d+)/.exec(req.url ?? '')?.[1] ?? 0);
  async function pendingUploads(prefix: string) {
    return (await admin.send(new ListMultipartUploadsCommand({ Bucket: bucket, Prefix: prefix }))).Uploads ?? [];
  }

  it('puts a file of one part or less as one object, and a larger one in buffer-size parts, byte-identical', async () => {
    const s = store(bucket);
    for (const size of [1, 5 * MiB]) {
      const bytes = randomBytes(size);
      await s.putFile(`nar/one-${size}.nar`, await file(`one-${size}`, bytes), size, 'application/x-nix-nar');
      expect(Buffer.from((await s.get(`nar/one-${size}.nar`))!).equals(bytes)).toBe(true);
      expect((await s.head(`nar/one-${size}.nar`))!.etag).not.toContain('-');
    }
    const big = randomBytes(12 * MiB + 3);
    await s.putFile('nar/parts.nar', await file('parts', big), big.length, 'application/x-nix-nar');
    expect(Buffer.from((await s.get('nar/parts.nar'))!).equals(big)).toBe(true);
    expect(await s.head('nar/parts.nar')).toMatchObject({ size: big.length, etag: expect.stringMatching(/-3"$/) });
    const sixMiBParts = store(bucket, { settings: [['buffer-size', String(6 * MiB)]] });
    await sixMiBParts.putFile('nar/parts6.nar', await file('parts6', big), big.length, 'application/x-nix-nar');
    expect(Buffer.from((await s.get('nar/parts6.nar'))!).equals(big)).toBe(true);
    expect((await s.head('nar/parts6.nar'))!.etag).toMatch(/-3"$/);
  });

  it('retries failed parts from the same bytes: dropped connections and SlowDown mid-upload leave a byte-identical object', async () => {
    const s = store(bucket, { endpoint: proxy.endpoint });
    const bytes = randomBytes(17 * MiB);
    let faults = 0;
    const faulted = new Set<number>();
    proxy.setDecide((req) => {
      const part = partOf(req);
      if (part === 0 || faulted.has(part)) return 'pass';
      faulted.add(part);
      faults += 1;
      return part % 2 === 0 ? 'drop' : slowDown;
    });
    try {
      await s.putFile('nar/retried.nar', await file('retried', bytes), bytes.length, 'application/x-nix-nar');
    } finally {
      proxy.setDecide(() => 'pass');
    }
    expect(faults).toBe(4);
    expect(Buffer.from((await s.get('nar/retried.nar'))!).equals(bytes)).toBe(true);
    expect(await pendingUploads('nar/retried.nar')).toEqual([]);
  });

  it('refuses a file whose size is not the one given, before sending anything', async () => {
    const s = store(bucket, { endpoint: proxy.endpoint });
    const path = await file('changed', randomBytes(6 * MiB));
    const before = proxy.requests;
    await expect(s.putFile('nar/changed.nar', path, 6 * MiB + 1, 'application/x-nix-nar')).rejects.toMatchObject({
      message: `${path} holds ${6 * MiB} bytes, not the ${6 * MiB + 1} it should: it was changed after it was written, and is not uploaded.`,
    });
    expect(proxy.requests).toBe(before);
    expect(await s.head('nar/changed.nar')).toBeNull();
  });

  it('leaves no object and no pending multipart upload when cancelled while a part is on its way', async () => {
    const s = store(bucket, { endpoint: proxy.endpoint });
    const controller = new AbortController();
    proxy.setDecide((req) => (partOf(req) === 2 ? 'hold' : 'pass'));
    onHold = () => controller.abort();
    try {
      const bytes = randomBytes(11 * MiB);
      await expect(s.putFile('nar/cancelled-file.nar', await file('cancelled', bytes), bytes.length, 'application/x-nix-nar', { signal: controller.signal })).rejects.toMatchObject({ name: 'AbortError' });
    } finally {
      onHold = undefined;
      proxy.setDecide(() => 'pass');
    }
    expect(await s.head('nar/cancelled-file.nar')).toBeNull();
    expect(await pendingUploads('nar/cancelled-file.nar')).toEqual([]);
  });
});

describe('S3Store head, delete, list', () => {
  it('heads, lists with prefix and delimiter, deletes one and many (more than one DeleteObjects batch)', async () => {
    const b = await createBucket(rgw, uniqueBucketName('ops'));
    const s = store(b);
    expect(await s.head('nothing-here')).toBeNull();
    await s.put('nix-cache-info', 'StoreDir: /nix/store\n', 'text/x-nix-cache-info');
    await s.put('nar/one.nar', randomBytes(100), 'application/x-nix-nar');
    const head = await s.head('nix-cache-info');
    expect(head).toMatchObject({ key: 'nix-cache-info', size: 21, etag: expect.stringMatching(/^"[0-9a-f]{32}"$/) });
    expect(head!.lastModified).toBeInstanceOf(Date);

    const keys = Array.from({ length: 1005 }, (_, i) => `many/${String(i).padStart(4, '0')}`);
    const queue = [...keys];
    await Promise.all(Array.from({ length: 16 }, async () => {
      for (let key = queue.shift(); key; key = queue.shift()) await s.put(key, key, 'text/plain');
    }));
    const pages: number[] = [];
    const listed: string[] = [];
    for await (const page of s.list({ prefix: 'many/' })) {
      pages.push(page.length);
      listed.push(...page.map((o) => o.key));
    }
    expect(pages).toEqual([1000, 5]);
    expect(listed).toEqual(keys);
    const top = [];
    for await (const page of s.list({ delimiter: '/' })) top.push(...page);
    expect(top.map((o) => o.key)).toEqual(['nix-cache-info']);
    expect(top[0]).toMatchObject({ size: 21, etag: head!.etag });
    const topLevel = [];
    for await (const page of s.listTopLevel()) topLevel.push(...page);
    expect(topLevel).toEqual(['nix-cache-info']);

    await s.delete('nar/one.nar');
    await s.delete('nar/one.nar'); // again: not an error
    expect(await s.head('nar/one.nar')).toBeNull();
    await s.deleteMany(keys);
    const left = [];
    for await (const page of s.list()) left.push(...page.map((o) => o.key));
    expect(left).toEqual(['nix-cache-info']);
  });
});

describe('S3BucketAdmin against RGW', () => {
  it('tells "no policy yet" from a policy, and reads back the lifecycle rules it wrote', async () => {
    const b = await createBucket(rgw, uniqueBucketName('admin'));
    const bucketAdmin = new S3BucketAdmin(store(b));
    expect(await bucketAdmin.getPolicy()).toEqual({ state: 'none' });
    const policy = { Version: '2012-10-17', Statement: [{ Sid: 'PublicRead', Effect: 'Allow', Principal: '*', Action: ['s3:GetObject'], Resource: [`arn:aws:s3:::${b}/*`] }] };
    await bucketAdmin.putPolicy(JSON.stringify(policy));
    const got = await bucketAdmin.getPolicy();
    expect(got.state).toBe('set');
    expect(JSON.parse((got as { value: string }).value)).toMatchObject({ Statement: [{ Sid: 'PublicRead', Effect: 'Allow' }] });
    await bucketAdmin.deletePolicy();
    expect(await bucketAdmin.getPolicy()).toEqual({ state: 'none' });

    expect(await bucketAdmin.getLifecycle()).toEqual({ state: 'none' });
    await bucketAdmin.putLifecycle([{ ID: 'expire-logs', Status: 'Enabled', Filter: { Prefix: 'log/' }, Expiration: { Days: 30 } }]);
    expect(await bucketAdmin.getLifecycle()).toMatchObject({ state: 'set', value: [{ ID: 'expire-logs', Status: 'Enabled', Expiration: { Days: 30 } }] });
  });
});

describe('S3 error mapping against real servers', () => {
  it('ensureExists (Initialise) with a wrong secret says the credentials were rejected, not "access denied"', async () => {
    const wrong = { ...env, AWS_SECRET_ACCESS_KEY: 'not-the-secret' };
    await expect(store(bucket, { env: wrong }).ensureExists()).rejects.toMatchObject({ code: 'bad-credentials', message: expect.stringContaining('the secret key is wrong') });
    await expect(store(uniqueBucketName('never-made'), { env: wrong }).ensureExists()).rejects.toMatchObject({ code: 'bad-credentials' });
    await expect(store(bucket, { env: wrong }).head('nix-cache-info')).rejects.toMatchObject({ code: 'bad-credentials' });
    // Another user's bucket stays "access denied".
    const other = await rgw.createUser(`other-${Date.now()}`);
    await expect(store(bucket, { env: { ...env, AWS_ACCESS_KEY_ID: other.accessKeyId, AWS_SECRET_ACCESS_KEY: other.secretAccessKey } }).ensureExists()).rejects.toMatchObject({ code: 'access-denied' });
  });

  it('says an ordinary web server does not speak S3, for an HTML page and for an empty 404', async () => {
    const html = createHttpServer((req, res) => {
      res.writeHead(req.method === 'GET' && req.url === '/' ? 200 : 404, { 'content-type': 'text/html' });
      res.end('<!doctype html><html><head><meta charset="utf-8"><title>Welcome</title></head><body><p>It works</body></html>');
    });
    const everything200 = createHttpServer((_req, res) => {
      res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
      res.end('<!doctype html><title>Single-page app</title>');
    });
    const empty404 = createHttpServer((_req, res) => {
      res.writeHead(404);
      res.end();
    });
    const htmlAt = await listen(html);
    const emptyAt = await listen(empty404);
    const everythingAt = await listen(everything200);
    try {
      await expect(store('cache', { endpoint: htmlAt }).get('nix-cache-info')).rejects.toMatchObject({ code: 'not-s3', message: `http://${htmlAt} does not speak S3: it answered with an HTML page (HTTP 404). Check the endpoint: it should be the S3 API's address, not a web page.` });
      await expect(store('cache', { endpoint: htmlAt }).ensureExists()).rejects.toMatchObject({ code: 'not-s3' });
      await expect(store('cache', { endpoint: emptyAt }).get('nix-cache-info')).rejects.toMatchObject({ code: 'not-s3', message: expect.stringContaining('it answered an empty 404, where an S3 server names the missing key or bucket') });
      await expect(store('cache', { endpoint: everythingAt }).get('nix-cache-info')).rejects.toMatchObject({ code: 'not-s3', message: expect.stringContaining('it answered the GET of nix-cache-info with an HTML page') });
      // RGW's 404 for a missing key is S3's: the object is simply missing.
      expect(await store(bucket).get('no/such/key')).toBeNull();
    } finally {
      html.close();
      empty404.close();
      everything200.close();
    }
  });

  it('names a profile that does not exist instead of "No AWS credentials found"', async () => {
    const home = await mkdtemp(join(tmpdir(), 'narwhal-profiles-'));
    await writeFile(join(home, 'credentials'), `[real]\naws_access_key_id = ${rgw.admin.accessKeyId}\naws_secret_access_key = ${rgw.admin.secretAccessKey}\n`);
    const profileEnv = { HOME: home, AWS_SHARED_CREDENTIALS_FILE: join(home, 'credentials'), AWS_CONFIG_FILE: join(home, 'config'), AWS_EC2_METADATA_DISABLED: 'true' };
    const withProfile = (profile: string) => {
      const s = new S3Store({ ...config(bucket), profile }, profileEnv, { retry: fast });
      opened.push(s);
      return s;
    };
    await expect(withProfile('relea').get('nix-cache-info')).rejects.toMatchObject({
      code: 'no-credentials',
      message: `AWS profile "relea" not found in ${join(home, 'config')} or ${join(home, 'credentials')} (profiles there: real).`,
    });
    await expect(withProfile('real').head('nix-cache-info')).resolves.toBeNull();
  });
});
