// The runbooks the console offers, loaded on first use (the menu opened, a runbook asked for):
// loading validates every file, which takes a while, and an idle console never spends it. A
// broken runbook file is said in a dialog and the console goes on without runbooks.
import type { Runbook } from '../../runbooks/load.js';
import type { ConsoleState } from '../../ui/console-state.js';
import type { ConsoleBoard } from './board.js';
import { type Catalog, type ControllerDeps, errorText } from './deps.js';
import type { Prompts } from './prompts.js';

const NO_RUNBOOKS: Catalog = { runbooks: [], get: () => undefined };

/** The menu's entries for the runbooks of a catalog. */
export function catalogEntries(catalog: Catalog): ConsoleState['catalog'] {
  return catalog.runbooks.map((r) => ({
    id: r.id,
    title: r.title,
    dangerous: r.dangerous,
    unavailable: r.unavailable ?? null,
    hosts: r.hostsUsed,
    steps: r.steps.length,
  }));
}

export class RunbookShelf {
  private catalog: Catalog | null;
  /** Why the runbooks could not be loaded. */
  private error: string | null = null;
  private loading: Promise<Catalog> | null = null;

  constructor(
    private readonly source: ControllerDeps['catalog'],
    private readonly ui: { board: ConsoleBoard; prompts: Prompts },
  ) {
    this.catalog = typeof source === 'function' ? null : (source ?? NO_RUNBOOKS);
  }

  /** The menu's entries as known now (none until a catalog given as a loader is loaded). */
  entries(): ConsoleState['catalog'] {
    return catalogEntries(this.catalog ?? NO_RUNBOOKS);
  }

  /** The runbooks loaded so far (none before load()). */
  get loaded(): Catalog {
    return this.catalog ?? NO_RUNBOOKS;
  }

  load(): Promise<Catalog> {
    if (this.catalog) return Promise.resolve(this.catalog);
    const load = this.source;
    if (typeof load !== 'function') return Promise.resolve(NO_RUNBOOKS);
    this.loading ??= (async () => {
      try {
        this.catalog = await load();
        this.ui.board.set({ catalog: catalogEntries(this.catalog) });
      } catch (error) {
        this.catalog = NO_RUNBOOKS;
        this.error = errorText(error);
        this.ui.prompts.notice(
          'Runbooks not loaded',
          [this.error, 'Fix the file (homeops check-config shows every problem) and start homeops again.'],
          'crit',
        );
      }
      return this.catalog;
    })();
    return this.loading;
  }

  /** A runbook by id, or null with the reason said. */
  async get(id: string): Promise<Runbook | null> {
    await this.load();
    const found = this.catalog?.get(id);
    if (!found) this.ui.board.say(this.error ? `no runbooks: ${this.error}` : `no runbook "${id}"`, 'warn');
    return found ?? null;
  }

  /** The first runbook with this part, or null with the reason said. */
  async withPart(part: string): Promise<Runbook | null> {
    await this.load();
    const found = this.catalog?.runbooks.find((r) => Object.hasOwn(r.parts, part));
    if (!found)
      this.ui.board.say(this.error ? `no runbooks: ${this.error}` : `no runbook has a ${part} part (docs/runbooks.md, "Parts")`, 'warn');
    return found ?? null;
  }
}
