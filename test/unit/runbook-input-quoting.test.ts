// A runbook's input cannot become shell code, however the runbook is written (issue 13, point 2):
// an input is inserted as one quoted word, and a placeholder anywhere the shell would not read
// it as a word of its own — inside quotes, backticks, a here-document, a comment, ${…}, or in
// what ssh, sh -c or eval run again — is refused when the file is loaded, located, with the safe
// form. Property: whatever the template and the value, a runbook that loads never runs the value.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { type Config, configSchema } from '../../src/config/schema.js';
import { UserFileError, validateDocument } from '../../src/config/user-file.js';
import type { Runbook } from '../../src/runbooks/load.js';
import { prepareRun } from '../../src/runbooks/prepare.js';
import { runbookSchema } from '../../src/runbooks/schema.js';

const config: Config = configSchema.parse({
  hosts: { here: { local: true, address: '127.0.0.1' }, nas: { address: '10.0.10.20', ssh: { user: 'admin' } } },
  plan: { host: 'here', groups: [{ name: 'all', cores: 1 }] },
  runbooks: {
    site: {
      quoted: 'echo "{{inputs.v}}"',
      bare: 'printf "%s\\n" {{inputs.v}}',
      remote: 'ssh -o BatchMode=yes root@10.0.10.1 uci set x={{inputs.v}}',
    },
  },
});

/** A runbook with one run step: `run` is its run: mapping as YAML flow text. */
function book(run: string): string {
  return ['id: q', 'title: Q', 'inputs: { v: { type: string } }', 'steps:', `  - id: s`, `    run: ${run}`, ''].join('\n');
}

function load(text: string, withConfig: Config | null = config): Runbook {
  const doc = validateDocument('q.yaml', text, runbookSchema(withConfig));
  return { ...doc, file: 'q.yaml', builtin: false, hostsUsed: [] };
}

function errorOf(text: string, withConfig: Config | null = config): string {
  try {
    load(text, withConfig);
  } catch (error) {
    if (error instanceof UserFileError) return error.message;
    throw error;
  }
  throw new Error('expected the runbook to be refused');
}

const yamlString = (s: string) => JSON.stringify(s);

describe('placeholders the shell would not read as one word are refused at load', () => {
  it('inside double or single quotes: located, with the safe form', () => {
    expect(errorOf(book(`{ host: here, command: ${yamlString('echo "{{inputs.v}}"')} }`))).toBe(
      'q.yaml:6:33 steps.0.run.command: {{inputs.v}} is inside double quotes: write it bare, {{inputs.v}} (it is passed as one word, quoted for you), or pass it in env: { V: "{{inputs.v}}" } and use "$V"',
    );
    expect(errorOf(book(`{ host: here, command: ${yamlString("echo '{{inputs.v}}'")} }`))).toMatch(
      /^q\.yaml:6:33 steps\.0\.run\.command: \{\{inputs\.v\}\} is inside single quotes: write it bare/,
    );
  });

  it('in backticks, a here-document, a comment, ${…}, $((…)), after a backslash', () => {
    const cases: [string, string][] = [
      ['echo `echo {{inputs.v}}`', 'inside backticks'],
      ['cat <<EOF\n{{inputs.v}}\nEOF', 'in a here-document'],
      ['true # {{inputs.v}}', 'in a comment'],
      ['echo ${X:-{{inputs.v}}}', 'inside ${…}'],
      ['echo $(( {{inputs.v}} + 1 ))', 'inside $((…))'],
      ['echo \\{{inputs.v}}', 'right after a backslash'],
    ];
    for (const [command, why] of cases)
      expect(errorOf(book(`{ host: here, command: ${yamlString(command)} }`))).toContain(`{{inputs.v}} is ${why}`);
  });

  it('in what another shell reads again: ssh, sh -c, eval — as a command line or as argv', () => {
    expect(errorOf(book(`{ host: here, command: "ssh root@router uci set x={{inputs.v}}" }`))).toContain(
      'is in what ssh runs on the remote host',
    );
    expect(errorOf(book(`{ host: here, command: "sudo -n sh -c {{inputs.v}}" }`))).toContain('is in the script sh -c runs');
    expect(errorOf(book(`{ host: here, command: "eval {{inputs.v}}" }`))).toContain('is in what eval runs');
    expect(errorOf(book(`{ host: here, argv: [ssh, router, "uci set x={{inputs.v}}"] }`))).toContain(
      'steps.0.run.argv.2: {{inputs.v}} is in what ssh runs',
    );
    expect(errorOf(book(`{ host: here, argv: [sh, -c, "echo '{{inputs.v}}'"] }`))).toContain(
      'steps.0.run.argv.2: {{inputs.v}} is inside single quotes',
    );
  });

  it('through a site value: its quotes count, and the message names it', () => {
    expect(errorOf(book(`{ host: here, command: "{{site.quoted}}" }`))).toMatch(
      /steps\.0\.run\.command: \{\{inputs\.v\}\} is inside double quotes \(through site value "quoted"\): write it bare/,
    );
    expect(errorOf(book(`{ host: here, command: "{{site.remote}}" }`))).toContain(
      'in what ssh runs on the remote host (a command line its shell reads again) (through site value "remote")',
    );
    expect(() => load(book(`{ host: here, command: "{{site.bare}}" }`))).not.toThrow();
  });

  it("bare, in $(…), as an argv word, or as sh -c's own argument is fine", () => {
    for (const run of [
      `{ host: here, command: "printf '%s\\\\n' {{inputs.v}}" }`,
      `{ host: here, command: "echo \\"$(printf %s {{inputs.v}})\\"" }`,
      `{ host: here, command: "docker exec db psql -d {{inputs.v}} && echo \\"it's done\\"" }`,
      `{ host: here, argv: [printf, '%s', "{{inputs.v}}"] }`,
      `{ host: here, argv: [sh, -c, "printf %s {{inputs.v}}"] }`,
      `{ host: here, argv: [sh, -c, 'printf %s "$1"', sh, "{{inputs.v}}"] }`,
      `{ host: here, command: "printf %s \\"$V\\"", env: { V: "{{inputs.v}}" } }`,
    ])
      expect(() => load(book(run)), run).not.toThrow();
  });
});

