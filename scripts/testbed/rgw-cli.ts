// Shell entry to the RGW test bed (rgw.ts), for people and scripts outside the test runners:
//
//   npx tsx scripts/testbed/rgw-cli.ts start [--dir D]   start one; print its testbed.json as one JSON
//                                                          line on stdout; the daemons keep running
//   npx tsx scripts/testbed/rgw-cli.ts stop --dir D       stop it (by the pids it recorded) and remove D
//   npx tsx scripts/testbed/rgw-cli.ts stop --all         stop every test bed under .testbed/
//   npx tsx scripts/testbed/rgw-cli.ts user --dir D --uid U   create another S3 user; print its keys
//   npx tsx scripts/testbed/rgw-cli.ts list               one JSON line per test bed under .testbed/
//
// Example: eval "$(npx tsx scripts/testbed/rgw-cli.ts start | jq -r '"export EP=\(.endpoint) DIR=\(.dir)"')"
import fsp from 'node:fs/promises';
import path from 'node:path';
import { createUser, isRunning, readTestbed, reapStaleTestbeds, startRgw, stopRgw, TESTBED_ROOT } from './rgw';

const USAGE = `usage: rgw-cli.ts start [--dir D] | stop (--dir D | --all) | user --dir D --uid U | list`;

function flag(args: string[], name: string): string | undefined {
  const i = args.indexOf(name);
  if (i < 0) return undefined;
  const v = args[i + 1];
  if (v === undefined || v.startsWith('--')) fail(`${name} needs a value\n${USAGE}`);
  return v;
}

function fail(message: string): never {
  process.stderr.write(`rgw-cli: ${message}\n`);
  process.exit(1);
}

/** Writes a line and exits once it is flushed (stdout may be a pipe). */
function done(line?: string): Promise<never> {
  return new Promise(() => {
    if (line === undefined) process.exit(0);
    process.stdout.write(line + '\n', () => process.exit(0));
  });
}

async function testbedDirs(): Promise<string[]> {
  const entries = await fsp.readdir(TESTBED_ROOT, { withFileTypes: true }).catch(() => []);
  return entries.filter((e) => e.isDirectory() && e.name.startsWith('rgw-')).map((e) => path.join(TESTBED_ROOT, e.name));
}

async function main(argv: string[]): Promise<void> {
  const [cmd, ...args] = argv;
  switch (cmd) {
    case 'start': {
      const dir = flag(args, '--dir');
      await reapStaleTestbeds();
      const rgw = await startRgw({ ...(dir ? { dir } : {}), detached: true });
      process.stderr.write(`rgw-cli: RGW at ${rgw.endpoint} (ready in ${(rgw.startupMs / 1000).toFixed(1)} s); stop with: npx tsx scripts/testbed/rgw-cli.ts stop --dir ${rgw.dir}\n`);
      // The daemons are detached, unreferenced children: exiting leaves them running.
      return done(JSON.stringify(rgw.info()));
    }
    case 'stop': {
      if (args.includes('--all')) {
        for (const dir of await testbedDirs()) {
          await stopRgw(dir);
          process.stderr.write(`rgw-cli: stopped ${dir}\n`);
        }
        return done();
      }
      const dir = flag(args, '--dir') ?? fail(`stop needs --dir D or --all\n${USAGE}`);
      await stopRgw(path.resolve(dir));
      return done();
    }
    case 'user': {
      const dir = flag(args, '--dir') ?? fail(`user needs --dir D\n${USAGE}`);
      const uid = flag(args, '--uid') ?? fail(`user needs --uid U\n${USAGE}`);
      return done(JSON.stringify({ uid, ...(await createUser({ dir: path.resolve(dir) }, uid)) }));
    }
    case 'list': {
      const lines: string[] = [];
      for (const dir of await testbedDirs()) {
        const info = await readTestbed(dir).catch(() => undefined);
        lines.push(JSON.stringify(info ? { dir, endpoint: info.endpoint, running: await isRunning(info) } : { dir, running: false }));
      }
      return done(lines.length ? lines.join('\n') : undefined);
    }
    default:
      fail(USAGE);
  }
}

main(process.argv.slice(2)).catch((e: unknown) => fail(e instanceof Error ? e.message : String(e)));
