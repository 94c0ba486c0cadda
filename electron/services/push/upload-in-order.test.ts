import { setTimeout as sleep } from 'node:timers/promises';
import { describe, expect, it } from 'vitest';
import type { LocalPathInfo } from '../../../shared/nix/closure';
import { planPush } from '../../../shared/push/plan';
import { jobsFor, uploadInOrder } from './upload-in-order';

const path = (n: number) => `/nix/store/${String(n).padStart(32, '0').replace(/[eotu]/g, 'a')}-p${n}`;
/** A random DAG of `count` paths: each refers to some earlier ones. */
function randomClosure(count: number, seed: number): LocalPathInfo[] {
  let x = seed;
  const random = () => ((x = (x * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
  return Array.from({ length: count }, (_, i) => ({
    path: path(i),
    narHash: 'sha256:' + '0'.repeat(52),
    narSize: 1,
    references: Array.from({ length: i }, (_, j) => j).filter(() => random() < 0.3).map(path),
    deriver: null,
    signatures: [],
    ca: null,
    registrationTime: null,
    ultimate: null,
  }));
}

describe('uploadInOrder', () => {
  it.each([1, 2, 3, 4, 5])('writes each narinfo only after its NAR and its references\' narinfos (random DAG, seed %i)', async (seed) => {
    const closure = randomClosure(30, seed);
    const { toPush } = planPush(closure, new Set());
    const events: string[] = [];
    await uploadInOrder({
      paths: toPush,
      jobs: 4,
      uploadNar: async (info) => {
        await sleep((info.path.charCodeAt(info.path.length - 1) * seed) % 7);
        events.push(`nar ${info.path}`);
      },
      writeNarinfo: async (info) => {
        await sleep(seed % 3);
        events.push(`narinfo ${info.path}`);
      },
    });
    expect(events.filter((e) => e.startsWith('narinfo'))).toHaveLength(30);
    for (const info of closure) {
      const at = events.indexOf(`narinfo ${info.path}`);
      expect(events.indexOf(`nar ${info.path}`)).toBeLessThan(at);
      for (const ref of info.references) expect(events.indexOf(`narinfo ${ref}`)).toBeLessThan(at);
    }
  });

  it('stops taking paths after the first failure, lets the others finish, and throws that failure', async () => {
    const { toPush } = planPush(randomClosure(20, 9), new Set());
    const started: string[] = [];
    let inFlight = 0;
    let finished = 0;
    const failure = new Error('upload failed');
    await expect(
      uploadInOrder({
        paths: toPush,
        jobs: 3,
        uploadNar: async (info) => {
          started.push(info.path);
          inFlight += 1;
          await sleep(5);
          inFlight -= 1;
          finished += 1;
          if (finished === 2) throw failure;
        },
        writeNarinfo: async () => {},
      }),
    ).rejects.toBe(failure);
    expect(inFlight).toBe(0);
    // The 3 first, one more taken by the job that finished first; none after the failure.
    expect(started.length).toBeLessThanOrEqual(5);
    expect(started.length).toBeLessThan(toPush.length);
  });
});

describe('jobsFor', () => {
  it('is two more than the compression workers, with at most 8 compressing', () => {
    expect([1, 2, 4, 8, 64].map(jobsFor)).toEqual([3, 4, 6, 10, 10]);
  });
});
