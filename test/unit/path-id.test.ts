// Ids that become file names stay inside their folder, whatever they hold (issue 13, point 9).
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { IdError, idFileName, pathIdProblem } from '../../src/config/path-id.js';
import { ScenarioError } from '../../src/demo/scenario.js';
import { loadScenario } from '../../src/demo/scenario-load.js';
import { lockPath, unlock } from '../../src/runbooks/lock.js';
import { loadRunState, type RunState, runStatePath, saveRunState } from '../../src/runbooks/state.js';

describe('ids as file names', () => {
  it('takes plain names and refuses anything that could leave the folder', () => {
    for (const id of ['dns-failover', 'maintenance-window', 'a.b_c-1', '20260301T021503Z-dns-failover-3f2a'])
      expect(pathIdProblem(id)).toBeNull();
    for (const id of ['../../../victim', '..', '.hidden', 'a/b', '/etc/passwd', 'a\\b', 'nul\0byte', '', ' lead', 'x'.repeat(201)]) {
      expect(pathIdProblem(id)).not.toBeNull();
      expect(() => idFileName('runbook', id, '.lock')).toThrow(IdError);
    }
  });
});

describe('where ids become paths', () => {
  const root = mkdtempSync(join(tmpdir(), 'homeops-ids-'));
  const env = { XDG_STATE_HOME: join(root, 'state'), HOME: root };
  afterAll(() => rmSync(root, { recursive: true, force: true }));

  it('unlock ../../../victim touches nothing outside the state directory', () => {
    mkdirSync(join(root, 'state', 'homeops', 'locks'), { recursive: true, mode: 0o700 });
    const victim = join(root, 'victim.lock');
    writeFileSync(victim, JSON.stringify({ pid: 999_999, host: 'elsewhere', user: 'x', startedAt: new Date().toISOString(), runId: 'r' }));
    // ../../../victim from state/homeops/locks is root/victim.
    expect(() => unlock(env, '../../../victim', true)).toThrow(IdError);
    expect(() => lockPath(env, '../../../victim')).toThrow(/is not a runbook id/);
    expect(existsSync(victim)).toBe(true);
  });

  it('a run state file that names another run (an edited runId) is not loaded, so never written back there', () => {
    const state = {
      version: 1,
      runId: 'r-1',
      runbook: 'b',
      title: 'b',
      file: 'b.yaml',
      pid: 1,
      host: 'h',
      user: 'u',
      startedAt: '',
      updatedAt: '',
      status: 'running',
      phase: 'main',
      inputs: {},
      secretInputs: [],
      steps: [],
      rollback: [],
      resumed: 0,
    } satisfies RunState;
    saveRunState(env, state);
    expect(loadRunState(env, 'r-1')?.runId).toBe('r-1');
    writeFileSync(runStatePath(env, 'r-1'), JSON.stringify({ ...state, runId: '../../../escaped' }));
    expect(loadRunState(env, 'r-1')).toBeNull();
    expect(() => saveRunState(env, { ...state, runId: '../../../escaped' })).toThrow(IdError);
    expect(existsSync(join(root, 'escaped.json'))).toBe(false);
  });

  it('a demo scenario is a name among the scenarios, not a path', () => {
    expect(() => loadScenario('../../../../etc')).toThrow(ScenarioError);
    expect(loadScenario('healthy').name).toBe('healthy');
  });
});
