import { describe, expect, it } from 'vitest';
import { addSample, compressionText, etaMs, formatBytes, formatEta, inCacheText, phaseText, ratesOf, storeName } from './figures';

describe('formatBytes', () => {
  it('writes decimal units with one decimal below ten', () => {
    expect(formatBytes(0)).toBe('0 B');
    expect(formatBytes(999)).toBe('999 B');
    expect(formatBytes(1000)).toBe('1.0 kB');
    expect(formatBytes(3_140_000)).toBe('3.1 MB');
    expect(formatBytes(9_960_000)).toBe('10 MB');
    expect(formatBytes(150_000_000)).toBe('150 MB');
    expect(formatBytes(2.5e12)).toBe('2.5 TB');
  });
});

describe('rates and ETA', () => {
  const at = (t: number, read: number, up: number) => ({ at: t, narBytesRead: read, fileBytesUploaded: up });

  it('measure over the last five seconds, keeping one sample before for the span', () => {
    let samples = [at(0, 0, 0)];
    for (let t = 1000; t <= 10_000; t += 1000) samples = addSample(samples, at(t, t * 10, t * 2));
    expect(samples[0]!.at).toBe(4000);
    expect(ratesOf(samples)).toEqual({ read: 10_000, upload: 2000 });
  });

  it('say nothing until half a second has passed, or when nothing is read', () => {
    expect(ratesOf([at(0, 0, 0)])).toBeUndefined();
    expect(ratesOf([at(0, 0, 0), at(200, 100, 0)])).toBeUndefined();
    expect(etaMs({ narBytesTotal: 100, narBytesRead: 0 }, { read: 0, upload: 0 })).toBeUndefined();
    expect(etaMs({ narBytesTotal: 100, narBytesRead: 0 }, undefined)).toBeUndefined();
  });

  it('estimate the time left from the read rate', () => {
    expect(etaMs({ narBytesTotal: 1_000_000, narBytesRead: 400_000 }, { read: 100_000, upload: 1 })).toBe(6000);
    expect(formatEta(6000)).toBe('about 6 s left');
    expect(formatEta(65_000)).toBe('about 1 min 05 s left');
    expect(formatEta(300)).toBe('less than a second left');
  });
});

describe('words', () => {
  it('say how much of the closure the cache has', () => {
    expect(inCacheText({ paths: 40, narSize: 150_000_000, inCache: { paths: 12, narSize: 3_100_000 } }, 'Local cache')).toBe(
      '12 of 40 paths, 3.1 MB of 150 MB already in Local cache',
    );
    expect(inCacheText({ paths: 1, narSize: 10, inCache: { paths: 0, narSize: 0 } }, 'x')).toBe('0 of 1 path, 0 B of 10 B already in x');
  });

  it('name the phase', () => {
    const p = { pathsTotal: 3, pathsDone: 1, narBytesTotal: 0, narBytesRead: 0, fileBytesUploaded: 0 };
    expect(phaseText({ ...p, phase: 'closure' }, 'c')).toMatch(/closure/);
    expect(phaseText({ ...p, phase: 'listing' }, 'c')).toBe('Seeing what c already has…');
    expect(phaseText({ ...p, phase: 'pushing' }, 'c')).toBe('Pushing 1 of 3 paths');
    expect(phaseText({ ...p, pathsTotal: 0, phase: 'pushing' }, 'c')).toBe('c already has every path');
  });

  it('give the compression ratio', () => {
    expect(compressionText(150_000_000, 37_500_000)).toBe('150 MB of NARs → 38 MB uploaded (25% of the original size)');
    expect(compressionText(0, 0)).toBe('nothing to upload');
  });

  it('take the name out of a store path', () => {
    expect(storeName('/nix/store/0123456789abcdfghijklmnpqrsvwxyz-hello-2.12')).toBe('hello-2.12');
    expect(storeName('/home/me/result')).toBe('result');
  });
});
