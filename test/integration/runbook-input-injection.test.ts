// Hostile runbook inputs, run for real by the built binary, here and over SSH (the real sshd):
// $(…), "; cmd", a newline, backticks and quotes arrive as one argument, exactly, and run
// nothing; a runbook that puts an input inside quotes does not load (issue 13, point 2).
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureBuilt, runCli } from '../helpers/cli.js';
import { requireSshd, testServices } from '../helpers/services.js';

let home: string;
let shared: string;
let n = 0;

beforeAll(() => {
  ensureBuilt();
  home = mkdtempSync(join(tmpdir(), 'homeops-inputs-'));
  // Where an injected command would leave its mark: writable by the SSH user too.
  shared = mkdtempSync(join(tmpdir(), 'homeops-inputs-mark-'));
  chmodSync(shared, 0o777);
}, 120_000);
afterAll(() => {
  rmSync(home, { recursive: true, force: true });
  rmSync(shared, { recursive: true, force: true });
});

function setUp(hostsYaml: string, runbook: string): string {
  const dir = join(home, `h${++n}`);
  mkdirSync(join(dir, 'config', 'homeops', 'runbooks'), { recursive: true });
  writeFileSync(
    join(dir, 'config', 'homeops', 'config.yaml'),
    `hosts:\n${hostsYaml}\nplan: { host: here, groups: [{ name: all, cores: 1 }] }\nprobes: { cpu: { enabled: false }, gpu: { enabled: false } }\n`,
  );
  writeFileSync(join(dir, 'config', 'homeops', 'runbooks', 'echo.yaml'), runbook);
  return dir;
}

const HERE = '  here: { local: true, address: 127.0.0.1 }';
const book = (host: string, command: string) => `id: echo
title: Echo
inputs: { v: { type: string } }
steps:
  - id: say
    run: { host: ${host}, command: ${JSON.stringify(command)} }
`;

function payloads(mark: string): string[] {
  return [
    `$(touch ${mark})`,
    `x; touch ${mark}`,
    `x\ntouch ${mark}`,
    `\`touch ${mark}\``,
    `it's "${mark}"; touch ${mark} '`,
    `'$(touch ${mark})'`,
  ];
}

async function expectInert(dir: string, tag: string): Promise<void> {
  for (const [index, value] of payloads(join(shared, `${tag}-${n}-mark`)).entries()) {
    const mark = join(shared, `${tag}-${n}-mark`);
    const result = await runCli(['runbook', 'run', 'echo', '--input', `v=${value}`], { home: dir });
    expect(existsSync(mark), `payload ${index} ran`).toBe(false);
    expect(result.code).toBe(0);
    // The value arrived as one argument, exactly: printf prints it between the brackets.
    const audit = readFileSync(join(dir, 'state', 'homeops', 'audit.jsonl'), 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as { event: string; output?: string });
    expect(audit.filter((e) => e.event === 'step').at(-1)?.output).toBe(`[${value}]\n`);
  }
}

describe('hostile input values arrive as one word and run nothing', () => {
  it('here', async () => {
    await expectInert(setUp(HERE, book('here', "printf '[%s]\\n' {{inputs.v}}")), 'here');
  }, 60_000);

  it.runIf(requireSshd())(
    'over SSH',
    async () => {
      const { ssh } = testServices();
      const nas = `  nas: { address: 127.0.0.1, ssh: { host: 127.0.0.1, port: ${ssh.port}, user: ${ssh.user}, identityFile: "${ssh.privateKeyPath}", knownHosts: "${ssh.knownHostsPath}" } }`;
      await expectInert(setUp(`${HERE}\n${nas}`, book('nas', "printf '[%s]\\n' {{inputs.v}}")), 'ssh');
    },
    60_000,
  );
});

describe('a runbook that quotes an input does not load', () => {
  for (const [what, command] of [
    ['double quotes', 'echo "{{inputs.v}}"'],
    ['single quotes', "echo '{{inputs.v}}'"],
  ] as const) {
    it(`${what}: check-config and runbook run say where and what to write instead (exit 78), and nothing runs`, async () => {
      const mark = join(shared, `quoted-${n}`);
      const dir = setUp(HERE, book('here', command));
      const file = join(dir, 'config', 'homeops', 'runbooks', 'echo.yaml');
      for (const args of [['check-config'], ['runbook', 'run', 'echo', '--input', `v=x; touch ${mark}`]]) {
        const result = await runCli(args, { home: dir });
        expect(result.code).toBe(78);
        expect(result.stderr).toBe(
          `${file}:6:33 steps.0.run.command: {{inputs.v}} is inside ${what}: write it bare, {{inputs.v}} (it is passed as one word, quoted for you), or pass it in env: { V: "{{inputs.v}}" } and use "$V"\n`,
        );
      }
      expect(existsSync(mark)).toBe(false);
    });
  }
});
