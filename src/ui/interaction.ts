// Where a key goes. The console's layers, top first: a dialog, the containers filter prompt,
// the runbook menu, a panel (runbook run, logs, history, dry run), the help, the panes. A key
// press becomes new UI state and effects (intents for the controller); pure, so that the App
// only has to carry them out.
import type { Keymap } from '../config/keymaps.js';
import { type Command, isCommand, runbookOf } from '../model/commands.js';
import type { ContainersReading } from '../model/containers.js';
import type { PaneId } from '../model/panes.js';
import { logsRoom } from './components/panel-lines.js';
import type { Answer, ConsoleState, ContainerAction, ContainerTarget, MessageTone, Panel, Prompt } from './console-state.js';
import type { KeyPress } from './key-decoder.js';
import { acceptSearch, goToMatch, INITIAL_LOGS_VIEW, type LogsView, logsViewOf, moveLogs, toggleFollow } from './logs-view.js';
import {
  type BackupsView,
  closeSetDetail,
  INITIAL_BACKUPS_VIEW,
  moveSetSelection,
  selectedSetIndex,
  toggleSetDetail,
} from './panes/backups-view.js';
import {
  acceptFilter,
  type ContainerSort,
  type ContainersView,
  clearFilter,
  containerKey,
  cycleSort,
  editFilter,
  escapeView,
  INITIAL_CONTAINERS_VIEW,
  moveSelection,
  previousSort,
  reverseSort,
  selectedContainer,
  selectedIndex,
  startFilter,
  toggleDetail,
  toggleProblemsFirst,
  visibleContainers,
} from './panes/containers-view.js';
import {
  INITIAL_SERVICES_VIEW,
  moveServiceSelection,
  type ServicesView,
  selectedService,
  selectedServiceIndex,
} from './panes/services-view.js';
import { isActive } from './run-view.js';
import { type UiContext, type UiState, uiReducer } from './state.js';

export type Interaction = {
  /** The runbook menu, with the entry picked; null when closed. */
  menu: { index: number } | null;
  /** What has been typed into a typed-confirm dialog (for the prompt with that id). */
  typed: { promptId: number; text: string; wrong: boolean } | null;
  /** An inputs form being filled in (for the prompt with that id): the field at the cursor, the values. */
  form: FormState | null;
  containers: ContainersView;
  backups: BackupsView;
  services: ServicesView;
  /** Scroll of the open panel: lines up from the end (run output, logs) or down from the top. */
  panelScroll: number;
  /** Which panel panelScroll belongs to. */
  panelKey: string | null;
  /** The scroll of the panel a detail was opened from (the history's selected run), for going back. */
  panelBack: { key: string; scroll: number } | null;
  /** The menu entry a dry run was opened from: closing the dry run goes back to the menu there. */
  menuBack: { index: number } | null;
  /** The last click, for telling a double-click: what was clicked and when. */
  lastClick: { key: string; at: number } | null;
  /** How the logs panel is looked at: follow, timestamps, wrap, search. */
  logs: LogsView;
};

export type FormState = { promptId: number; index: number; values: Readonly<Record<string, string>> };

/** The form of an inputs prompt as filled in so far; as the prompt opened it the first time. */
export function formOf(ix: Interaction, prompt: Extract<Prompt, { kind: 'inputs' }>): FormState {
  return ix.form?.promptId === prompt.id ? ix.form : { promptId: prompt.id, index: prompt.focus, values: prompt.values };
}

export const INITIAL_INTERACTION: Interaction = {
  menu: null,
  typed: null,
  form: null,
  containers: INITIAL_CONTAINERS_VIEW,
  backups: INITIAL_BACKUPS_VIEW,
  services: INITIAL_SERVICES_VIEW,
  panelScroll: 0,
  panelKey: null,
  panelBack: null,
  menuBack: null,
  lastClick: null,
  logs: INITIAL_LOGS_VIEW,
};

/** Two clicks on one thing within this long are a double-click. */
export const DOUBLE_CLICK_MS = 400;

/**
 * What is under a cell of the terminal: a pane (the content line there, and the row it shows,
 * if any), the open panel, the help, the menu, a dialog, or nothing of interest.
 */
