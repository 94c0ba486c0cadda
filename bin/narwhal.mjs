#!/usr/bin/env node
// The `narwhal` command. Runs the TypeScript sources through tsx, so a fresh clone works right after
// `npm ci` with no build step for the CLI.
import { register } from 'tsx/esm/api';

register();
const { runCli } = await import('../electron/cli/main.ts');
const status = await runCli(process.argv.slice(2), {
  stdin: process.stdin,
  stdout: process.stdout,
  stderr: process.stderr,
  env: process.env,
  cwd: process.cwd(),
});
process.exitCode = status;