describe('property: a runbook that loads never runs its input', () => {
  const dir = mkdtempSync(join(tmpdir(), 'homeops-quoting-'));
  const marker = join(dir, 'pwned');
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  const P = '{{inputs.v}}';
  // How a runbook author might place the input.
  const placements = [
    P,
    `"${P}"`,
    `'${P}'`,
    `"a ${P} b"`,
    `'a ${P} b'`,
    `\`echo ${P}\``,
    `"$(echo ${P})"`,
    `$(echo ${P})`,
    `\${X:-${P}}`,
    `"\${X:-${P}}"`,
    `\\${P}`,
    `x${P}y`,
    `--flag=${P}`,
    `"$(printf %s "${P}")"`,
    `"'${P}'"`,
    `'"${P}"'`,
  ];
  const tails = ['', `; echo end`, ` # ${P}`, `\ncat <<EOF\n${P}\nEOF`, ` && eval ${P}`, ` | sh -c ${P}`];
  const payloads = [
    `$(touch ${marker})`,
    `x; touch ${marker}`,
    `x\ntouch ${marker}`,
    `\`touch ${marker}\``,
    `'; touch ${marker}; '`,
    `"; touch ${marker}; "`,
    `\\'; touch ${marker} #`,
    `$'\\x27'; touch ${marker}`,
  ];
  const value = fc.oneof(
    fc.constantFrom(...payloads),
    fc.string({ maxLength: 12 }).map((s) => s.replace(/\0/g, '')),
    fc.tuple(fc.constantFrom(...payloads), fc.string({ maxLength: 4 })).map(([a, b]) => `${b.replace(/\0/g, '')}${a}`),
  );

  it('any placement, any value: refused at load, or run without running the value', () => {
    fc.assert(
      fc.property(fc.constantFrom(...placements), fc.constantFrom(...tails), value, (placement, tail, v) => {
        rmSync(marker, { force: true });
        const command = `printf '[%s]\\n' ${placement}${tail}`;
        let runbook: Runbook;
        try {
          runbook = load(book(`{ host: here, command: ${yamlString(command)} }`));
        } catch (error) {
          expect(error).toBeInstanceOf(UserFileError);
          return;
        }
        const plan = prepareRun(runbook, { v }, { config, env: {} });
        const shell = plan.steps[0]?.run?.command;
        if (!shell || !('shell' in shell)) throw new Error('no shell command planned');
        const result = spawnSync('sh', ['-c', shell.shell], { encoding: 'utf8', timeout: 5000 });
        expect(existsSync(marker)).toBe(false);
        // Bare, the value arrives as one argument, exactly.
        if (placement === P && tail === '') expect(result.stdout).toBe(`[${v}]\n`);
      }),
      { seed: 1302, numRuns: 400 },
    );
  });
});
