import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCommandLine } from './test-harness';

/** Runs one command line in-process with captured streams. */
const run = (argv: string[], stdin = '') => runCommandLine(argv, { stdin, env: { HOME: tmpdir(), NARWHAL_DATA_DIR: join(tmpdir(), 'narwhal-cli-errors-none') } });

/** How many times the usage is printed. */
const usages = (text: string) => text.split('usage:').length - 1;

describe('narwhal CLI: bad usage names what is wrong, and prints the usage once', () => {
  it.each([
    [['info'], 'narwhal info: missing STORE-URL (or a saved cache\'s name)\nusage: narwhal info STORE-URL|NAME [--json] [--data-dir DIR]\n'],
    [['ls'], 'narwhal ls: missing STORE-URL (or a saved cache\'s name)\nusage: narwhal ls STORE-URL|NAME [--long] [--json] [--data-dir DIR]\n'],
    [['ls', 'file:///a', 'file:///b'], 'narwhal ls: unexpected argument "file:///b"\nusage: narwhal ls STORE-URL|NAME [--long] [--json] [--data-dir DIR]\n'],
    [['key', 'generate', '--name', 'x-1'], 'narwhal key generate: missing --out FILE\nusage: narwhal key generate --name NAME --out FILE\n'],
    [['key', 'generate'], 'narwhal key generate: missing --name NAME and --out FILE\nusage: narwhal key generate --name NAME --out FILE\n'],
    [['key', 'public', 'extra'], 'narwhal key public: unexpected argument "extra"\nusage: narwhal key public < SECRET-KEY-FILE\n'],
    [['narinfo', 'verify', '--trusted-key', 'k:AAAA'], 'narwhal narinfo verify: missing FILE (or - for stdin)\nusage: narwhal narinfo verify FILE|- --trusted-key KEY [--trusted-key KEY ...]\n'],
    [['narinfo', 'verify', 'x.narinfo'], 'narwhal narinfo verify: missing --trusted-key KEY\nusage: narwhal narinfo verify FILE|- --trusted-key KEY [--trusted-key KEY ...]\n'],
    [['nar', 'extract', 'x.nar'], 'narwhal nar extract: missing DIR\nusage: narwhal nar extract FILE|- DIR\n'],
    [['nar', 'dump'], 'narwhal nar dump: missing PATH\nusage: narwhal nar dump PATH\n'],
  ])('%j', async (argv, stderr) => {
    const result = await run(argv);
    expect(result).toEqual({ status: 2, stdout: '', stderr });
    expect(usages(result.stderr)).toBe(1);
  });

  it('an unknown option is named, with the usage once', async () => {
    const result = await run(['info', '--bogus', 'file:///x']);
    expect(result.status).toBe(2);
    expect(result.stderr).toMatch(/^narwhal info: Unknown option '--bogus'/);
    expect(usages(result.stderr)).toBe(1);
  });
});

describe('narwhal CLI: an unknown subcommand is called unknown', () => {
  it.each([
    ['key', 'frobnicate', 'usage: narwhal key generate --name NAME --out FILE'],
    ['nar', 'frob', 'usage: narwhal nar dump PATH'],
    ['narinfo', 'check', 'usage: narwhal narinfo verify FILE|-'],
  ])('narwhal %s %s', async (command, sub, usage) => {
    const result = await run([command, sub]);
    expect(result.status).toBe(2);
    expect(result.stdout).toBe('');
    expect(result.stderr).toMatch(new RegExp(`^narwhal: unknown subcommand "${sub}" of narwhal ${command}\n`));
    expect(result.stderr).toContain(usage);
    expect(usages(result.stderr)).toBe(1);
  });

  it('a missing subcommand is called missing', async () => {
    for (const command of ['key', 'nar', 'narinfo']) {
      const result = await run([command]);
      expect(result.status).toBe(2);
      expect(result.stderr).toMatch(new RegExp(`^narwhal ${command}: missing subcommand\nusage: narwhal ${command} `));
    }
  });

  it('an unknown command is still called unknown, even one named like an Object method', async () => {
    expect(await run(['constructor'])).toMatchObject({ status: 2, stderr: expect.stringMatching(/^narwhal: unknown command "constructor"/) });
  });
});

describe('narwhal CLI: expected I/O errors are one sentence, never a stack trace', () => {
  const noStack = (text: string) => expect(text).not.toMatch(/\n\s+at /);

  it('key generate into a folder that does not exist', async () => {
    const result = await run(['key', 'generate', '--name', 'ci.example.org-1', '--out', '/nonexistent/dir/k.sec']);
    expect(result).toEqual({ status: 1, stdout: '', stderr: 'narwhal key generate: cannot write /nonexistent/dir/k.sec: the folder /nonexistent/dir does not exist\n' });
  });

  it('key generate over an existing file, into a file, into a folder, where writing is not allowed', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'narwhal-cli-errors-'));
    await writeFile(join(dir, 'k.sec'), 'precious');
    const gen = (out: string) => run(['key', 'generate', '--name', 'ci.example.org-1', '--out', out]);
    expect((await gen(join(dir, 'k.sec'))).stderr).toBe(`narwhal key generate: cannot write ${join(dir, 'k.sec')}: it already exists; not overwriting it\n`);
    expect((await gen(join(dir, 'k.sec', 'inner.sec'))).stderr).toBe(`narwhal key generate: cannot write ${join(dir, 'k.sec', 'inner.sec')}: a part of that path is a file, not a folder\n`);
    expect((await gen(dir)).stderr).toBe(`narwhal key generate: cannot write ${dir}: it already exists; not overwriting it\n`);
    // sysfs refuses new files to everyone, root included.
    const denied = await gen('/sys/k.sec');
    expect(denied).toMatchObject({ status: 1, stderr: expect.stringMatching(/^narwhal key generate: cannot write \/sys\/k\.sec: permission denied/) });
  });

  it('narinfo verify of a file that is missing or is a folder', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'narwhal-cli-errors-'));
    const key = ['--trusted-key', 'k-1:' + Buffer.alloc(32).toString('base64')];
    const missing = await run(['narinfo', 'verify', join(dir, 'nope.narinfo'), ...key]);
    expect(missing).toEqual({ status: 1, stdout: '', stderr: `narwhal narinfo verify: cannot open ${join(dir, 'nope.narinfo')}: no such file or folder\n` });
    const folder = await run(['narinfo', 'verify', dir, ...key]);
    expect(folder.status).toBe(1);
    expect(folder.stderr).toMatch(/^narwhal narinfo verify: cannot read .*: it is a folder, not a file\n$/);
    noStack(folder.stderr);
  });
});
