// What the integration project's global setup (global-setup.ts) hands to test files through
// vitest's provide/inject. Global setup runs in the main process and tests in workers, so
// process.env set there would not reach them; provide/inject carries plain JSON across.
import type { RgwInfo } from './rgw';

declare module 'vitest' {
  export interface ProvidedContext {
    /** The RGW test bed started once for the run; use it with attachRgw()/injectRgw(). */
    rgw: RgwInfo;
  }
}

export {};
