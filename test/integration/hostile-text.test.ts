// Text the console does not control, from real sources, printed by the built binary: a
// container's health check, a runbook step (here and over SSH), nvidia-smi's stderr and output,
// a Pi-hole error message, a backup's file name read over SFTP, an audit log, a directory name
// and a value quoted in an error. None of it may drive the terminal (no control character but
// newline on stdout or stderr), and what was taken out is shown (issue 13, point 1).
import { chmodSync, cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type CliResult, ensureBuilt, runCli } from '../helpers/cli.js';
import { dockerEngineAvailable, startTestEngine, type TestEngine } from '../helpers/dockerd.js';
import { FAKE_NVIDIA_SMI_BIN, NVIDIA_SMI_CASES } from '../helpers/fake-nvidia-smi.js';
import { type PiholeStandin, startPiholeStandin } from '../helpers/pihole-standin.js';
import { requireDnsmasq, requireSshd, testServices } from '../helpers/services.js';

// What a terminal acts on, newline aside (the one control the printing paths write themselves).
const CONTROL = /[\u0000-\u0009\u000b-\u001f\u007f-\u009f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]/;
const TITLE_AND_CLEAR = '\x1b]0;PWNED\x07\x1b[2J';

let home: string;
let n = 0;

beforeAll(() => {
  ensureBuilt();
  home = mkdtempSync(join(tmpdir(), 'homeops-hostile-'));
}, 120_000);
afterAll(() => rmSync(home, { recursive: true, force: true }));

/** A fresh HOME with this config as the user's config. */
function withConfig(yaml: string): string {
  const dir = join(home, `h${++n}`);
  mkdirSync(join(dir, 'config', 'homeops'), { recursive: true });
  writeFileSync(join(dir, 'config', 'homeops', 'config.yaml'), yaml);
  return dir;
}

function expectSafe(result: CliResult): string {
  const all = result.stdout + result.stderr;
  expect(all).not.toMatch(CONTROL);
  return all;
}

const HERE_ONLY = `
hosts:
  here: { local: true, address: 127.0.0.1 }
plan: { host: here, groups: [{ name: all, cores: 1 }] }
probes: { cpu: { enabled: false }, gpu: { enabled: false } }
`;

describe.runIf(dockerEngineAvailable())('a container whose health check prints escape sequences', () => {
  let engine: TestEngine;
  let name: string;
  beforeAll(async () => {
    engine = await startTestEngine();
    name = `hostile${engine.run}`;
    await engine.runContainer(
      name,
      ['--health-cmd', `printf '\\033]0;PWNED\\007\\033[2J'; exit 1`, '--health-interval', '1s', '--health-retries', '1'],
      ['sleep', '3600'],
    );
  }, 60_000);
  afterAll(async () => {
    await engine?.removeTestContainers();
    await engine?.stop();
  });

  it('homeops status shows the output as \\e]0;… and \\e[2J, and sets no title', async () => {
    const dir = withConfig(`
hosts:
  here: { local: true, address: 127.0.0.1 }
plan: { host: here, groups: [{ name: db, cores: 1, containers: [${name}] }] }
probes: { cpu: { enabled: false }, gpu: { enabled: false } }
docker: { endpoints: [{ host: here, socket: "${engine.dockerHost}" }] }
`);
    let result: CliResult | undefined;
    for (let attempt = 0; attempt < 20; attempt++) {
      result = await runCli(['status'], { home: dir });
      if (result.stdout.includes('unhealthy')) break;
      await new Promise((r) => setTimeout(r, 500));
    }
    const all = expectSafe(result!);
    expect(all).toContain(`${name} unhealthy`);
    expect(all).toContain('\\e]0;…\\e[2J');
    // --json keeps the value exact: the same characters, escaped as JSON escapes them.
    const json = await runCli(['status', '--json'], { home: dir });
    expect(json.stdout).not.toMatch(CONTROL);
    const snapshot = JSON.parse(json.stdout) as {
      panes: { containers: { data: { containers: { name: string; lastHealthOutput: string | null }[] } } };
    };
    expect(snapshot.panes.containers.data.containers.find((c) => c.name === name)?.lastHealthOutput).toBe(TITLE_AND_CLEAR);
  }, 60_000);
});

