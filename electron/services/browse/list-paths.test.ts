import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { FileStore } from '../stores/file-store';
import { resolveNames } from './list-paths';

const good = 'a'.repeat(32);
const huge = 'b'.repeat(32);

describe('resolveNames', () => {
  it('turns a narinfo too large to read into an error entry and still names the others', async () => {
    const root = await mkdtemp(join(tmpdir(), 'narwhal-names-'));
    await writeFile(join(root, `${good}.narinfo`), `StorePath: /nix/store/${good}-hello-2.12\nURL: nar/x.nar\nCompression: none\nNarHash: sha256:1b8m03r63zqhnjf7l5wnldhh7c134ap5vpj0850ymkq1iyzicy5s\nNarSize: 8\n`);
    await writeFile(join(root, `${huge}.narinfo`), Buffer.alloc(2 * 1024 * 1024, 'x'));
    const names = await resolveNames(new FileStore(root), [good, huge]);
    expect(names.get(good)).toEqual({ name: 'hello-2.12', storePath: `/nix/store/${good}-hello-2.12` });
    expect(names.get(huge)).toEqual({ error: expect.stringContaining('more than the 1 MiB a narinfo may be') });
  });
});
