import type { Contract, EventsSpec, ImplOf, JobSpec, MethodSpec } from './define';
import { methodsOf } from './define';
import { ApiError, toWireError } from './errors';
import type { WireEvent, WireResponse } from './wire';
import { wireRequestSchema } from './wire';

/** One peer (a window, a WebSocket): how to push events to it. */
export interface Connection {
  /** Validates and runs one request from this peer. Never throws. */
  handle(raw: unknown): Promise<WireResponse>;
  /** The peer went away: its running jobs are cancelled. */
  close(): void;
}

export interface ApiServer<E extends EventsSpec> {
  connect(send: (event: WireEvent) => void): Connection;
  /** Pushes an event to every connected peer, after checking it against its schema. */
  emit<K extends keyof E & string>(name: K, payload: unknown): void;
}

function describeZodIssues(error: { issues: Array<{ path: PropertyKey[]; message: string }> }): string {
  return error.issues
    .slice(0, 5)
    .map((issue) => (issue.path.length ? `${issue.path.map(String).join('.')}: ${issue.message}` : issue.message))
    .join('; ');
}

/**
 * The server half derived from the contract: every request is checked against the wire schema, its
 * channel must exist, its input must match the method's schema, and what goes back is parsed with the
 * output schema, which drops any field the contract does not name. That last step is what guarantees
 * that nothing but described data (never a secret a service happened to hold) reaches the page.
 */
export function createApiServer<C extends Contract, E extends EventsSpec>(
  contract: C,
  events: E,
  impl: ImplOf<C>,
  options: { onInternalError?: (channel: string, error: unknown) => void } = {},
): ApiServer<E> {
  const specs = new Map<string, { spec: MethodSpec; fn: (...args: unknown[]) => Promise<unknown> }>();
  for (const { group, method, channel, spec } of methodsOf(contract)) {
    const fn = (impl as Record<string, Record<string, (...args: unknown[]) => Promise<unknown>>>)[group]?.[method];
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
      const jobs = new Map<string, AbortController>();
      let open = true;
      const sendIfOpen = (event: WireEvent) => {
        if (open) send(event);
      };

      function runJob(channel: string, jobId: string, spec: JobSpec, fn: (...args: unknown[]) => Promise<unknown>, input: unknown) {
        const controller = new AbortController();
        jobs.set(jobId, controller);
        const progress = (value: unknown) => {
          if (controller.signal.aborted) return;
          const parsed = spec.progress.safeParse(value);
          if (parsed.success) sendIfOpen({ kind: 'job', jobId, state: 'progress', progress: parsed.data });
        };
        // Started on the next tick so the start request is answered before the first event.
        setTimeout(() => {
          fn(input, { signal: controller.signal, progress })
            .then((output) => {
              if (controller.signal.aborted) throw new ApiError('cancelled', 'Cancelled.');
              return spec.output.parse(output);
            })
            .then(
              (output) => sendIfOpen({ kind: 'job', jobId, state: 'done', output }),
              (e: unknown) => {
                const error = controller.signal.aborted ? { code: 'cancelled' as const, message: 'Cancelled.' } : toWireError(e);
                if (error.code === 'internal') options.onInternalError?.(channel, e);
                sendIfOpen({ kind: 'job', jobId, state: 'failed', error });
              },
            )
            .finally(() => jobs.delete(jobId));
        }, 0);
      }

      return {
        async handle(raw) {
          const request = wireRequestSchema.safeParse(raw);
          if (!request.success) return { ok: false, error: { code: 'invalid-input', message: `Malformed request: ${describeZodIssues(request.error)}` } };
          const message = request.data;
          if (message.kind === 'job.cancel') {
            jobs.get(message.jobId)?.abort();
            return { ok: true };
          }
          try {
            const { entry, input } = parseInput(message.channel, message.input);
            if (message.kind === 'call') {
              if (entry.spec.kind !== 'call') throw new ApiError('invalid-input', `${message.channel} is a job; start it as one.`);
              const output = await entry.fn(input);
              return { ok: true, value: entry.spec.output.parse(output) };
            }
            if (entry.spec.kind !== 'job') throw new ApiError('invalid-input', `${message.channel} is not a job.`);
            if (jobs.has(message.jobId)) throw new ApiError('conflict', `Job ${message.jobId} is already running.`);
            runJob(message.channel, message.jobId, entry.spec, entry.fn, input);
            return { ok: true };
          } catch (e) {
            return failure(message.channel, e);
          }
        },
        close() {
          open = false;
          peers.delete(send);
          for (const controller of jobs.values()) controller.abort();
          jobs.clear();
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