describe('a runbook step that writes the clipboard (OSC 52)', () => {
  const step = `printf '\\033]52;c;cm0gLXJmIH4K\\007copied\\n'; printf 'back\\bspace\\n' >&2`;
  const book = (host: string) => `
id: clip
title: Clipboard
steps:
  - id: write
    run: { host: ${host}, command: "${step.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}" }
`;

  it('runbook run shows it as \\e]52;… and the backspace as \\b, here', async () => {
    const dir = withConfig(HERE_ONLY);
    mkdirSync(join(dir, 'config', 'homeops', 'runbooks'), { recursive: true });
    writeFileSync(join(dir, 'config', 'homeops', 'runbooks', 'clip.yaml'), book('here'));
    const result = await runCli(['runbook', 'run', 'clip', '--yes'], { home: dir });
    const all = expectSafe(result);
    expect(result.code).toBe(0);
    expect(all).toContain('│ \\e]52;…copied');
    expect(all).toContain('│ back\\bspace');
    // The audit log keeps what was said exactly (JSON), and the history prints it safely.
    expect(readFileSync(join(dir, 'state', 'homeops', 'audit.jsonl'), 'utf8')).toContain('\\u001b]52;c;cm0gLXJmIH4K\\u0007copied');
  });

  it.runIf(requireSshd())('and over SSH', async () => {
    const { ssh } = testServices();
    const dir = withConfig(`
hosts:
  here: { local: true, address: 127.0.0.1 }
  nas: { address: 127.0.0.1, ssh: { host: 127.0.0.1, port: ${ssh.port}, user: ${ssh.user}, identityFile: "${ssh.privateKeyPath}", knownHosts: "${ssh.knownHostsPath}" } }
plan: { host: here, groups: [{ name: all, cores: 1 }] }
probes: { cpu: { enabled: false }, gpu: { enabled: false } }
`);
    mkdirSync(join(dir, 'config', 'homeops', 'runbooks'), { recursive: true });
    writeFileSync(join(dir, 'config', 'homeops', 'runbooks', 'clip.yaml'), book('nas'));
    const result = await runCli(['runbook', 'run', 'clip', '--yes'], { home: dir });
    const all = expectSafe(result);
    expect(result.code).toBe(0);
    expect(all).toContain('│ \\e]52;…copied');
  });
});

describe('nvidia-smi (the fake, answering as recorded)', () => {
  const gpuConfig = `
hosts:
  here: { local: true, address: 127.0.0.1 }
plan: { host: here, groups: [{ name: all, cores: 1 }] }
probes: { cpu: { enabled: false } }
`;
  const fake = (dir: string) => ({ PATH: [FAKE_NVIDIA_SMI_BIN, process.env.PATH ?? ''].join(delimiter), FAKE_NVIDIA_SMI_CASE: dir });

  it('escape sequences on its stderr do not reach the terminal through status', async () => {
    const caseDir = mkdtempSync(join(home, 'nvsmi-'));
    cpSync(join(NVIDIA_SMI_CASES, 'driver-not-loaded'), caseDir, { recursive: true });
    // Nothing on stdout: the message is stderr's.
    writeFileSync(join(caseDir, 'fail.txt'), '');
    writeFileSync(join(caseDir, 'stderr.txt'), `${TITLE_AND_CLEAR}driver gone\n`);
    const result = await runCli(['status'], { home: withConfig(gpuConfig), env: fake(caseDir) });
    const all = expectSafe(result);
    expect(all).toMatch(/^DOWN +gpu /m);
    expect(all).toContain('\\e]0;…\\e[2J');
  });

  it('a backspace in garbage output, quoted in the error, is shown as \\b, not sent', async () => {
    const caseDir = mkdtempSync(join(home, 'nvsmi-'));
    cpSync(join(NVIDIA_SMI_CASES, 'rtx4080-595'), caseDir, { recursive: true });
    writeFileSync(join(caseDir, 'query-gpu.csv'), 'garbage\b\b\b\b\b\b\bEVIL\n');
    const result = await runCli(['status'], { home: withConfig(gpuConfig), env: fake(caseDir) });
    const all = expectSafe(result);
    expect(all).toContain('garbage\\b\\b\\b\\b\\b\\b\\bEVIL');
  });
});