export type MouseTarget =
  | { kind: 'pane'; pane: PaneId; row: string | null }
  | { kind: 'panel' }
  | { kind: 'help' }
  | { kind: 'menu' }
  | { kind: 'dialog' }
  | { kind: 'none' };

export type Effect =
  | { type: 'quit' }
  | { type: 'refresh' }
  | { type: 'redraw' }
  | { type: 'theme-next' }
  | { type: 'answer'; promptId: number; answer: Answer; values?: Readonly<Record<string, string>> }
  | { type: 'load-runbooks' }
  | { type: 'run'; id: string }
  | { type: 'dry-run'; id: string }
  | { type: 'verify-backups' }
  | { type: 'history' }
  | { type: 'timeline' }
  | { type: 'trends'; pane: PaneId; item: string | null }
  | { type: 'ack'; pane: PaneId }
  | { type: 'silence'; pane: PaneId }
  | { type: 'run-detail'; runId: string }
  /** `confirm`: ask first (a dangerous runbook); without it the run is aborted at once. */
  | { type: 'abort'; confirm?: true }
  | { type: 'close-panel' }
  | { type: 'container'; action: ContainerAction; target: ContainerTarget }
  | { type: 'logs'; target: ContainerTarget }
  | { type: 'shell'; target: ContainerTarget }
  | { type: 'group-logs'; group: string; targets: ContainerTarget[] }
  | { type: 'logs-save' }
  | { type: 'logs-since' }
  | { type: 'blocking'; enabled: boolean }
  | { type: 'notify'; text: string; tone: MessageTone };

export type { KeyPress };

/** Backspace, or Delete (there is no cursor in a field: both take the last character). */
const erases = (press: KeyPress) => press.name === 'backspace' || press.name === 'delete';

export type RouteContext = {
  keymap: Pick<Keymap, 'byKey' | 'bindings' | 'logsByKey'>;
  console: ConsoleState;
  uiContext: UiContext;
  /** The pane with the focus, if any is shown. */
  focused: PaneId | undefined;
  containers: ContainersReading | null;
  /** The backup sets' names in the pane's order; null before the first reading. */
  backupSets: readonly string[] | null;
  /** The services' names in the pane's order (those in trouble first); null before the first reading. */
  serviceNames: readonly string[] | null;
  /** Lines a page moves in a panel or the menu. */
  page: number;
  /** The runbook the banner offers (a trigger's), if any. */
  offer?: string | null;
  /** Rows the open panel has (the logs view works out its room from them). */
  panelHeight?: number;
  /** What is at a cell (x, y from 1, as mouse reports count); without it the mouse does nothing. */
  locate?: (x: number, y: number) => MouseTarget;
};

export type Routed = { ui: UiState; ix: Interaction; effects: Effect[] };

/** A key identifying a panel, so that scrolling starts over when another one opens. */
export function panelKey(panel: Panel | null): string | null {
  if (!panel) return null;
  // Another container, the group's merged logs or another "since" is a new view of them.
  if (panel.kind === 'logs') return `logs:${panel.group ? 'group:' : ''}${panel.host}/${panel.container}@${panel.since ?? ''}`;
  if (panel.kind === 'dry-run') return `dry-run:${panel.runbook}`;
  if (panel.kind === 'run-detail') return `run-detail:${panel.run.runId}`;
  if (panel.kind === 'trends') return `trends:${panel.pane}:${panel.item ?? ''}`;
  return panel.kind;
}

/** The panel scroll, reset when a different panel is open than the one it was for. */
export function scrollOf(ix: Interaction, panel: Panel | null): number {
  const key = panelKey(panel);
  if (ix.panelKey === key) return ix.panelScroll;
  return ix.panelBack !== null && ix.panelBack.key === key ? ix.panelBack.scroll : 0;
}

/** What the status bar calls an open panel. */
const PANEL_WORDS: Readonly<Record<Panel['kind'], string>> = {
  run: 'the run',
  logs: 'the logs',
  history: 'the history',
  'run-detail': "the run's detail",
  'dry-run': 'the dry run',
  timeline: 'the timeline',
  trends: 'the history',
};

