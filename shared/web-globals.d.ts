// The few web-platform globals that every runtime of shared/ has (Node >= 20, Electron, browsers),
// declared for shared/'s own type check, which has neither Node's nor the DOM's typings on purpose.
// The other layers' tsconfigs exclude this file and use the real declarations.
interface AbortSignal {
  readonly aborted: boolean;
  readonly reason: unknown;
  throwIfAborted(): void;
  addEventListener(type: 'abort', listener: () => void, options?: { once?: boolean }): void;
  removeEventListener(type: 'abort', listener: () => void): void;
}
declare var AbortSignal: { prototype: AbortSignal };
interface AbortController {
  readonly signal: AbortSignal;
  abort(reason?: unknown): void;
}
declare var AbortController: { prototype: AbortController; new (): AbortController };
declare function setTimeout(handler: () => void, timeout?: number): unknown;
