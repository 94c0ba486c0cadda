// The `narwhal` program itself: runs one command line with the process's own streams and sets the
// exit status. Both ways of starting it call `main`: bin/narwhal.mjs imports this file through tsx,
// and `npm run build:cli` bundles it into dist/cli/narwhal.cjs, which dist/cli/narwhal.mjs starts.
import { runCli } from './main';

export async function main(): Promise<void> {
  process.exitCode = await runCli(process.argv.slice(2), {
    stdin: process.stdin,
    stdout: process.stdout,
    stderr: process.stderr,
    env: process.env,
    cwd: process.cwd(),
  });
}