/** How to leave a panel, with the key the keymap binds: "esc closes the logs first". */
function closeHint(ctx: RouteContext, panel: Panel, running: boolean): string {
  const close = ctx.keymap.bindings.get('close')?.[0] ?? 'escape';
  const word = close === 'escape' ? 'esc' : close;
  if (panel.kind === 'run' && running) return `${ctx.console.run?.runbook.id ?? 'a runbook'} is running: ${word} aborts it`;
  return `${word} closes ${PANEL_WORDS[panel.kind]} first`;
}

const MOVES: Partial<Record<Command, number | 'top' | 'bottom'>> = {
  'scroll.down': 1,
  'scroll.up': -1,
  'scroll.top': 'top',
  'scroll.bottom': 'bottom',
};

function moveOf(command: Command | undefined, page: number): number | 'top' | 'bottom' | null {
  if (command === 'page.down') return page;
  if (command === 'page.up') return -page;
  return command === undefined ? null : (MOVES[command] ?? null);
}

/** The commands that pick a column directly (pressed again: the other way). */
const SORT_COLUMNS: Partial<Record<Command, ContainerSort>> = {
  'sort.name': 'name',
  'sort.group': 'group',
  'sort.state': 'state',
  'sort.health': 'health',
  'sort.cpu': 'cpu',
  'sort.memory': 'memory',
  'sort.restarts': 'restarts',
  'sort.uptime': 'uptime',
};

/** Every command that changes the containers' order. */
const isSortCommand = (command: Command): boolean =>
  command === 'sort' ||
  command === 'sort.previous' ||
  command === 'sort.reverse' ||
  command === 'sort.problems' ||
  SORT_COLUMNS[command] !== undefined;

const CONTAINER_ACTIONS: Partial<Record<Command, ContainerAction>> = {
  'container.restart': 'restart',
  'container.stop': 'stop',
  'container.start': 'start',
};

function targetOf(ctx: RouteContext, view: ContainersView): ContainerTarget | null {
  const row = selectedContainer(ctx.containers, view);
  return row ? { host: row.host, id: row.id, name: row.name } : null;
}

/**
 * An inputs form takes every key, whatever the keymap binds: ↑↓ (tab, shift+tab) go from field
 * to field, ←→ and space choose among a field's values, other keys type into a text field,
 * enter answers yes with the values (the controller checks them, and asks again if need be),
 * escape cancels.
 */
function routeForm(ui: UiState, ix: Interaction, press: KeyPress, prompt: Extract<Prompt, { kind: 'inputs' }>): Routed {
  const form = formOf(ix, prompt);
  const withForm = (next: FormState): Routed => ({ ui, ix: { ...ix, form: next }, effects: [] });
  const done = (answer: Answer, values?: Readonly<Record<string, string>>): Routed => ({
    ui,
    ix: { ...ix, form: null },
    effects: [{ type: 'answer', promptId: prompt.id, answer, ...(values ? { values } : {}) }],
  });
  const field = prompt.fields[form.index];
  const last = Math.max(0, prompt.fields.length - 1);
  switch (press.name) {
    case 'escape':
      return done('no');
    case 'enter':
      return done('yes', form.values);
    case 'up':
    case 'shift+tab':
      return withForm({ ...form, index: form.index === 0 ? last : form.index - 1 });
    case 'down':
    case 'tab':
      return withForm({ ...form, index: form.index >= last ? 0 : form.index + 1 });
    default:
      break;
  }
  if (!field) return { ui, ix, effects: [] };
  const value = form.values[field.name] ?? '';
  if (field.choices) {
    const step = press.name === 'left' ? -1 : press.name === 'right' || press.name === 'space' ? 1 : 0;
    if (step === 0 || field.choices.length === 0) return { ui, ix, effects: [] };
    const at = field.choices.indexOf(value);
    const next = field.choices[((at < 0 ? (step > 0 ? -1 : 0) : at) + step + field.choices.length) % field.choices.length] ?? value;
    return withForm({ ...form, values: { ...form.values, [field.name]: next } });
  }
  if (erases(press)) return withForm({ ...form, values: { ...form.values, [field.name]: Array.from(value).slice(0, -1).join('') } });
  if (press.text) return withForm({ ...form, values: { ...form.values, [field.name]: value + press.text } });
  return { ui, ix, effects: [] };
}

/** Lines one notch of the wheel scrolls text (a list moves its selection one row a notch). */
const WHEEL_LINES = 3;

