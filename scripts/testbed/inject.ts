// For integration test files: the RGW test bed started by global-setup.ts.
//
//   import { injectRgw } from '<path to>/scripts/testbed/inject';
//   const rgw = injectRgw(); // { endpoint, region, admin, createUser(uid), ... }
import { inject } from 'vitest';
import './provided';
import { attachRgw, type Rgw } from './rgw';

/**
 * The shared test bed of this run, with createUser() working from the worker. Its stop() is for the
 * global teardown only: a test file must not stop the bed the others use.
 */
export function injectRgw(): Rgw {
  const info = inject('rgw');
  if (!info) {
    throw new Error('no RGW test bed: run integration tests through the `integration` vitest project (its globalSetup is scripts/testbed/global-setup.ts)');
  }
  return attachRgw(info);
}
