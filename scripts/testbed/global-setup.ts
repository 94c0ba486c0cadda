// vitest globalSetup of the `integration` project (vitest.config.ts): starts one RGW test bed for the
// whole run, hands it to test files (provide/inject, see provided.ts and inject.ts), stops it at the
// end. Runs in vitest's main process, once, before any integration test file.
import type { TestProject } from 'vitest/node';
import { missingCommands } from './exec';
import { NIX_COMMANDS } from './nix';
import './provided';
import { reapStaleTestbeds, RGW_COMMANDS, startRgw, stopRgwSync } from './rgw';

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  // Fail at once, with the fix, rather than with an obscure spawn ENOENT inside some test.
  const missing = await missingCommands([...RGW_COMMANDS, ...NIX_COMMANDS]);
  if (missing.length > 0) {
    throw new Error(
      `integration tests need ${missing.join(', ')}, not found on PATH. Run scripts/ensure-deps.sh (as root it installs nix-bin radosgw ceph-mon ceph-osd ceph-common chromium).`,
    );
  }

  // Folders of earlier runs that died without their teardown (their daemons are gone).
  await reapStaleTestbeds();

  const rgw = await startRgw();
  // If vitest exits without running the teardown (crash, process.exit on a signal), still kill the
  // daemons: they are detached from the terminal on purpose and would otherwise outlive the run.
  const onExit = () => stopRgwSync(rgw);
  process.on('exit', onExit);

  project.provide('rgw', rgw.info());
  console.log(`[testbed] RGW ${rgw.endpoint} ready in ${(rgw.startupMs / 1000).toFixed(1)} s (${rgw.dir})`);

  return async () => {
    process.off('exit', onExit);
    await rgw.stop();
  };
}
