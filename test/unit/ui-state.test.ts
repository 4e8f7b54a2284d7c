import { describe, expect, it } from 'vitest';
import { COMMAND_NAMES, type Command } from '../../src/model/commands.js';
import { focusedPane, initialUiState, type UiContext, type UiState, uiReducer } from '../../src/ui/state.js';

const context: UiContext = { paneIds: ['cpu', 'gpu', 'containers'], viewCount: 3, shownView: 0, page: 10 };

function run(state: UiState, commands: Command[], ctx: UiContext = context): UiState {
  return commands.reduce((s, command) => uiReducer(s, command, ctx), state);
}

describe('uiReducer', () => {
  it('starts with the first pane focused, no help and nothing scrolled', () => {
    expect(initialUiState('auto')).toEqual({ focus: null, help: false, helpScroll: 0, view: 'auto', scroll: {} });
    expect(focusedPane(initialUiState('auto'), context.paneIds)).toBe('cpu');
    expect(initialUiState(2).view).toBe(2);
  });

  it('moves focus forward and back, wrapping at both ends', () => {
    const start = initialUiState('auto');
    expect(run(start, ['focus.next']).focus).toBe('gpu');
    expect(run(start, ['focus.next', 'focus.next', 'focus.next']).focus).toBe('cpu');
    expect(run(start, ['focus.prev']).focus).toBe('containers');
    expect(run(start, ['focus.prev', 'focus.prev', 'focus.prev', 'focus.prev']).focus).toBe('containers');
    expect(run(start, ['focus.next', 'focus.prev']).focus).toBe('cpu');
  });

  it('keeps the focus on the same pane when the layout orders the panes differently', () => {
    const onContainers = run(initialUiState('auto'), ['focus.next', 'focus.next']);
    expect(onContainers.focus).toBe('containers');
    const reordered = { ...context, paneIds: ['containers', 'cpu', 'gpu'] };
    expect(focusedPane(onContainers, reordered.paneIds)).toBe('containers');
    expect(run(onContainers, ['focus.next'], reordered).focus).toBe('cpu');
    // A pane the new layout does not show: the first one has the focus.
    expect(focusedPane(onContainers, ['cpu', 'gpu'])).toBe('cpu');
  });

  it('does nothing to focus when there are no panes', () => {
    const empty = { ...context, paneIds: [] };
    const start = initialUiState('auto');
    expect(uiReducer(start, 'focus.next', empty)).toBe(start);
    expect(uiReducer(start, 'focus.prev', empty)).toBe(start);
  });

  it('toggles help, and escape closes it without doing anything else', () => {
    const start = initialUiState('auto');
    const open = uiReducer(start, 'help', context);
    expect(open.help).toBe(true);
    expect(uiReducer(open, 'help', context).help).toBe(false);
    expect(uiReducer(open, 'close', context).help).toBe(false);
    expect(uiReducer(start, 'close', context)).toBe(start);
  });

  it('scrolls the help, not the pane, while help is open, and reopens it at the top', () => {
    const open = run(initialUiState('auto'), ['help', 'scroll.down', 'scroll.down', 'page.down']);
    expect(open.helpScroll).toBe(12);
    expect(open.scroll).toEqual({});
    expect(run(open, ['scroll.up', 'page.up']).helpScroll).toBe(1);
    expect(run(open, ['page.up', 'page.up']).helpScroll).toBe(0);
    expect(run(open, ['help', 'help']).helpScroll).toBe(0);
    expect(run(open, ['scroll.top']).helpScroll).toBe(0);
  });

  it('switches to view N only when there is one', () => {
    const start = initialUiState('auto');
    expect(uiReducer(start, 'view.1', context).view).toBe(0);
    expect(uiReducer(start, 'view.3', context).view).toBe(2);
    expect(uiReducer(start, 'view.4', context)).toBe(start);
    expect(uiReducer(start, 'view.9', context)).toBe(start);
    expect(uiReducer(start, 'view.1', { ...context, viewCount: 0 })).toBe(start);
  });

  it('resets focus when the view changes, and not when it stays', () => {
    const focused = run(initialUiState(0), ['focus.next', 'focus.next']);
    expect(uiReducer(focused, 'view.2', context)).toMatchObject({ view: 1, focus: null });
    expect(uiReducer(focused, 'view.1', context)).toBe(focused);
  });

  it('view.next goes to the view after the one on screen, from auto too, and wraps', () => {
    const auto = initialUiState('auto');
    // On auto the tmux view (index 1) is on screen: next is outage.
    expect(uiReducer(auto, 'view.next', { ...context, shownView: 1 }).view).toBe(2);
    expect(uiReducer(auto, 'view.next', { ...context, shownView: 2 }).view).toBe(0);
    expect(uiReducer(initialUiState(0), 'view.next', context).view).toBe(1);
    expect(uiReducer(auto, 'view.next', { ...context, viewCount: 0 })).toBe(auto);
  });

  it('view.auto goes back to choosing by size, once', () => {
    const pinned = initialUiState(1);
    const auto = uiReducer(pinned, 'view.auto', context);
    expect(auto.view).toBe('auto');
    expect(uiReducer(auto, 'view.auto', context)).toBe(auto);
  });

  it('scrolls only the focused pane and never above the top', () => {
    const start = initialUiState('auto');
    expect(uiReducer(start, 'scroll.up', context)).toBe(start);
    expect(uiReducer(start, 'page.up', context)).toBe(start);
    const down = run(start, ['scroll.down', 'scroll.down', 'scroll.down']);
    expect(down.scroll).toEqual({ cpu: 3 });
    const other = run(down, ['focus.next', 'page.down']);
    expect(other.scroll).toEqual({ cpu: 3, gpu: 10 });
    expect(run(other, ['page.up', 'page.up', 'scroll.up']).scroll).toEqual({ cpu: 3, gpu: 0 });
    expect(run(down, ['page.up']).scroll).toEqual({ cpu: 0 });
    expect(run(down, ['scroll.top']).scroll).toEqual({ cpu: 0 });
    for (let i = 0; i < 50; i++) {
      const commands: Command[] = Array.from(
        { length: 30 },
        (_, j) => (['scroll.up', 'scroll.down', 'page.up', 'page.down', 'scroll.top', 'focus.next'] as const)[(i * 7 + j * 13) % 6]!,
      );
      const end = run(start, commands);
      for (const value of Object.values(end.scroll)) expect(value).toBeGreaterThanOrEqual(0);
    }
  });

  it('returns the same object when a command changes nothing, so nothing re-renders', () => {
    const start = initialUiState(0);
    for (const command of ['quit', 'refresh', 'close', 'scroll.up', 'page.up', 'scroll.top', 'view.1', 'view.7'] as const) {
      expect(uiReducer(start, command, context), command).toBe(start);
    }
    const scrolled = run(start, ['scroll.down']);
    expect(uiReducer(run(start, ['scroll.top']), 'scroll.top', context)).toBe(start);
    expect(uiReducer(scrolled, 'refresh', context)).toBe(scrolled);
  });

  it('does not change its input state', () => {
    const start = initialUiState('auto');
    const frozen = Object.freeze({ ...start, scroll: Object.freeze({}) });
    for (const command of COMMAND_NAMES) expect(() => uiReducer(frozen, command, context)).not.toThrow();
    expect(frozen).toEqual(start);
  });
});
