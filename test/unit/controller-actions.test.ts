// The console's one audited path for a change (src/cli/controller/actions.ts): the guard and
// the operator's answer first, then the audit log in the state directory gets a line before the
// change and one with its result; the console shows it busy while it runs and says the outcome.
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { ActionSpec } from '../../src/actions/perform.js';
import { AuditedActions } from '../../src/cli/controller/actions.js';
import { ConsoleBoard } from '../../src/cli/controller/board.js';
import { ConsoleGuard } from '../../src/cli/controller/guard.js';
import { Prompts } from '../../src/cli/controller/prompts.js';
import type { AuditActionLine } from '../../src/model/audit.js';
import { auditLogPath } from '../../src/runbooks/audit.js';
import { type ConsoleState, INITIAL_CONSOLE_STATE } from '../../src/ui/console-state.js';
import { cleanupDirs, stateEnv } from '../helpers/console-actions.js';

afterEach(() => cleanupDirs());

function restart(changes: string[], seen?: (board: ConsoleBoard) => void, board?: ConsoleBoard): ActionSpec {
  return {
    action: 'container.restart',
    target: 'web on ws',
    what: 'Restart web on ws',
    confirm: { title: 'Restart container', question: 'Restart web on ws?', yes: 'Restart', danger: true },
    async run() {
      if (seen && board) seen(board);
      changes.push('restart');
      return { result: 'ok', changed: true, message: 'web restarted on ws' };
    },
  };
}

/** The console's parts around the path, answering each question with `answer`. */
function console_(
  options: { readOnly?: boolean; demo?: string | null; answer?: 'yes' | 'no'; audit?: (line: AuditActionLine) => void } = {},
) {
  const env = stateEnv();
  const board = new ConsoleBoard(INITIAL_CONSOLE_STATE, { messageMs: 60_000 });
  const prompts = new Prompts(board);
  const guard = new ConsoleGuard({
    readOnly: options.readOnly ?? false,
    demo: options.demo ?? null,
    run: () => board.current().run,
    say: (t, tone) => board.say(t, tone),
  });
  const actions = new AuditedActions({
    env,
    demo: options.demo ?? null,
    ...(options.audit ? { audit: options.audit } : {}),
    board,
    prompts,
    guard,
  });
  const asked: string[] = [];
  board.subscribe((state: ConsoleState) => {
    const prompt = state.prompt;
    if (prompt?.kind !== 'confirm' || asked.includes(prompt.title + prompt.id)) return;
    asked.push(prompt.title + prompt.id);
    queueMicrotask(() => prompts.answer(prompt.id, options.answer ?? 'yes'));
  });
  return { env, board, actions, asked };
}

function logged(env: Record<string, string>): Array<Record<string, unknown>> {
  const path = auditLogPath(env);
  if (!existsSync(path)) return [];
  return readFileSync(path, 'utf8')
    .trim()
    .split('\n')
    .filter(Boolean)
    .map((l) => JSON.parse(l) as Record<string, unknown>);
}

describe('AuditedActions', () => {
  it('asks, writes who and what to the audit log before the change and the result after, shows it busy, says the outcome', async () => {
    const { env, board, actions, asked } = console_();
    const changes: string[] = [];
    let busy: string | null = null;
    const tried = await actions.act(
      restart(
        changes,
        (b) => {
          busy = b.current().busy;
        },
        board,
      ),
      'restarting web…',
      'web: not restarted',
    );
    expect(tried).toBe(true);
    expect(asked).toHaveLength(1);
    expect(changes).toEqual(['restart']);
    expect(busy).toBe('restarting web…');
    expect(board.current().busy).toBeNull();
    expect(board.current().message).toMatchObject({ text: 'web restarted on ws', tone: 'ok' });
    const lines = logged(env);
    expect(lines.map((l) => l.event)).toEqual(['action-start', 'action-end']);
    expect(lines[0]).toMatchObject({ action: 'container.restart', target: 'web on ws', what: 'Restart web on ws' });
    expect(typeof lines[0]?.user).toBe('string');
    expect(lines[1]).toMatchObject({ action: 'container.restart', result: 'ok', message: 'web restarted on ws', runId: lines[0]?.runId });
  });

  it('in read-only mode asks nothing, changes nothing, writes nothing and says why', async () => {
    const { env, board, actions, asked } = console_({ readOnly: true });
    const changes: string[] = [];
    expect(await actions.act(restart(changes), 'restarting web…', 'web: not restarted')).toBe(false);
    expect(asked).toEqual([]);
    expect(changes).toEqual([]);
    expect(logged(env)).toEqual([]);
    expect(board.current().message).toMatchObject({
      text: expect.stringContaining('Restart web on ws refused: read-only mode'),
      tone: 'warn',
    });
  });

  it('when the operator says no, changes nothing, writes nothing and says so', async () => {
    const { env, board, actions } = console_({ answer: 'no' });
    const changes: string[] = [];
    expect(await actions.act(restart(changes), 'restarting web…', 'web: not restarted')).toBe(false);
    expect(changes).toEqual([]);
    expect(logged(env)).toEqual([]);
    expect(board.current().message).toMatchObject({ text: 'web: not restarted', tone: 'plain' });
  });

  it('changes nothing when the audit log cannot be written', async () => {
    const { env, board, actions } = console_();
    // The state directory's place taken by a file: the log cannot be opened.
    mkdirSync(dirname(dirname(auditLogPath(env))), { recursive: true });
    writeFileSync(dirname(auditLogPath(env)), 'not a directory');
    const changes: string[] = [];
    expect(await actions.act(restart(changes), 'restarting web…', 'web: not restarted')).toBe(false);
    expect(changes).toEqual([]);
    expect(board.current().message).toMatchObject({ text: expect.stringContaining('the audit log cannot be written'), tone: 'warn' });
  });

  it('writes nothing in a demo (its engines are recordings), and to the writer given when there is one', async () => {
    const demo = console_({ demo: 'dns-outage' });
    await demo.actions.act(restart([]), 'restarting web…', 'web: not restarted');
    expect(logged(demo.env)).toEqual([]);
    const lines: AuditActionLine[] = [];
    const given = console_({ audit: (line) => lines.push(line) });
    await given.actions.act(restart([]), 'restarting web…', 'web: not restarted');
    expect(lines.map((l) => l.event)).toEqual(['action-start', 'action-end']);
    expect(logged(given.env)).toEqual([]);
  });

  it('aborts what is in flight when the console closes, and records it as aborted', async () => {
    const { env, actions } = console_();
    const spec: ActionSpec = {
      ...restart([]),
      run: (signal) => new Promise((_, reject) => signal.addEventListener('abort', () => reject(signal.reason as Error))),
    };
    const pending = actions.act(spec, 'restarting web…', 'web: not restarted');
    for (let i = 0; i < 50 && logged(env).length === 0; i++) await new Promise((r) => setTimeout(r, 5));
    actions.abortAll('the console was closed');
    expect(await pending).toBe(true);
    expect(logged(env).at(-1)).toMatchObject({ event: 'action-end', result: 'aborted', message: 'aborted: the console was closed' });
  });
});
