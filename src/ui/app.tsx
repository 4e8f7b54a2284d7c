// The console: status bar, panes laid out by the active view, help. Reads the Snapshot,
// sends commands; knows nothing of probes, hosts or processes.
import { Box, Text, useInput } from 'ink';
import { useCallback, useMemo, useReducer, useRef } from 'react';
import type { Keymap } from '../config/keymaps.js';
import type { Config } from '../config/schema.js';
import type { View } from '../config/views.js';
import type { PaneId } from '../monitor/snapshot.js';
import type { Command } from './commands.js';
import { HelpView } from './components/help.js';
import { PaneView } from './components/pane-view.js';
import { StatusBar } from './components/status-bar.js';
import { useSnapshot, type SnapshotSource } from './hooks/use-snapshot.js';
import { useTerminalSize } from './hooks/use-terminal-size.js';
import { keyName } from './keys.js';
import { choosePlacement, usableRows, type LaidOut } from './layout.js';
import type { Profiler } from './profile.js';
import { initialUiState, uiReducer, type UiContext, type UiState } from './state.js';
import type { Theme } from './theme.js';
import { truncate } from './text.js';

export type AppActions = {
  quit(): void;
  refresh(): void;
};

export type AppProps = {
  source: SnapshotSource;
  config: Config;
  views: readonly View[];
  /** Index into views of the view asked for, or 'auto'. */
  initialView: number | 'auto';
  keymap: Keymap;
  theme: Theme;
  readOnly: boolean;
  actions: AppActions;
  profiler?: Profiler | null;
};

type Action = { command: Command; context: UiContext };

function reduce(state: UiState, action: Action): UiState {
  return uiReducer(state, action.command, action.context);
}

export function App(props: AppProps) {
  const { source, config, views, keymap, theme, actions } = props;
  const snapshot = useSnapshot(source);
  const size = useTerminalSize();
  const [state, dispatch] = useReducer(reduce, props.initialView, initialUiState);

  const wanted = state.view === 'auto' ? 'auto' : views[state.view] ?? 'auto';
  const placement = useMemo(() => choosePlacement(views, wanted, size), [views, wanted, size]);
  const paneIds: PaneId[] = placement.kind === 'view' ? placement.panes.map((p) => p.pane) : [];
  const focus = paneIds.length ? state.focus % paneIds.length : 0;

  // The key handler reads the latest context through a ref so that it stays one stable
  // function: Ink re-subscribes useInput whenever the handler changes.
  const contextRef = useRef<UiContext>({ paneIds, viewCount: views.length, shownView: 0, page: 10 });
  contextRef.current = {
    paneIds,
    viewCount: views.length,
    shownView: placement.kind === 'view' ? Math.max(0, views.indexOf(placement.view)) : 0,
    page: Math.max(1, usableRows(size) - 6),
  };
  const onKey = useCallback((input: string, key: Parameters<Parameters<typeof useInput>[0]>[1]) => {
    const name = keyName(input, key);
    // Ctrl-C always quits, whatever the keymap says.
    if (name === 'ctrl+c') {
      actions.quit();
      return;
    }
    const command = name === undefined ? undefined : keymap.byKey.get(name);
    if (!command) return;
    if (command === 'quit') actions.quit();
    else if (command === 'refresh') actions.refresh();
    else dispatch({ command, context: contextRef.current });
  }, [actions, keymap]);
  useInput(onKey);

  const rows = usableRows(size);
  if (placement.kind === 'too-small') {
    return <Text wrap="truncate">{truncate(placement.message, size.columns)}</Text>;
  }

  const focusedId = paneIds[focus];
  const viewLabel = `${placement.view.name}${placement.view.tiers.length > 1 ? `/${placement.tier.name}` : ''}`;
  const panesHeight = Math.max(0, rows - 1);

  const renderTree = (node: LaidOut, key: string): React.ReactNode => {
    if (node.kind === 'pane') {
      if (node.rect.width <= 0 || node.rect.height <= 0) return null;
      return (
        <PaneView
          key={key}
          id={node.pane}
          entry={snapshot.panes[node.pane]}
          host={snapshot.host}
          width={node.rect.width}
          height={node.rect.height}
          focused={node.pane === focusedId}
          scroll={state.scroll[node.pane] ?? 0}
          config={config}
          theme={theme}
          profiler={props.profiler ?? null}
        />
      );
    }
    return (
      <Box key={key} flexDirection={node.direction} width={node.rect.width} height={node.rect.height}>
        {node.children.map((child, index) => renderTree(child, `${key}.${index}`))}
      </Box>
    );
  };

  return (
    <Box flexDirection="column" width={size.columns} height={rows}>
      {state.help ? (
        <HelpView keymap={keymap} views={views.map((v) => v.name)} width={size.columns} height={panesHeight} scroll={state.helpScroll} theme={theme} />
      ) : (
        renderTree(placement.tree, 'root')
      )}
      <StatusBar
        snapshot={snapshot}
        view={viewLabel}
        note={placement.note}
        refreshMs={config.refresh}
        readOnly={props.readOnly}
        width={size.columns}
        helpKey={keymap.bindings.get('help')?.[0]}
        quitKey={keymap.bindings.get('quit')?.[0]}
        theme={theme}
      />
    </Box>
  );
}