/**
 * The mouse: a click focuses the pane under it and selects the row there (containers, backup
 * sets, services); a second click on the same row soon after opens its detail; the wheel scrolls what is
 * under it (focusing that pane), a list by its selection. Dialogs and text prompts answer the
 * keyboard only.
 */
function routeMouse(ui: UiState, ix: Interaction, press: KeyPress, ctx: RouteContext): Routed {
  const same = (): Routed => ({ ui, ix, effects: [] });
  const mouse = press.mouse;
  if (!mouse || !ctx.locate || ctx.console.prompt || ix.containers.filtering) return same();
  const target = ctx.locate(mouse.x, mouse.y);
  if (mouse.action === 'wheel-up' || mouse.action === 'wheel-down') {
    const command: Command = mouse.action === 'wheel-up' ? 'scroll.up' : 'scroll.down';
    let state: Routed = { ui, ix, effects: [] };
    let focused = ctx.focused;
    if (target.kind === 'pane' && !ix.menu && !ctx.console.panel && !ui.help && target.pane !== ctx.focused) {
      state = { ...state, ui: { ...ui, focus: target.pane } };
      focused = target.pane;
    }
    const list =
      ix.menu !== null ||
      (ctx.console.panel?.kind === 'history' && !ui.help) ||
      (!ctx.console.panel && !ui.help && (focused === 'containers' || focused === 'backups' || focused === 'services'));
    const steps = list ? 1 : WHEEL_LINES;
    for (let i = 0; i < steps; i++) {
      const next = routeKey(state.ui, state.ix, { name: undefined, text: null, command }, { ...ctx, focused });
      state = { ui: next.ui, ix: next.ix, effects: [...state.effects, ...next.effects.filter((e) => e.type !== 'notify')] };
    }
    return state;
  }
  if (mouse.action !== 'press' || mouse.button !== 0 || target.kind !== 'pane' || ix.menu || ctx.console.panel || ui.help) return same();
  const focusedUi = ui.focus === target.pane ? ui : { ...ui, focus: target.pane };
  const clickKey = `${target.pane}:${target.row ?? ''}`;
  const double = target.row !== null && ix.lastClick?.key === clickKey && mouse.at - ix.lastClick.at <= DOUBLE_CLICK_MS;
  const lastClick = double ? null : { key: clickKey, at: mouse.at };
  if (target.pane === 'containers' && target.row !== null && ctx.containers) {
    const rows = visibleContainers(ctx.containers, ix.containers);
    const index = rows.findIndex((row) => containerKey(row) === target.row);
    if (index >= 0) {
      let view = moveSelection(ix.containers, rows, index - selectedIndex(ix.containers, rows));
      if (double) view = toggleDetail(view);
      return { ui: focusedUi, ix: { ...ix, containers: view, lastClick }, effects: [] };
    }
  }
  if (target.pane === 'backups' && target.row !== null && ctx.backupSets) {
    const index = ctx.backupSets.indexOf(target.row);
    if (index >= 0) {
      let view = moveSetSelection(ix.backups, ctx.backupSets, index - selectedSetIndex(ix.backups, ctx.backupSets));
      if (double) view = toggleSetDetail(view);
      return { ui: focusedUi, ix: { ...ix, backups: view, lastClick }, effects: [] };
    }
  }
  // A service has no detail to open: a click selects it, a second one does no more.
  if (target.pane === 'services' && target.row !== null && ctx.serviceNames) {
    const index = ctx.serviceNames.indexOf(target.row);
    if (index >= 0) {
      const view = moveServiceSelection(ix.services, ctx.serviceNames, index - selectedServiceIndex(ix.services, ctx.serviceNames));
      return { ui: focusedUi, ix: { ...ix, services: view, lastClick }, effects: [] };
    }
  }
  return { ui: focusedUi, ix: { ...ix, lastClick }, effects: [] };
}

