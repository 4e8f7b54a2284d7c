// The console's own state (focus, help, chosen view, scroll) as a pure reducer over commands.
import type { Command } from '../model/commands.js';

export type UiState = {
  /** The focused pane by id (it stays focused when a resize re-orders the panes); null: the first. */
  focus: string | null;
  help: boolean;
  helpScroll: number;
  /** Index into the configured views, or 'auto' to choose by terminal size. */
  view: number | 'auto';
  /** Scroll offset per pane id of the focused pane's content. */
  scroll: Readonly<Record<string, number>>;
};

export type UiContext = {
  paneIds: readonly string[];
  viewCount: number;
  /** The index of the view on screen now (for view.next when on auto). */
  shownView: number;
  /** Lines a page scroll moves. */
  page: number;
};

export function initialUiState(view: number | 'auto'): UiState {
  return { focus: null, help: false, helpScroll: 0, view, scroll: {} };
}

/** The pane that has the focus among those shown: the one chosen, else the first. */
export function focusedPane<Id extends string>(state: UiState, paneIds: readonly Id[]): Id | undefined {
  return paneIds.find((id) => id === state.focus) ?? paneIds[0];
}

function moveFocus(state: UiState, paneIds: readonly string[], delta: number): UiState {
  if (paneIds.length === 0) return state;
  const current = paneIds.indexOf(focusedPane(state, paneIds) ?? '');
  const next = paneIds[(Math.max(0, current) + delta + paneIds.length) % paneIds.length] ?? null;
  return next === state.focus ? state : { ...state, focus: next };
}

function scrollBy(state: UiState, context: UiContext, delta: number | 'top'): UiState {
  if (state.help) {
    return { ...state, helpScroll: delta === 'top' ? 0 : Math.max(0, state.helpScroll + delta) };
  }
  const id = focusedPane(state, context.paneIds);
  if (id === undefined) return state;
  const current = state.scroll[id] ?? 0;
  const next = delta === 'top' ? 0 : Math.max(0, current + delta);
  return next === current ? state : { ...state, scroll: { ...state.scroll, [id]: next } };
}

/** Applies a command; returns the same object when nothing changes (no re-render). */
export function uiReducer(state: UiState, command: Command, context: UiContext): UiState {
  switch (command) {
    case 'help':
      return { ...state, help: !state.help, helpScroll: 0 };
    case 'close':
      return state.help ? { ...state, help: false } : state;
    case 'focus.next':
      return moveFocus(state, context.paneIds, 1);
    case 'focus.prev':
      return moveFocus(state, context.paneIds, -1);
    case 'view.next':
      return context.viewCount ? { ...state, view: (context.shownView + 1) % context.viewCount, focus: null } : state;
    case 'view.auto':
      return state.view === 'auto' ? state : { ...state, view: 'auto', focus: null };
    case 'scroll.down':
      return scrollBy(state, context, 1);
    case 'scroll.up':
      return scrollBy(state, context, -1);
    case 'page.down':
      return scrollBy(state, context, context.page);
    case 'page.up':
      return scrollBy(state, context, -context.page);
    case 'scroll.top':
      return scrollBy(state, context, 'top');
    case 'quit':
    case 'refresh':
    case 'redraw':
    case 'theme.next':
      return state;
    default: {
      const match = /^view\.(\d)$/.exec(command);
      if (match) {
        const index = Number(match[1]) - 1;
        return index < context.viewCount && state.view !== index ? { ...state, view: index, focus: null } : state;
      }
      return state;
    }
  }
}
