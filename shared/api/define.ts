import type { z } from 'zod';

/**
 * The building blocks of the API contract. A contract is a two-level object: groups of methods, each
 * method either a `call` (request → result) or a `job` (request → progress events → result, cancellable).
 * Both shells (Electron IPC and the browser shell's WebSocket) and the renderer's client are derived
 * from one contract object, the way VS Code derives channels from a service with ProxyChannel.
 */
export interface CallSpec<I extends z.ZodType = z.ZodType, O extends z.ZodType = z.ZodType> {
  readonly kind: 'call';
  readonly input: I;
  readonly output: O;
}

export interface JobSpec<
  I extends z.ZodType = z.ZodType,
  P extends z.ZodType = z.ZodType,
  O extends z.ZodType = z.ZodType,
> {
  readonly kind: 'job';
  readonly input: I;
  readonly progress: P;
  readonly output: O;
}

export type MethodSpec = CallSpec | JobSpec;
export type Contract = Record<string, Record<string, MethodSpec>>;
export type EventsSpec = Record<string, z.ZodType>;

export const call = <I extends z.ZodType, O extends z.ZodType>(input: I, output: O): CallSpec<I, O> => ({
  kind: 'call',
  input,
  output,
});

export const job = <I extends z.ZodType, P extends z.ZodType, O extends z.ZodType>(
  input: I,
  progress: P,
  output: O,
): JobSpec<I, P, O> => ({ kind: 'job', input, progress, output });

/** The wire name of a method: `group.method`. */
export const channelOf = (group: string, method: string): string => `${group}.${method}`;

/** Every method of a contract with its channel name. */
export function methodsOf(contract: Contract): Array<{ group: string; method: string; channel: string; spec: MethodSpec }> {
  return Object.entries(contract).flatMap(([group, methods]) =>
    Object.entries(methods).map(([method, spec]) => ({ group, method, channel: channelOf(group, method), spec })),
  );
}

/** Arguments of a client function: the input may be left out where the schema accepts `undefined`. */
type InputArgs<I extends z.ZodType> = undefined extends z.input<I> ? [input?: z.input<I>] : [input: z.input<I>];

export interface JobOptions<P> {
  onProgress?: (progress: P) => void;
  signal?: AbortSignal;
}

/** A running job as the caller sees it. */
export interface JobHandle<O> {
  readonly id: string;
  readonly result: Promise<O>;
  cancel(): void;
}

export type ClientOf<C extends Contract> = {
  [G in keyof C]: {
    [M in keyof C[G]]: C[G][M] extends CallSpec<infer I, infer O>
      ? (...args: InputArgs<I>) => Promise<z.output<O>>
      : C[G][M] extends JobSpec<infer I, infer P, infer O>
        ? (input: z.input<I>, options?: JobOptions<z.output<P>>) => JobHandle<z.output<O>>
        : never;
  };
};

/** What a job implementation gets besides its input. */
export interface JobContext<P> {
  signal: AbortSignal;
  progress(progress: P): void;
}

export type ImplOf<C extends Contract> = {
  [G in keyof C]: {
    [M in keyof C[G]]: C[G][M] extends CallSpec<infer I, infer O>
      ? (input: z.output<I>) => Promise<z.input<O>>
      : C[G][M] extends JobSpec<infer I, infer P, infer O>
        ? (input: z.output<I>, context: JobContext<z.input<P>>) => Promise<z.input<O>>
        : never;
  };
};

export type EventsOf<E extends EventsSpec> = { [K in keyof E]: z.output<E[K]> };
