// `homeops watch --metrics`: a real Prometheus server (Debian's package) scrapes the watcher on
// loopback and reads back the panes' statuses, the alerts firing, the plan groups, the GPU, the
// backups, DNS and the services' checks; promtool lints the classic text format.
import { type ChildProcess, execFileSync, spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CLI, ensureBuilt, ROOT } from '../helpers/cli.js';
import { haveCommand, requireService } from '../helpers/require-service.js';
import { freePort } from '../helpers/sshd.js';

const havePrometheus = requireService(
  'prometheus',
  () => haveCommand('prometheus') && haveCommand('promtool'),
  'apt-get install -y prometheus',
);

async function waitFor<T>(what: string, get: () => Promise<T | null>, ms = 60_000): Promise<T> {
  const start = Date.now();
  let last: unknown = null;
  for (;;) {
    try {
      const value = await get();
      if (value !== null) return value;
    } catch (error) {
      last = error;
    }
    if (Date.now() - start > ms) throw new Error(`timed out waiting for ${what}${last ? `: ${String(last)}` : ''}`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

describe.runIf(havePrometheus)('Prometheus scrapes homeops watch', () => {
  let home: string;
  const children: ChildProcess[] = [];
  let prom = '';
  let metricsPort = 0;
  let watchOut = '';
  beforeAll(async () => {
    ensureBuilt();
    home = mkdtempSync(join(tmpdir(), 'homeops-metrics-'));
    metricsPort = await freePort();
    const promPort = await freePort();
    prom = `http://127.0.0.1:${promPort}`;
    const config = join(home, 'estate.yaml');
    writeFileSync(config, `${readFileSync(join(ROOT, 'examples', 'estate.yaml'), 'utf8')}\nalerts: { sustain: 2s }\n`);
    const env = {
      PATH: process.env.PATH ?? '/usr/bin:/bin',
      HOME: home,
      XDG_STATE_HOME: join(home, 'state'),
      XDG_CACHE_HOME: join(home, 'cache'),
    };
    const watch = spawn(
      process.execPath,
      [CLI, 'watch', '--config', config, '--demo', 'primary-down', '--metrics', `127.0.0.1:${metricsPort}`],
      { env, stdio: ['ignore', 'pipe', 'pipe'] },
    );
    watch.stdout?.setEncoding('utf8').on('data', (c: string) => (watchOut += c));
    watch.stderr?.setEncoding('utf8').on('data', (c: string) => (watchOut += c));
    children.push(watch);
    writeFileSync(
      join(home, 'prometheus.yml'),
      [
        'global: { scrape_interval: 1s, evaluation_interval: 1s }',
        'scrape_configs:',
        '  - job_name: homeops',
        '    scrape_interval: 1s',
        `    static_configs: [{ targets: ["127.0.0.1:${metricsPort}"] }]`,
        '',
      ].join('\n'),
    );
    const server = spawn(
      'prometheus',
      [
        `--config.file=${join(home, 'prometheus.yml')}`,
        `--storage.tsdb.path=${join(home, 'tsdb')}`,
        `--web.listen-address=127.0.0.1:${promPort}`,
      ],
      { cwd: home, stdio: 'ignore' },
    );
    children.push(server);
  }, 120_000);
  afterAll(async () => {
    for (const child of children) {
      child.kill('SIGTERM');
      await new Promise((r) => (child.exitCode !== null || child.signalCode !== null ? r(null) : child.once('close', r)));
    }
    rmSync(home, { recursive: true, force: true });
  });

  const query = async (expr: string): Promise<{ metric: Record<string, string>; value: [number, string] }[]> => {
    const response = await fetch(`${prom}/api/v1/query?query=${encodeURIComponent(expr)}`);
    const body = (await response.json()) as {
      status: string;
      data: { result: { metric: Record<string, string>; value: [number, string] }[] };
    };
    return body.status === 'success' ? body.data.result : [];
  };

  it('the target is up, scraped as OpenMetrics, and the estate reads back', async () => {
    const target = await waitFor('the homeops target to be scraped', async () => {
      const body = (await (await fetch(`${prom}/api/v1/targets`)).json()) as {
        data: { activeTargets: { health: string; lastError: string; scrapeUrl: string }[] };
      };
      const t = body.data.activeTargets[0];
      return t && t.health === 'up' ? t : null;
    });
    expect(target.lastError).toBe('');
    expect(target.scrapeUrl).toBe(`http://127.0.0.1:${metricsPort}/metrics`);
    // primary-down: DNS fails over; its alert fires after the 2 s sustain.
    const dnsWarn = await waitFor('dns warn', async () =>
      (await query('homeops_pane_status{pane="dns",status="warn"} == 1')).length ? true : null,
    );
    expect(dnsWarn).toBe(true);
    const firing = await waitFor('a high alert firing', async () => {
      const r = await query('homeops_alert_firing{severity="high"}');
      return r.length ? r : null;
    });
    expect(firing.map((r) => r.metric.key)).toContain('dns:failover-clients-use-secondary-primary-timed-out');
    expect(Number((await query('homeops_alerts_firing{severity="high"}'))[0]?.value[1])).toBeGreaterThanOrEqual(1);
    expect((await query('homeops_dns_up{server="primary"}'))[0]?.value[1]).toBe('0');
    expect(Number((await query('homeops_dns_latency_seconds{server="secondary"}'))[0]?.value[1])).toBeGreaterThan(0);
    const groups = (await query('homeops_plan_group_cpu_cores')).map((r) => `${r.metric.group}=${r.value[1]}`).sort();
    expect(groups).toEqual(['burst=2', 'core=4', 'database=4', 'specialized=4', 'system=2']);
    expect((await query('homeops_plan_group_memory_planned_bytes{group="database"}'))[0]?.value[1]).toBe(String(12 * 1024 ** 3));
    expect(Number((await query('homeops_gpu_temperature_celsius{gpu="0"}'))[0]?.value[1])).toBeGreaterThan(0);
    const ages = await query('homeops_backup_age_seconds < homeops_backup_schedule_seconds');
    expect(ages.length).toBeGreaterThan(0);
    expect(Number((await query('homeops_store_bytes'))[0]?.value[1])).toBeGreaterThan(0);
    // The services' checks: the primary DNS down and erroring, against its priority's budget;
    // the others up, with their response times; the auth service's certificate.
    expect((await query('homeops_service_state{service="dns-primary",state="down"}'))[0]?.metric.priority).toBe('1');
    expect((await query('homeops_service_state{service="dns-primary",state="down"}'))[0]?.value[1]).toBe('1');
    expect((await query('homeops_service_level{service="dns-primary",level="warn"}'))[0]?.value[1]).toBe('1');
    expect(Number((await query('homeops_service_error_ratio{service="dns-primary",window="5m"}'))[0]?.value[1])).toBeGreaterThan(0.5);
    expect(Number((await query('homeops_service_down_seconds{service="dns-primary"}'))[0]?.value[1])).toBeGreaterThanOrEqual(0);
    expect((await query('homeops_service_budget_seconds{service="dns-primary"}'))[0]?.value[1]).toBe('300');
    expect(Number((await query('homeops_service_response_seconds{service="api-gateway"}'))[0]?.value[1])).toBeGreaterThan(0.01);
    expect(Number((await query('homeops_service_response_p95_seconds{service="api-gateway",window="5m"}'))[0]?.value[1])).toBeGreaterThan(
      0.01,
    );
    expect(await query('homeops_service_response_seconds{service="dns-primary"}')).toEqual([]);
    expect(Number((await query('homeops_service_certificate_expiry_seconds{service="auth"}'))[0]?.value[1])).toBeGreaterThan(86_400);
    // The units come only in OpenMetrics (# UNIT): Prometheus asked for it and got it.
    const metadata = (await (await fetch(`${prom}/api/v1/targets/metadata?metric=homeops_gpu_temperature_celsius`)).json()) as {
      data: { type: string; unit: string; help: string }[];
    };
    expect(metadata.data[0]).toMatchObject({ type: 'gauge', unit: 'celsius', help: 'GPU temperature' });
  }, 90_000);

  it('the classic text format passes promtool', async () => {
    const response = await fetch(`http://127.0.0.1:${metricsPort}/metrics`);
    expect(response.headers.get('content-type')).toBe('text/plain; version=0.0.4; charset=utf-8');
    const text = await response.text();
    const lint = execFileSync('promtool', ['check', 'metrics'], { input: text, encoding: 'utf8' });
    expect(lint).toBe('');
    const open = await fetch(`http://127.0.0.1:${metricsPort}/metrics`, {
      headers: { accept: 'application/openmetrics-text;version=1.0.0' },
    });
    expect(open.headers.get('content-type')).toBe('application/openmetrics-text; version=1.0.0; charset=utf-8');
    expect((await open.text()).endsWith('# EOF\n')).toBe(true);
    expect((await fetch(`http://127.0.0.1:${metricsPort}/other`)).status).toBe(404);
    expect(watchOut).toContain(`metrics at http://127.0.0.1:${metricsPort}/metrics`);
  });

  it('an address it cannot serve stops a second watcher at once with exit 69 and the reason', async () => {
    // The port is the first watcher's; a second watcher of another timeline (healthy) cannot bind it.
    const other = mkdtempSync(join(tmpdir(), 'homeops-metrics-busy-'));
    try {
      const env = {
        PATH: process.env.PATH ?? '/usr/bin:/bin',
        HOME: other,
        XDG_STATE_HOME: join(other, 'state'),
        XDG_CACHE_HOME: join(other, 'cache'),
      };
      const result = spawnSync(process.execPath, [CLI, 'watch', '--demo', 'healthy', '--metrics', `127.0.0.1:${metricsPort}`], {
        env,
        encoding: 'utf8',
        timeout: 30_000,
      });
      expect(result.status).toBe(69);
      expect(result.stderr).toMatch(new RegExp(`^homeops watch: cannot serve metrics on 127\\.0\\.0\\.1:${metricsPort}: .*EADDRINUSE`));
    } finally {
      rmSync(other, { recursive: true, force: true });
    }
  });
});
