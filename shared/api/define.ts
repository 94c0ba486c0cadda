import type { z } from 'zod';
import type { JobView } from './jobs';

/**
 * The building blocks of the API contract. A contract is a two-level object: groups of methods, each
 * method either a `call` (request → result, cancellable while it runs) or a `job` (long work that
 * lives in the main process's job registry, reports progress and can be cancelled, whoever started it).
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
type InputArgs<I extends z.ZodType, Options> = undefined extends z.input<I>
  ? [input?: z.input<I>, options?: Options]
  : [input: z.input<I>, options?: Options];

export interface CallOptions {
  /** Aborting it tells the main process that nobody waits for the answer any more: its I/O stops. */
  signal?: AbortSignal;
}

export interface JobOptions<P> {
  onProgress?: (progress: P) => void;
  /** Stops listening (the job goes on; cancel it with the handle). */
  signal?: AbortSignal;
}

/** A job as the page follows it: started here or attached to after a reload or from another window. */
export interface JobHandle<O> {
  readonly id: string;
  readonly result: Promise<O>;
  cancel(): void;
}

export type ClientOf<C extends Contract> = {
  [G in keyof C]: {
    [M in keyof C[G]]: C[G][M] extends CallSpec<infer I, infer O>
      ? (...args: InputArgs<I, CallOptions>) => Promise<z.output<O>>
      : C[G][M] extends JobSpec<infer I, infer P, infer O>
        ? (input: z.input<I>, options?: JobOptions<z.output<P>>) => JobHandle<z.output<O>>
        : never;
  };
};

/** What a call's implementation gets besides its input. */
export interface CallContext {
  /** Aborted when the page stops waiting (it cancelled, navigated away, or its connection closed). */
  signal: AbortSignal;
}

/** What a job's implementation gets while it runs. */
export interface JobContext<P> {
  jobId: string;
  signal: AbortSignal;
  /** Latest progress; the registry sends at most about ten a second per job, and always the last. */
  progress(progress: P): void;
}

/**
 * A job's implementation: given the checked input, say what the job is (its title, the cache it works
 * on) and how to run it. Throwing here refuses to start the job; throwing in `run`, even synchronously,
 * fails the job and nothing else.
 */
export interface JobPlan<P, O> {
  title: string;
  /** The identity of the cache the job works on (see shared/caches/identity.ts), when it works on one. */
  subject?: string;
  run(context: JobContext<P>): Promise<O>;
}

export type ImplOf<C extends Contract> = {
  [G in keyof C]: {
    [M in keyof C[G]]: C[G][M] extends CallSpec<infer I, infer O>
      ? (input: z.output<I>, context: CallContext) => Promise<z.input<O>>
      : C[G][M] extends JobSpec<infer I, infer P, infer O>
        ? (input: z.output<I>) => JobPlan<z.input<P>, z.input<O>> | Promise<JobPlan<z.input<P>, z.input<O>>>
        : never;
  };
};

export type EventsOf<E extends EventsSpec> = { [K in keyof E]: z.output<E[K]> };

/**
 * Where jobs live: a registry in the main process's services, not in any one connection, so a reload,
 * a dropped WebSocket or a second window neither stops a job nor loses sight of it.
 */
export interface JobHost {
  start(job: {
    id: string;
    kind: string;
    input: unknown;
    plan: JobPlan<unknown, unknown>;
    progressSchema: z.ZodType;
    outputSchema: z.ZodType;
  }): JobView;
}