export function routeKey(ui: UiState, ix: Interaction, press: KeyPress, ctx: RouteContext): Routed {
  if (press.name === 'mouse') return routeMouse(ui, ix, press, ctx);
  const same = (effects: Effect[] = []): Routed => ({ ui, ix, effects });
  const withIx = (next: Interaction, effects: Effect[] = []): Routed => ({ ui, ix: next, effects });
  const { console: cs } = ctx;
  const running = isActive(cs.run);

  // Ctrl-C quits, whatever the keymap says; while a runbook runs the first one aborts the run
  // (a dangerous one asks first, and a second Ctrl-C, at that question, aborts at once).
  if (press.name === 'ctrl+c') {
    if (running && cs.run && !cs.run.aborting) {
      const asking = cs.prompt?.kind === 'confirm' && cs.prompt.purpose === 'abort';
      return same([cs.run.runbook.dangerous && !asking ? { type: 'abort', confirm: true } : { type: 'abort' }]);
    }
    return same([{ type: 'quit' }]);
  }
  const command =
    press.command !== undefined && isCommand(press.command)
      ? press.command
      : press.name === undefined
        ? undefined
        : ctx.keymap.byKey.get(press.name);
  // A redraw is for the terminal, not for what is on it: it works over everything.
  if (command === 'redraw') return same([{ type: 'redraw' }]);

  // 1. A dialog takes every key.
  const prompt = cs.prompt;
  if (prompt) {
    const answer = (a: Answer) => same([{ type: 'answer', promptId: prompt.id, answer: a }]);
    if (prompt.kind === 'notice') {
      return command === 'select' ||
        command === 'close' ||
        command === 'confirm.yes' ||
        command === 'confirm.no' ||
        command === 'quit' ||
        press.name === 'enter' ||
        press.name === 'escape'
        ? answer('yes')
        : same();
    }
    if (prompt.kind === 'inputs') return routeForm(ui, ix, press, prompt);
    if (prompt.kind === 'confirm') {
      if (command === 'confirm.yes' || command === 'select') return answer('yes');
      if (command === 'confirm.no') return answer('no');
      if (command === 'close' || press.name === 'escape') return answer(prompt.cancel ? 'cancel' : 'no');
      return same();
    }
    // Typed: a text input, edited with the usual keys whatever the keymap binds.
    const typed = ix.typed?.promptId === prompt.id ? ix.typed : { promptId: prompt.id, text: '', wrong: false };
    if (press.name === 'escape')
      return { ui, ix: { ...ix, typed: null }, effects: [{ type: 'answer', promptId: prompt.id, answer: 'no' }] };
    if (press.name === 'enter') {
      if (typed.text === prompt.expect)
        return { ui, ix: { ...ix, typed: null }, effects: [{ type: 'answer', promptId: prompt.id, answer: 'yes' }] };
      return withIx({ ...ix, typed: { ...typed, wrong: true } });
    }
    if (erases(press)) return withIx({ ...ix, typed: { ...typed, text: Array.from(typed.text).slice(0, -1).join(''), wrong: false } });
    if (press.text) return withIx({ ...ix, typed: { ...typed, text: typed.text + press.text, wrong: false } });
    return same();
  }

  // 2. The containers filter prompt: a text input too.
  if (ix.containers.filtering) {
    const view = ix.containers;
    const rows = ctx.containers ? visibleContainers(ctx.containers, view) : [];
    let next: ContainersView = view;
    if (press.name === 'enter') next = acceptFilter(view);
    else if (press.name === 'escape') next = clearFilter(view);
    else if (erases(press)) next = editFilter(view, null);
    else if (press.name === 'up' || press.name === 'down') next = moveSelection(view, rows, press.name === 'up' ? -1 : 1);
    else if (press.text) next = editFilter(view, press.text);
    return next === view ? same() : withIx({ ...ix, containers: next });
  }

  // 2b. The search at the foot of the logs: a text input too.
  const logsPanel = cs.panel?.kind === 'logs' && !ui.help ? cs.panel : null;
  const logsView = logsPanel ? logsViewOf(ix.logs, panelKey(logsPanel)) : null;
  if (logsPanel && logsView?.typing) {
    const room = logsRoom(ctx.panelHeight ?? 24, logsView);
    if (press.name === 'enter') {
      const { view, found } = acceptSearch(logsView, logsPanel, room);
      return withIx(
        { ...ix, logs: view },
        view.search && !found ? [{ type: 'notify', text: `no line has "${view.search}"`, tone: 'warn' }] : [],
      );
    }
    if (press.name === 'escape') return withIx({ ...ix, logs: { ...logsView, typing: false, search: '', match: null } });
    if (erases(press)) return withIx({ ...ix, logs: { ...logsView, search: Array.from(logsView.search).slice(0, -1).join('') } });
    if (press.text) return withIx({ ...ix, logs: { ...logsView, search: logsView.search + press.text } });
    return same();
  }

  // 3. The runbook menu.
  if (ix.menu) {
    const entries = cs.catalog;
    const move = moveOf(command, ctx.page);
    if (move !== null) {
      const last = Math.max(0, entries.length - 1);
      const index = move === 'top' ? 0 : move === 'bottom' ? last : Math.min(last, Math.max(0, ix.menu.index + move));
      return index === ix.menu.index ? same() : withIx({ ...ix, menu: { index } });
    }
    const picked = entries[ix.menu.index];
    const closed = { ...ix, menu: null };
    if (command === 'select' && picked) return withIx(closed, [{ type: 'run', id: picked.id }]);
    if (command === 'runbook.dry-run' && picked)
      return withIx({ ...closed, menuBack: { index: ix.menu.index } }, [{ type: 'dry-run', id: picked.id }]);
    if (command === 'runbook.history') return withIx(closed, [{ type: 'history' }]);
    if (command === 'close' || command === 'quit' || command === 'runbooks') return withIx(closed);
    const id = command === undefined ? null : runbookOf(command);
    if (id !== null) return withIx(closed, [{ type: 'run', id }]);
    return same();
  }

  // 4. A panel.
  const panel = cs.panel;
  if (panel && !ui.help) {
    const scroll = scrollOf(ix, panel);
    const fromEnd = panel.kind === 'run' || panel.kind === 'logs';
    const move = moveOf(command, ctx.page);
    // The history: the arrows move a selection (its scroll is the selected run), enter opens it.
    if (panel.kind === 'history' && panel.entries.length > 0) {
      const last = panel.entries.length - 1;
      if (move !== null) {
        const next = move === 'top' ? 0 : move === 'bottom' ? last : Math.max(0, Math.min(last, scroll + move));
        return withIx({ ...ix, panelScroll: next, panelKey: panelKey(panel) });
      }
      const picked = panel.entries[Math.min(scroll, last)];
      const key = panelKey(panel);
      if (command === 'select' && picked && key)
        return withIx({ ...ix, panelBack: { key, scroll } }, [{ type: 'run-detail', runId: picked.runId }]);
    }
    if (panel.kind === 'logs' && logsView) {
      const room = logsRoom(ctx.panelHeight ?? 24, logsView);
      const setView = (view: LogsView, effects: Effect[] = []) => withIx({ ...ix, logs: view }, effects);
      const own = press.name === undefined ? undefined : ctx.keymap.logsByKey.get(press.name);
      if (move !== null) return setView(moveLogs(logsView, panel, room, move));
      switch (own) {
        case 'logs.follow':
          return setView(toggleFollow(logsView, panel, room));
        case 'logs.timestamps':
          return setView({ ...logsView, timestamps: !logsView.timestamps });
        case 'logs.wrap':
          return setView({ ...logsView, wrap: !logsView.wrap });
        case 'logs.next':
        case 'logs.previous': {
          if (!logsView.search)
            return same([
              { type: 'notify', text: `no search: ${ctx.keymap.bindings.get('filter')?.[0] ?? '/'} searches the logs`, tone: 'plain' },
            ]);
          const next = goToMatch(logsView, panel, room, own === 'logs.next' ? 1 : -1);
          return next
            ? setView(next)
            : same([
                { type: 'notify', text: `no ${own === 'logs.next' ? 'newer' : 'older'} line has "${logsView.search}"`, tone: 'plain' },
              ]);
        }
        case 'logs.save':
          return same([{ type: 'logs-save' }]);
        case 'logs.since':
          return same([{ type: 'logs-since' }]);
        default:
          break;
      }
      if (command === 'filter') return setView({ ...logsView, typing: true, search: '', match: null });
      // Esc clears a search first, then closes.
      if (command === 'close' && logsView.search) return setView({ ...logsView, search: '', match: null });
    }
    if (move !== null) {
      const delta = move === 'top' ? Number.MAX_SAFE_INTEGER : move === 'bottom' ? -Number.MAX_SAFE_INTEGER : move;
      // Up in a view that follows its end is further from the end.
      const signed = fromEnd ? -delta : delta;
      const next = Math.max(0, Math.min(1_000_000, scroll + signed));
      return withIx({ ...ix, panelScroll: next, panelKey: panelKey(panel) });
    }
    if (panel.kind === 'run' && running) {
      if (command === 'close') {
        if (cs.run?.aborting) return same();
        return same([cs.run?.runbook.dangerous ? { type: 'abort', confirm: true } : { type: 'abort' }]);
      }
      if (command === 'quit')
        return same([
          { type: 'notify', text: `${cs.run?.runbook.id ?? 'a runbook'} is running: esc aborts it, ctrl+c twice quits`, tone: 'warn' },
        ]);
    } else if (command === 'close' || command === 'quit') {
      // A dry run goes back to the menu it was opened from, with the same runbook picked.
      if (panel.kind === 'dry-run' && ix.menuBack) return withIx({ ...ix, menu: ix.menuBack, menuBack: null }, [{ type: 'close-panel' }]);
      return ix.menuBack ? withIx({ ...ix, menuBack: null }, [{ type: 'close-panel' }]) : same([{ type: 'close-panel' }]);
    }
    // The panel owns the keyboard: nothing below it (the panes, their selection, a filter that
    // is not on screen) moves while it is open. The help and a refresh still work.
    if (command === 'help' || command === 'refresh') {
      // fall through to the help and the global commands
    } else {
      return command === undefined || command === 'select'
        ? same()
        : same([{ type: 'notify', text: closeHint(ctx, panel, running), tone: 'plain' }]);
    }
  }

  // 5. The help, as before: it scrolls and closes.
  if (ui.help) {
    if (command === 'quit') return same([{ type: 'quit' }]);
    if (command === 'refresh') return same([{ type: 'refresh' }]);
    return command === undefined ? same() : { ui: uiReducer(ui, command, ctx.uiContext), ix, effects: [] };
  }

  if (command === undefined) return same();

  // 6. The focused containers pane.
  if (ctx.focused === 'containers' && ctx.containers) {
    const view = ix.containers;
    const move = moveOf(command, ctx.uiContext.page);
    if (move !== null) {
      const next = moveSelection(view, visibleContainers(ctx.containers, view), move);
      return next === view ? same() : withIx({ ...ix, containers: next });
    }
    // The detail shows one container: the filter and the order of rows it hides wait until it closes.
    if (view.detail && (command === 'filter' || isSortCommand(command)))
      return same([{ type: 'notify', text: "a container's detail is open: esc closes it first", tone: 'plain' }]);
    if (command === 'filter') return withIx({ ...ix, containers: startFilter(view) });
    if (command === 'sort') return withIx({ ...ix, containers: cycleSort(view) });
    if (command === 'sort.previous') return withIx({ ...ix, containers: previousSort(view) });
    if (command === 'sort.reverse') return withIx({ ...ix, containers: reverseSort(view) });
    const column = SORT_COLUMNS[command];
    if (column) return withIx({ ...ix, containers: cycleSort(view, column) });
    if (command === 'sort.problems') return withIx({ ...ix, containers: toggleProblemsFirst(view) });
    if (command === 'select') return withIx({ ...ix, containers: toggleDetail(view) });
    if (command === 'close') {
      const next = escapeView(view);
      if (next !== view) return withIx({ ...ix, containers: next });
    }
    if (command === 'container.group-logs') {
      const row = selectedContainer(ctx.containers, view);
      if (!row) return same([{ type: 'notify', text: 'no container selected', tone: 'warn' }]);
      const members = ctx.containers.containers.filter((c) => c.group === row.group);
      return same([{ type: 'group-logs', group: row.group, targets: members.map((c) => ({ host: c.host, id: c.id, name: c.name })) }]);
    }
    const action = CONTAINER_ACTIONS[command];
    if (action || command === 'container.logs' || command === 'container.shell') {
      const target = targetOf(ctx, view);
      if (!target) return same([{ type: 'notify', text: 'no container selected', tone: 'warn' }]);
      return same([
        action
          ? { type: 'container', action, target }
          : command === 'container.shell'
            ? { type: 'shell', target }
            : { type: 'logs', target },
      ]);
    }
  } else if (
    CONTAINER_ACTIONS[command] ||
    command === 'container.logs' ||
    command === 'container.shell' ||
    command === 'container.group-logs' ||
    command === 'filter' ||
    isSortCommand(command)
  ) {
    const text = ctx.focused === 'containers' ? 'no containers read yet' : 'focus the containers pane first (tab), then pick a container';
    return same([{ type: 'notify', text, tone: 'warn' }]);
  }

  if (ctx.focused === 'backups' && ctx.backupSets && ctx.backupSets.length > 0) {
    // 6b. The focused backups pane: ↑↓ select a set, Enter opens its full detail, Esc closes it.
    const view = ix.backups;
    const move = moveOf(command, ctx.uiContext.page);
    if (move !== null) {
      const next = moveSetSelection(view, ctx.backupSets, move);
      return next === view ? same() : withIx({ ...ix, backups: next });
    }
    if (command === 'select') return withIx({ ...ix, backups: toggleSetDetail(view) });
    if (command === 'close') {
      const next = closeSetDetail(view);
      if (next) return withIx({ ...ix, backups: next });
    }
  }

  if (ctx.focused === 'services' && ctx.serviceNames && ctx.serviceNames.length > 0) {
    // 6c. The focused services pane: ↑↓ select a service (for its history, p).
    const move = moveOf(command, ctx.uiContext.page);
    if (move !== null) {
      const next = moveServiceSelection(ix.services, ctx.serviceNames, move);
      return next === ix.services ? same() : withIx({ ...ix, services: next });
    }
  }

  // 7. Everything else.
  switch (command) {
    case 'quit':
      return same([{ type: 'quit' }]);
    case 'refresh':
      return same([{ type: 'refresh' }]);
    case 'theme.next':
      return same([{ type: 'theme-next' }]);
    case 'runbooks':
      return withIx({ ...ix, menu: { index: 0 } }, [{ type: 'load-runbooks' }]);
    case 'runbook.history':
      return same([{ type: 'history' }]);
    case 'timeline':
      return same([{ type: 'timeline' }]);
    case 'trends': {
      const pane = ctx.focused;
      if (!pane) return same([{ type: 'notify', text: 'focus a pane first (tab), then ask for its history', tone: 'plain' }]);
      // The containers pane: the selected container's, else every container's; the same for services.
      const target = pane === 'containers' && ctx.containers ? targetOf(ctx, ix.containers) : null;
      if (target) return same([{ type: 'trends', pane, item: `${target.host}/${target.name}` }]);
      const service = pane === 'services' && ctx.serviceNames ? selectedService(ix.services, ctx.serviceNames) : null;
      return same([{ type: 'trends', pane, item: service }]);
    }
    case 'alerts.ack':
    case 'alerts.silence': {
      const pane = ctx.focused;
      if (!pane) return same([{ type: 'notify', text: 'focus a pane first (tab), then acknowledge or silence its alerts', tone: 'plain' }]);
      return same([{ type: command === 'alerts.ack' ? 'ack' : 'silence', pane }]);
    }
    case 'runbook.dry-run':
      return same([{ type: 'notify', text: 'pick a runbook in the menu first (runbooks), then ask for its dry run', tone: 'plain' }]);
    case 'dns.disable-blocking':
      return same([{ type: 'blocking', enabled: false }]);
    case 'dns.enable-blocking':
      return same([{ type: 'blocking', enabled: true }]);
    case 'backups.verify':
      return same([{ type: 'verify-backups' }]);
    case 'offer.run':
      return same(ctx.offer ? [{ type: 'run', id: ctx.offer }] : [{ type: 'notify', text: 'no runbook is offered now', tone: 'plain' }]);
    case 'select':
    case 'confirm.yes':
    case 'confirm.no':
      return same();
    default: {
      const id = runbookOf(command);
      if (id !== null) return same([{ type: 'run', id }]);
      const viewKey = /^view\.(\d)$/.exec(command);
      if (viewKey && Number(viewKey[1]) > ctx.uiContext.viewCount) {
        const count = ctx.uiContext.viewCount;
        return same([
          {
            type: 'notify',
            text: `no view ${viewKey[1]}: ${count === 1 ? 'there is 1 view' : `there are ${count} views (1–${count})`}`,
            tone: 'warn',
          },
        ]);
      }
      const next = uiReducer(ui, command, ctx.uiContext);
      return next === ui ? same() : { ui: next, ix, effects: [] };
    }
  }
}
