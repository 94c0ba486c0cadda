import { describe, expect, it } from 'vitest';
import { BridgeModelError, crossBridge, exposeAcrossModel } from './context-bridge-model';

describe('the contextBridge model', () => {
  it('copies plain data and freezes the copy', () => {
    const original = { a: 1, b: ['x', { c: true }], d: null, e: undefined };
    const copy = crossBridge(original) as typeof original;
    expect(copy).toEqual(original);
    expect(copy).not.toBe(original);
    expect(Object.isFrozen(copy)).toBe(true);
    expect(Object.isFrozen(copy.b)).toBe(true);
    expect(() => {
      (copy as { a: number }).a = 2;
    }).toThrow(TypeError);
  });

  it('refuses an AbortSignal, a Map and other class instances, saying where', () => {
    expect(() => crossBridge({ options: { signal: new AbortController().signal } }, 'listPaths')).toThrow(
      new BridgeModelError('listPaths.options.signal: a AbortSignal would cross contextBridge as a plain copy without its methods (or as an empty object); pass plain data, a function or an id instead.'),
    );
    expect(() => crossBridge(new Map())).toThrow(BridgeModelError);
    class Handle {
      cancel() {}
    }
    expect(() => crossBridge([new Handle()])).toThrow(/value\[0\]: a Handle/);
    expect(() => crossBridge(Symbol('s'))).toThrow(/Symbol/);
  });

  it('proxies promises only as a return value or an argument of their own', async () => {
    await expect(crossBridge(Promise.resolve({ ok: 1 }), 'r', 'return value') as Promise<unknown>).resolves.toEqual({ ok: 1 });
    expect(() => crossBridge({ id: 'job-1', result: Promise.resolve(1) })).toThrow(/value\.result: a Promise inside an object/);
  });

  it('copies errors with their message only', async () => {
    const error = Object.assign(new Error('No such key'), { code: 'not-found' });
    const copy = crossBridge(error) as Error & { code?: string };
    expect(copy.message).toBe('No such key');
    expect(copy.code).toBeUndefined();
    const fn = crossBridge(() => Promise.reject(error)) as () => Promise<unknown>;
    await expect(fn()).rejects.toSatisfy((e: Error & { code?: string }) => e.message === 'No such key' && e.code === undefined);
    const thrower = crossBridge(() => {
      throw error;
    }) as () => unknown;
    expect(() => thrower()).toThrow(expect.objectContaining({ message: 'No such key' }));
  });

  it('proxies functions both ways, checking their arguments and results', () => {
    const seen: unknown[] = [];
    const api = exposeAcrossModel({
      group: {
        on: (listener: (payload: unknown) => void) => {
          listener({ hello: 'page' });
          return () => seen.push('off');
        },
        take: (value: unknown) => seen.push(value),
      },
    });
    const off = api.group.on((payload) => seen.push(payload));
    off();
    expect(seen).toEqual([{ hello: 'page' }, 'off']);
    expect(() => api.group.take({ signal: new AbortController().signal })).toThrow(/argument 0 of api\.group\.take\.signal/);
    const fn = (() => 1) as (() => number) & { extra?: number };
    fn.extra = 2;
    expect((crossBridge(fn) as typeof fn).extra).toBeUndefined();
  });
});
