// The `narwhal` program itself: runs one command line with the process's own streams and exits with
// its status. Both ways of starting it run this file: bin/narwhal.mjs imports it through tsx, and
// `npm run build:cli` bundles it into dist/cli/narwhal.mjs.
import { runCli } from './main';

process.exitCode = await runCli(process.argv.slice(2), {
  stdin: process.stdin,
  stdout: process.stdout,
  stderr: process.stderr,
  env: process.env,
  cwd: process.cwd(),
});
