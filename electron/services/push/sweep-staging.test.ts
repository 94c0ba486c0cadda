import { spawnSync } from 'node:child_process';
import { mkdir, mkdtemp, readdir, utimes, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { sweepStaleStaging } from './push';

describe('sweepStaleStaging', () => {
  it('removes the staging folders of pushes whose process is gone, and only those, once a minute old', async () => {
    const parent = await mkdtemp(join(tmpdir(), 'narwhal-sweep-'));
    // A pid that was a process and is no more.
    const dead = spawnSync(process.execPath, ['-e', '0']).pid;
    const old = new Date(Date.now() - 5 * 60_000);
    const make = async (name: string, mtime?: Date) => {
      await mkdir(join(parent, name));
      await writeFile(join(parent, name, 'x.nar.part'), 'partial');
      if (mtime) await utimes(join(parent, name), mtime, mtime);
    };
    await make(`narwhal-push-${dead}-killed`, old);
    await make(`narwhal-push-${dead}-recent`); // just changed: maybe a live push in another pid namespace
    await make(`narwhal-push-${process.pid}-mine`, old);
    await make(`narwhal-push-1-init`, old); // pid 1 is alive
    await make('narwhal-push-legacy', old); // no pid: not ours to judge
    await make('something-else', old);

    await sweepStaleStaging(parent);
    expect((await readdir(parent)).sort()).toEqual([`narwhal-push-${dead}-recent`, `narwhal-push-${process.pid}-mine`, 'narwhal-push-1-init', 'narwhal-push-legacy', 'something-else'].sort());
  });
});
