// The words an operator reads in an outage are never cut, at any of the three sizes the console
// is used at, in every scenario: status words, backup states and the WAL state, container states,
// DNS outcomes, the state word and "? help" in the status bar. Lines give way by priority
// instead: decorations and secondary figures go first.
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { buildMonitor } from '../../src/cli/compose.js';
import type { Monitor } from '../../src/monitor/monitor.js';
import { STATUS_WORD } from '../../src/ui/theme.js';
import { cleanupHomes, frameProblems, renderApp, statusBar, testSetup, unmountAll } from '../helpers/render.js';

const monitors: Monitor[] = [];
afterEach(() => {
  unmountAll();
  for (const m of monitors.splice(0)) m.stop();
});
afterAll(cleanupHomes);

const SCENARIOS = ['healthy', 'gpu-hot', 'db-unhealthy', 'primary-down', 'vpn-down', 'backups-stale'] as const;
const SIZES = [
  [80, 24],
  [120, 40],
  [200, 60],
] as const;

/** Words and phrases that must be read whole wherever they appear. */
const PROTECTED = [
  'STALE',
  'CRIT',
  'WARN',
  'DOWN',
  'unreachable',
  'fresh',
  'DUE',
  'OVERDUE',
  'MISSING',
  'UNKNOWN',
  'WAL FAILING',
  'WAL OFF',
  'WAL unknown',
  'WAL idle',
  'healthy',
  'unhealthy',
  'restarting',
  'starting',
  'running',
  'exited',
  'restart loop',
  'FAILOVER',
  'NO DNS',
  'timeout',
  'refused',
  'STOPPED',
];

/** Every "x…" on screen whose x is the start of a protected word cut short. */
function cutWords(screen: string): string[] {
  const found: string[] = [];
  for (const line of screen.split('\n')) {
    for (const match of line.matchAll(/(\S+(?: \S+)?)…/g)) {
      const before = match[1] ?? '';
      for (const word of PROTECTED) {
        // The text before the cut ends with a proper prefix of the word (at least two letters).
        for (let n = Math.min(word.length - 1, before.length); n >= 2; n--) {
          if (before.endsWith(word.slice(0, n)) && (before.length === n || /[\s(·:,]/.test(before[before.length - n - 1] ?? ''))) {
            found.push(`${word} cut as "${before}…" in: ${line.trim()}`);
            break;
          }
        }
      }
    }
  }
  return found;
}

describe.each(SCENARIOS)('--demo %s', (scenario) => {
  it.each(SIZES)('at %ix%i no word that matters is cut, and the status bar keeps its state and "? help"', async (columns, rows) => {
    const s = testSetup({ demo: scenario });
    const monitor = buildMonitor(s);
    monitors.push(monitor);
    await monitor.once();
    const app = await renderApp({ source: monitor, setup: s, columns, rows });
    const plain = app.plainFrame();
    expect(frameProblems(app.lastFrame(), columns, rows)).toEqual([]);
    expect(cutWords(plain)).toEqual([]);
    const bar = statusBar(plain);
    expect(bar).toContain(` ${STATUS_WORD[monitor.current().status]} `);
    expect(bar).toMatch(/ · \? help/);
  });
});

describe('the check itself', () => {
  it('finds a cut word and leaves whole words and cut names alone', () => {
    expect(cutWords('│● fresh   database  nas  1h / 4h · WAL F…│')).toHaveLength(1);
    expect(cutWords('│ api-gateway  restarti…')).toHaveLength(1);
    expect(cutWords('│ agent-orche… healthy   71%│')).toEqual([]);
    expect(cutWords('│ load 5.84 5.…│')).toEqual([]);
  });
});
