// The plan a dry run prints: every step's host and exact command, resolved before anything runs.
import { describe, expect, it } from 'vitest';
import { estateConfigPath } from '../../src/config/paths.js';
import { configSchema } from '../../src/config/schema.js';
import { readUserFile, validateDocument } from '../../src/config/user-file.js';
import { loadRunbooks } from '../../src/runbooks/load.js';
import { formatPlan, parseServer, planRun } from '../../src/runbooks/plan.js';
import { prepareRun } from '../../src/runbooks/prepare.js';
import { Redactor } from '../../src/runbooks/redact.js';
import { runbookSchema } from '../../src/runbooks/schema.js';

const defaults = readUserFile(estateConfigPath(), configSchema);
const catalog = loadRunbooks({ config: defaults, env: { HOME: '/nonexistent' }, cwd: '/' });
const env = { HOME: '/nonexistent' };

describe('the dry-run plan of the built-in runbooks', () => {
  it('dns-failover: where each step runs and the exact commands, site values and addresses filled in', () => {
    const text = formatPlan(prepareRun(catalog.get('dns-failover')!, {}, { config: defaults, env }), defaults);
    expect(text).toMatch(/^dns-failover · DNS failover to the NAS · dangerous\ndry run: nothing is run, nothing is locked or logged\n/);
    expect(text).toMatch(/ 1\. primary-down +check +this machine\n.*\n +dns: ask 10\.0\.10\.10:53 for nas\.home \(A\); expect failing\n/);
    expect(text).toMatch(/ 4\. dhcp-to-backup +run +nas \(ssh admin@10\.0\.10\.20\)\n/);
    expect(text).toContain(
      `$ ssh -o BatchMode=yes root@10.0.10.1 "uci set dhcp.lan.dhcp_option='6,10.0.10.20,10.0.10.1' && uci commit dhcp && /etc/init.d/dnsmasq reload"`,
    );
    expect(text).toMatch(/rollback \(when a step fails and the run stops\):\n R1\. dhcp-to-primary +run +nas/);
    expect(text).not.toContain('{{');
  });

  it('database-restore: inputs go into the environment; the steps of the other method are marked skipped', () => {
    const plan = prepareRun(catalog.get('database-restore')!, { method: 'dump', database: 'ledger' }, { config: defaults, env });
    const text = formatPlan(plan, defaults);
    expect(text).toContain('inputs: database=ledger method=dump targetTime=');
    expect(plan.steps.find((s) => s.id === 'replay-wal')?.skip).toBe('method is "dump", not "pitr"');
    expect(plan.steps.find((s) => s.id === 'restore-dump')).toMatchObject({
      skip: undefined,
      host: 'workstation',
      displayEnv: 'DB=ledger',
    });
    expect(text).toMatch(
      /restore-dump +run +workstation \(local\)\n.*\n +env DB=ledger\n +\$ latest=\$\(ls -1t \/mnt\/nas\/backups\/db\/\*\.dump/,
    );
    expect(text).toMatch(
      /backups-present +check +nas \(ssh admin@10\.0\.10\.20\)\n.*\n +backup set database: newest \*\.dump in \/volume1\/backups\/db at most 7d old/,
    );
  });

  it('maintenance-window --part verify-backups: only the backup checks and the verification, not dangerous, no rollback', () => {
    const whole = prepareRun(catalog.get('maintenance-window')!, {}, { config: defaults, env });
    const plan = prepareRun(catalog.get('maintenance-window')!, {}, { config: defaults, env }, 'verify-backups');
    expect(whole.runbook.dangerous).toBe(true);
    expect(plan.part).toBe('verify-backups');
    expect(plan.runbook.dangerous).toBe(false);
    expect(plan.runbook.title).toBe('Monthly maintenance window: Verify the backups');
    expect(plan.steps.map((s) => [s.index, s.id])).toEqual([
      [0, 'config-backup-fresh'],
      [1, 'app-backup-fresh'],
      [2, 'database-backup-fresh'],
      [3, 'verify-backup'],
      [4, 'database-drill'],
    ]);
    expect(plan.rollback).toEqual([]);
    const text = formatPlan(plan, defaults);
    expect(text).toMatch(/^maintenance-window --part verify-backups · Monthly maintenance window: Verify the backups\n/);
    expect(text).toMatch(/ 4\. verify-backup +run +workstation \(local\)\n/);
    expect(text).toMatch(
      / 5\. database-drill +check +workstation \(local\)\n.*\n +drill: restore the newest backup of set database into a throwaway PostgreSQL on workstation; expect restorable\n/,
    );
    expect(text).not.toContain('system-updates');
    expect(() => prepareRun(catalog.get('maintenance-window')!, {}, { config: defaults, env }, 'verify')).toThrow(
      'maintenance-window has no part "verify" (parts: verify-backups)',
    );
  });

  it('every built-in plans with its defaults', () => {
    for (const runbook of catalog.runbooks) {
      const plan = prepareRun(runbook, {}, { config: defaults, env });
      for (const step of [...plan.steps, ...plan.rollback]) {
        expect(step.display, `${runbook.id} ${step.id}`).not.toMatch(/\{\{\s*(inputs|site|hosts)\./);
        if (step.run) expect(['workstation', 'nas']).toContain(step.host);
      }
    }
  });
});

describe('plans of a runbook with secrets', () => {
  const config = configSchema.parse({
    hosts: { nas: { ssh: { user: 'admin', port: 2222, host: 'nas.home' } } },
    plan: { host: 'nas', groups: [{ name: 'a', cores: 1 }] },
  });
  const doc = validateDocument(
    'b.yaml',
    [
      'id: rotate',
      'title: Rotate a password',
      'inputs:',
      '  pw: { type: string, secret: true }',
      '  user: { type: string, default: "ana smith" }',
      'steps:',
      '  - id: set',
      '    run: { host: nas, command: "chpasswd-for {{inputs.user}} {{inputs.pw}}", env: { NEW_PASSWORD: "{{inputs.pw}}", WHO: "{{inputs.user}}" } }',
    ].join('\n'),
    runbookSchema(config),
  );
  const runbook = { ...doc, file: 'b.yaml', builtin: false, hostsUsed: ['nas'] };

  it('shows the exact command with the secret masked, inputs quoted as single words', () => {
    const plan = planRun(runbook, { pw: 'p@ss w0rd', user: 'ana smith' }, config, new Redactor([]));
    const text = formatPlan(plan, config);
    expect(text).toContain("$ chpasswd-for 'ana smith' '***'");
    expect(text).toContain("env NEW_PASSWORD=*** WHO='ana smith'");
    expect(text).toContain('inputs: pw=*** user=ana smith');
    expect(text).toMatch(/1\. set +run +nas \(ssh admin@nas\.home:2222\)/);
    expect(text).not.toContain('p@ss');
    // The command that runs has the real value.
    expect(plan.steps[0]?.run?.command).toEqual({ shell: "chpasswd-for 'ana smith' 'p@ss w0rd'" });
  });
});

describe('DNS server addresses', () => {
  it.each([
    ['10.0.10.10', { address: '10.0.10.10', port: 53 }],
    ['10.0.10.10:5353', { address: '10.0.10.10', port: 5353 }],
    ['[fd00::1]:53', { address: 'fd00::1', port: 53 }],
    ['fd00::1', { address: 'fd00::1', port: 53 }],
  ])('%s', (text, expected) => {
    expect(parseServer(text)).toEqual(expected);
  });
  it('refuses a bad port', () => {
    expect(() => parseServer('10.0.10.10:dns')).toThrow('"10.0.10.10:dns": the port is not a number from 1 to 65535');
  });
});
