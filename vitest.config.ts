import { defineConfig } from 'vitest/config';

// The AWS SDK warns once per process under Node < 22 that its 2027 releases will need Node 22; the
// tests' own S3 clients (test-bed set-up, checks) would print it in every worker of every run. The
// narwhal command turns it off itself (electron/cli/main.ts), and sdk-warning.test.ts checks that.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';

// Two projects: `unit` (pure and fast, no servers) and `integration` (real Ceph RGW and real Nix,
// started once for the run by scripts/testbed/global-setup.ts). Tests sit next to the code they test:
// `*.test.ts` are unit tests, `*.int.test.ts` integration tests.
export default defineConfig({
  test: {
    projects: [
      {
        test: {
          name: 'unit',
          include: ['shared/**/*.test.ts', 'electron/**/*.test.ts', 'eslint/**/*.test.ts', 'renderer/src/**/*.test.{ts,tsx}'],
          exclude: ['**/*.int.test.ts', '**/node_modules/**'],
          // The fuzz tests take 1-3 s alone and 6-9 s on a 2-core machine busy with other work; the
          // default 5 s made them fail for the machine's load, not for a fault.
          testTimeout: 30_000,
        },
      },
      {
        test: {
          name: 'integration',
          include: ['**/*.int.test.ts'],
          exclude: ['**/node_modules/**'],
          globalSetup: ['scripts/testbed/global-setup.ts'],
          testTimeout: 120_000,
          hookTimeout: 120_000,
          fileParallelism: false,
        },
      },
    ],
  },
});
