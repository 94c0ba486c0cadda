/**
 * A model of what Electron's contextBridge does to values that cross between the preload's world and
 * the page's, written from Electron's documentation (the contextBridge page's table of supported
 * parameter, error and return types) so tests and the browser shell can run the page's API client
 * across it. The real bridge cannot run here (Electron's binary cannot be installed), and a unit test
 * that mocks `electron` passes every value through untouched, which is how an AbortSignal handed to the
 * preload went unnoticed: across the real bridge it arrives as an empty object.
 *
 * What crosses, and how:
 * - string, number, boolean, null, undefined, bigint: as they are;
 * - functions: proxied; a call runs on the other side, its arguments and result crossing again;
 *   properties set on the function are dropped;
 * - promises: proxied, but only as a function's return value or as an argument itself; a promise
 *   inside an object or array is dropped (the documentation's wording varies between versions; the
 *   model takes the stricter one, so what passes here passes in every version);
 * - errors: copied with their message only (a `code` or other property is lost);
 * - arrays and plain objects: copied and frozen, each value crossing by these same rules; symbol keys dropped;
 * - Date and Uint8Array: structured-cloned;
 * - anything else (a class instance such as AbortSignal, Map, Set, an event target, a symbol) would
 *   arrive without its prototype, as an empty or half object, or not at all.
 *
 * Where the real bridge silently degrades a value, the model throws a BridgeModelError saying what and
 * where, so a test fails instead of the desktop app misbehaving.
 */
export class BridgeModelError extends Error {
  override name = 'BridgeModelError';
}

type Position = 'argument' | 'return value' | 'nested';

function describe(value: object): string {
  const ctor = (Object.getPrototypeOf(value) as { constructor?: { name?: string } } | null)?.constructor?.name;
  return ctor ? `a ${ctor}` : 'an object';
}

function isPlainObject(value: object): boolean {
  const proto = Object.getPrototypeOf(value) as unknown;
  return proto === Object.prototype || proto === null;
}

function copyError(error: Error): Error {
  // A fresh Error in the other world: the message survives, the class and extra fields do not.
  return new Error(error.message);
}

/** Copies `value` into the other world, as contextBridge would; `where` names it in errors. */
export function crossBridge(value: unknown, where = 'value', position: Position = 'argument'): unknown {
  if (value === null || value === undefined) return value;
  switch (typeof value) {
    case 'string':
    case 'number':
    case 'boolean':
    case 'bigint':
      return value;
    case 'symbol':
      throw new BridgeModelError(`${where}: a Symbol cannot cross contextBridge.`);
    case 'function':
      return proxyFunction(value as (...args: unknown[]) => unknown, where);
  }
  const object = value as object;
  if (object instanceof Promise) {
    if (position === 'nested') {
      throw new BridgeModelError(`${where}: a Promise inside an object or array is dropped by contextBridge; return it, or pass it as an argument of its own.`);
    }
    return object.then(
      (resolved) => crossBridge(resolved, `${where} (resolved)`, 'return value'),
      (error: unknown) => {
        throw error instanceof Error ? copyError(error) : crossBridge(error, `${where} (rejected)`, 'return value');
      },
    );
  }
  if (object instanceof Error) return copyError(object);
  if (object instanceof Date) return new Date(object.getTime());
  if (object instanceof Uint8Array) return object.slice();
  if (Array.isArray(object)) return Object.freeze(object.map((item, i) => crossBridge(item, `${where}[${i}]`, 'nested')));
  if (!isPlainObject(object)) {
    throw new BridgeModelError(`${where}: ${describe(object)} would cross contextBridge as a plain copy without its methods (or as an empty object); pass plain data, a function or an id instead.`);
  }
  const copy: Record<string, unknown> = {};
  for (const key of Object.keys(object)) copy[key] = crossBridge((object as Record<string, unknown>)[key], `${where}.${key}`, 'nested');
  return Object.freeze(copy);
}

function proxyFunction(fn: (...args: unknown[]) => unknown, where: string): (...args: unknown[]) => unknown {
  return (...args: unknown[]) => {
    const crossedArgs = args.map((arg, i) => crossBridge(arg, `argument ${i} of ${where}`, 'argument'));
    let result: unknown;
    try {
      result = fn(...crossedArgs);
    } catch (error) {
      throw error instanceof Error ? copyError(error) : error;
    }
    return crossBridge(result, `the result of ${where}`, 'return value');
  };
}

/** What `contextBridge.exposeInMainWorld(key, api)` would put on the page's `window[key]`. */
export function exposeAcrossModel<T>(api: T, name = 'api'): T {
  return crossBridge(api, name, 'argument') as T;
}
