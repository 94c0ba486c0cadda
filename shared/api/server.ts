import type { Contract, EventsSpec, ImplOf, JobHost, JobPlan, MethodSpec } from './define';
import { methodsOf } from './define';
import { ApiError, toWireError } from './errors';
import type { WireEvent, WireResponse } from './wire';
import { wireRequestSchema } from './wire';

/** One peer (a window, a WebSocket). */
export interface Connection {
  /** Validates and runs one request from this peer. Never throws. */
  handle(raw: unknown): Promise<WireResponse>;
  /** The peer went away: its calls in flight are aborted (nobody waits for them). Jobs go on. */
  close(): void;
}

export interface ApiServer<E extends EventsSpec> {
  connect(send: (event: WireEvent) => void): Connection;
  /** Pushes an event to every connected peer, after checking it against its schema. */
  emit<K extends keyof E & string>(name: K, payload: unknown): void;
}

export interface ApiServerOptions {
  /** Where jobs run; without one, starting a job is refused. */
  jobs?: JobHost;
  onInternalError?: (channel: string, error: unknown) => void;
}

function describeZodIssues(error: { issues: Array<{ path: PropertyKey[]; message: string }> }): string {
  return error.issues
    .slice(0, 5)
    .map((issue) => (issue.path.length ? `${issue.path.map(String).join('.')}: ${issue.message}` : issue.message))
    .join('; ');
}

type AnyFn = (...args: unknown[]) => unknown;

/**
 * The server half derived from the contract: every request is checked against the wire schema, its
 * channel must exist, its input must match the method's schema, and what goes back is parsed with the
 * output schema, which drops any field the contract does not name. That last step is what guarantees
 * that nothing but described data (never a secret a service happened to hold) reaches the page.
 *
 * Calls belong to the connection that made them (closing it aborts them); jobs belong to the job host,
 * so they outlive the window that started them.
 */
export function createApiServer<C extends Contract, E extends EventsSpec>(
  contract: C,
  events: E,
  impl: ImplOf<C>,
  options: ApiServerOptions = {},
): ApiServer<E> {
  const specs = new Map<string, { spec: MethodSpec; fn: AnyFn }>();
  for (const { group, method, channel, spec } of methodsOf(contract)) {
    const fn = (impl as Record<string, Record<string, AnyFn>>)[group]?.[method];
    if (typeof fn !== 'function') throw new Error(`API implementation lacks ${channel}`);
    specs.set(channel, { spec, fn: fn.bind((impl as Record<string, unknown>)[group]) });
  }
  const peers = new Set<(event: WireEvent) => void>();

  const failure = (channel: string, e: unknown): WireResponse => {
    const error = toWireError(e);
    if (error.code === 'internal') options.onInternalError?.(channel, e);
    return { ok: false, error };
  };

  function parseInput(channel: string, input: unknown) {
    const entry = specs.get(channel);
    if (!entry) throw new ApiError('invalid-input', `Unknown method ${channel}.`);
    const parsed = entry.spec.input.safeParse(input);
    if (!parsed.success) throw new ApiError('invalid-input', `${channel}: ${describeZodIssues(parsed.error)}`);
    return { entry, input: parsed.data };
  }

  return {
    connect(send) {
      peers.add(send);
      /** Calls in flight, and those the page named so that it can cancel them. */
      const inFlight = new Set<AbortController>();
      const named = new Map<string, AbortController>();
      let open = true;

      async function runCall(channel: string, fn: AnyFn, spec: MethodSpec, input: unknown, requestId: string | undefined): Promise<WireResponse> {
        if (requestId !== undefined && named.has(requestId)) throw new ApiError('conflict', `Request ${requestId} is already running.`);
        const controller = new AbortController();
        inFlight.add(controller);
        if (requestId !== undefined) named.set(requestId, controller);
        if (!open) controller.abort();
        try {
          // Through a promise, so an implementation that throws synchronously fails this call only.
          const output = await Promise.resolve().then(() => fn(input, { signal: controller.signal }));
          if (controller.signal.aborted) throw new ApiError('cancelled', 'Cancelled.');
          return { ok: true, value: spec.output.parse(output) };
        } catch (e) {
          if (controller.signal.aborted) return { ok: false, error: { code: 'cancelled', message: 'Cancelled.' } };
          return failure(channel, e);
        } finally {
          inFlight.delete(controller);
          if (requestId !== undefined) named.delete(requestId);
        }
      }

      return {
        async handle(raw) {
          const request = wireRequestSchema.safeParse(raw);
          if (!request.success) return { ok: false, error: { code: 'invalid-input', message: `Malformed request: ${describeZodIssues(request.error)}` } };
          const message = request.data;
          if (message.kind === 'call.cancel') {
            named.get(message.requestId)?.abort();
            return { ok: true };
          }
          try {
            const { entry, input } = parseInput(message.channel, message.input);
            if (message.kind === 'call') {
              if (entry.spec.kind !== 'call') throw new ApiError('invalid-input', `${message.channel} is a job; start it as one.`);
              return await runCall(message.channel, entry.fn, entry.spec, input, message.requestId);
            }
            if (entry.spec.kind !== 'job') throw new ApiError('invalid-input', `${message.channel} is not a job.`);
            if (!options.jobs) throw new ApiError('internal', 'This server runs no jobs.');
            const plan = (await Promise.resolve().then(() => entry.fn(input))) as JobPlan<unknown, unknown>;
            const view = options.jobs.start({
              id: message.jobId,
              kind: message.channel,
              input,
              plan,
              progressSchema: entry.spec.progress,
              outputSchema: entry.spec.output,
            });
            return { ok: true, value: view };
          } catch (e) {
            return failure(message.channel, e);
          }
        },
        close() {
          open = false;
          peers.delete(send);
          for (const controller of inFlight) controller.abort();
          inFlight.clear();
          named.clear();
        },
      };
    },
    emit(name, payload) {
      const schema = events[name];
      if (!schema) throw new Error(`Unknown event ${name}`);
      const parsed = schema.parse(payload);
      for (const send of peers) send({ kind: 'event', name, payload: parsed });
    },
  };
}