describe.runIf(requireDnsmasq())('a Pi-hole whose error message holds escape sequences (the stand-in)', () => {
  let pihole: PiholeStandin;
  beforeAll(async () => {
    pihole = await startPiholeStandin({
      summaryError: { status: 500, key: 'database_error', message: `${TITLE_AND_CLEAR}bad`, hint: null },
    });
  });
  afterAll(() => pihole?.close());

  it('status prints it safely', async () => {
    const dns = testServices().dns[0]!;
    const dir = withConfig(`${HERE_ONLY}
dns:
  servers:
    - { name: pi, address: ${dns.host}, port: ${dns.port}, pihole: { url: "${pihole.url}", passwordEnv: PIHOLE_PW } }
  names: [{ name: nas.home, local: true }]
  timeout: 300ms
`);
    const result = await runCli(['status'], { home: dir, env: { PIHOLE_PW: 'correct horse' } });
    const all = expectSafe(result);
    expect(all).toContain('database_error');
    expect(all).toContain('\\e]0;…\\e[2J');
  });
});

describe.runIf(requireSshd())('a backup file name read over SFTP (the real sshd)', () => {
  it('status names the overdue backup with its escape sequence shown', async () => {
    const { ssh } = testServices();
    const nas = mkdtempSync(join(tmpdir(), 'homeops-hostile-nas-'));
    try {
      chmodSync(nas, 0o755);
      const file = join(nas, `db-${TITLE_AND_CLEAR}.dump`);
      writeFileSync(file, 'x'.repeat(100), { mode: 0o644 });
      const old = new Date(Date.now() - 3 * 86_400_000);
      utimesSync(file, old, old);
      const dir = withConfig(`
hosts:
  here: { local: true, address: 127.0.0.1 }
  nas: { address: 127.0.0.1, ssh: { host: 127.0.0.1, port: ${ssh.port}, user: ${ssh.user}, identityFile: "${ssh.privateKeyPath}", knownHosts: "${ssh.knownHostsPath}" } }
plan: { host: here, groups: [{ name: all, cores: 1 }] }
probes: { cpu: { enabled: false }, gpu: { enabled: false } }
backups: { sets: [{ name: database, host: nas, path: "${nas}", schedule: 1h }] }
`);
      const result = await runCli(['status'], { home: dir });
      const all = expectSafe(result);
      expect(all).toContain('database: overdue');
      expect(all).toContain('db-\\e]0;…\\e[2J.dump');
    } finally {
      rmSync(nas, { recursive: true, force: true });
    }
  });
});

describe('the history, check-config and error messages', () => {
  it('runbook history prints what a (tampered) audit log holds safely', async () => {
    const dir = withConfig(HERE_ONLY);
    mkdirSync(join(dir, 'state', 'homeops'), { recursive: true, mode: 0o700 });
    const line = {
      event: 'run-start',
      time: '2026-03-01T02:15:03.120Z',
      runId: 'r-1',
      user: `ana${TITLE_AND_CLEAR}`,
      machine: 'ws',
      runbook: `evil\x1b]52;c;eA==\x07`,
      inputs: {},
    };
    writeFileSync(join(dir, 'state', 'homeops', 'audit.jsonl'), `${JSON.stringify(line)}\n`, { mode: 0o600 });
    const result = await runCli(['runbook', 'history'], { home: dir });
    const all = expectSafe(result);
    expect(all).toContain('evil\\e]52;…');
    expect(all).toContain('ana\\e]0;…\\e[2J');
  });

  it('check-config prints a directory name with escape sequences safely', async () => {
    const dir = withConfig(HERE_ONLY);
    const books = join(dir, `books-${TITLE_AND_CLEAR}`);
    mkdirSync(books);
    writeFileSync(join(dir, 'config', 'homeops', 'config.yaml'), `${HERE_ONLY}\nrunbooks: { dirs: [${JSON.stringify(books)}] }\n`);
    const result = await runCli(['check-config'], { home: dir });
    const all = expectSafe(result);
    expect(result.code).toBe(0);
    expect(all).toContain('books-\\e]0;…\\e[2J');
  });

  it('an error quoting a bad value prints it safely, still one line and exit 78', async () => {
    const dir = withConfig(`${HERE_ONLY}\nrefresh: "\\e]0;PWNED\\a\\e[2J"\n`);
    const result = await runCli(['status'], { home: dir });
    const all = expectSafe(result);
    expect(result.code).toBe(78);
    expect(result.stderr.trim().split('\n')).toHaveLength(1);
    expect(all).toContain('refresh: "\\e]0;…\\e[2J" is not a duration');
  });

  it('a usage error echoing an argument prints it safely', async () => {
    const result = await runCli([`--${TITLE_AND_CLEAR}`], { home: withConfig(HERE_ONLY) });
    expect(result.code).toBe(64);
    expect(expectSafe(result)).toContain('\\e]0;…');
  });
});
