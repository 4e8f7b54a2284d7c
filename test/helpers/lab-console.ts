// Driving the console against the lab as an operator does: started in a real terminal (tmux)
// with the lab's config, a runbook picked from the menu (`b`, the arrows, enter), its inputs'
// form, its id typed, its confirm steps answered.
import { cli } from './built.js';
import { TmuxSession } from './tmux.js';

export async function startConsole(env: Record<string, string | undefined>, cwd: string): Promise<TmuxSession> {
  const tmux = await TmuxSession.start({ cols: 120, rows: 40, env, cwd, command: `node ${cli}` });
  await tmux.waitFor(/refresh \d+s/, 15_000);
  return tmux;
}

/**
 * Opens the runbook menu, moves to `id` and presses enter; in its inputs' form, `choose` moves
 * to a field (by its position) and picks a value with the right arrow (an enum's next value);
 * then the id is typed as a dangerous runbook asks.
 */
export async function runFromMenu(tmux: TmuxSession, id: string, choose: { field: number; rights: number }[] = []): Promise<void> {
  await tmux.sendKeys('b');
  await tmux.waitFor(/Runbooks \([1-9]\d*\)/, 10_000);
  // One step at a time, each seen on the screen before the next: a busy machine draws late.
  const picked = (screen: string) => /▸ ([a-z][a-z0-9-]*)\b/.exec(screen)?.[1] ?? '';
  let current = picked(await tmux.waitFor((screen) => picked(screen) !== '', 5_000));
  for (let i = 0; current !== id && i < 20; i++) {
    const before = current;
    await tmux.sendKeys('Down');
    current = picked(await tmux.waitFor((screen) => picked(screen) !== before, 5_000));
  }
  await tmux.sendKeys('Enter');
  const next = await tmux.waitFor(new RegExp(`${id} · inputs|Type ${id} and press`), 10_000);
  if (next.includes(`${id} · inputs`)) {
    let at = 0;
    for (const { field, rights } of choose) {
      for (; at < field; at++) await tmux.sendKeys('Down');
      for (let r = 0; r < rights; r++) await tmux.sendKeys('Right');
    }
    await tmux.sendKeys('Enter');
    await tmux.waitFor(new RegExp(`Type ${id} and press`), 10_000);
  }
  await tmux.type(id);
  await tmux.sendKeys('Enter');
}

/** Waits for a confirm step's question and answers yes. */
export async function confirm(tmux: TmuxSession, question: RegExp, timeoutMs = 120_000): Promise<string> {
  const screen = await tmux.waitFor(question, timeoutMs);
  await tmux.sendKeys('y');
  return screen;
}

/** Waits for the end of the run in the panel (its result line); the screen then. */
export function runEnd(tmux: TmuxSession, timeoutMs: number): Promise<string> {
  return tmux.waitFor(/ ✔ ok in \d| [✖■] (FAILED|ABORTED|INTERRUPTED)( at \S+)? after \d/, timeoutMs);
}
