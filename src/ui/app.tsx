// The console: status bar, panes laid out by the active view, help, and on top of them the
// panels, menu and dialogs of actions. Reads the Snapshot and the actions controller's state,
// sends intents; knows nothing of probes, hosts or processes.
import { Box, Text } from 'ink';
import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import type { Keymap } from '../config/keymaps.js';
import { clockOf, windowAt } from '../config/maintenance.js';
import type { Config } from '../config/schema.js';
import type { View } from '../config/views.js';
import type { Offer } from '../model/offer.js';
import type { PaneId } from '../model/panes.js';
import type { PaneEntry, Snapshot } from '../model/snapshot.js';
import type { TrendSource } from '../model/trends.js';
import { dialogLines } from './components/dialog.js';
import { HelpView } from './components/help.js';
import { OfferBanner } from './components/offer-banner.js';
import { centre, Overlay, type Placed } from './components/overlay.js';
import { PaneView } from './components/pane-view.js';
import { PanelView } from './components/panel-view.js';
import { menuLines } from './components/runbook-menu.js';
import { StatusBar } from './components/status-bar.js';
import { type ConsoleIntents, type ConsoleStateSource, STATIC_CONSOLE_STATE } from './console-state.js';
import { useConsoleState } from './hooks/use-console-state.js';
import { useKeyPresses } from './hooks/use-key-presses.js';
import { type SnapshotSource, useSnapshot } from './hooks/use-snapshot.js';
import { useTerminalSize } from './hooks/use-terminal-size.js';
import { useTrends } from './hooks/use-trends.js';
import {
  type Effect,
  formOf,
  INITIAL_INTERACTION,
  type Interaction,
  type KeyPress,
  panelKey,
  type RouteContext,
  routeKey,
  scrollOf,
} from './interaction.js';
import { choosePlacement, type LaidOut, type Placement, type Size, usableRows } from './layout.js';
import { logsViewOf } from './logs-view.js';
import { targetAt } from './mouse-target.js';
import { shownSets } from './panes/backups.js';
import type { ContainersView } from './panes/containers-view.js';
import type { PaneRenderers } from './panes/index.js';
import { serviceNames } from './panes/services.js';
import type { Profiler } from './profile.js';
import { focusedPane, initialUiState, type UiState } from './state.js';
import { lineText, textWidth, truncate } from './text.js';
import { nextThemeName, type Theme, type ThemeName, themeNamed } from './theme.js';

export type AppActions = {
  quit(): void;
  refresh(): void;
  /** Puts the whole frame on the terminal again, and the terminal's modes (Ctrl-L). */
  redraw?(): void;
  /** The theme was switched in the console: remember it for the next start. */
  themeChosen?(name: ThemeName): void;
  /** The view and the containers' order and filter changed: remembered for the next start. */
  remember?(state: RememberedView): void;
  /** The actions controller's intents; without them (the panes alone) action keys do nothing. */
  intents?: ConsoleIntents;
};

/** What the console remembers of its own state between starts (src/cli/app-state.ts). */
export type RememberedView = {
  view: string | null;
  containers: Pick<ContainersView, 'sort' | 'descending' | 'problemsFirst' | 'filter'>;
};

export type AppProps = {
  source: SnapshotSource;
  /** How each pane is drawn, by id (src/panes/renderers.ts). */
  panes: PaneRenderers;
  config: Config;
  views: readonly View[];
  /** Index into views of the view asked for, or 'auto'. */
  initialView: number | 'auto';
  keymap: Keymap;
  theme: Theme;
  readOnly: boolean;
  actions: AppActions;
  /** What the actions controller publishes (runs, dialogs, messages, logs). */
  console?: ConsoleStateSource;
  /** The last hour per minute, for sparklines (none without it). */
  trends?: TrendSource;
  profiler?: Profiler | null;
  /** The terminal sends mouse reports (on unless --no-mouse or mouse: false): clicks and the wheel act. */
  mouse?: boolean;
  /** The containers' order and filter as remembered from the last start. */
  initialContainers?: RememberedView['containers'] | undefined;
};

type State = { ui: UiState; ix: Interaction };

type Outage = { view: View; note: string };

/**
 * While the plan's host (the workstation) does not answer, the view chosen on auto is the
 * outage view, if one is configured; the status bar says why.
 */
function outageNote(snapshot: Snapshot, planHost: string): string | null {
  const down = snapshot.unreachable.find((u) => u.host === planHost);
  return down ? `${planHost} unreachable since ${new Date(down.since).toTimeString().slice(0, 5)}` : null;
}

/** Rows a panel takes when the panes share the screen with it, and the panes' placement. */
type Split = { panelHeight: number; placement: Placement | null };

/** A panel takes the pane area; where the terminal is tall, the panes keep the lower part. */
function splitForPanel(views: readonly View[], wanted: View | 'auto', size: Size, areaHeight: number, outage: Outage | null): Split {
  if (areaHeight >= 28) {
    const panelHeight = Math.max(14, Math.round(areaHeight * 0.6));
    const rest = areaHeight - panelHeight;
    const placement = choosePlacement(views, wanted, { columns: size.columns, rows: rest + 2 }, outage);
    if (placement.kind === 'view') return { panelHeight, placement };
  }
  return { panelHeight: areaHeight, placement: null };
}

/** The key that runs the first offer: its runbook's own binding, else offer.run's. */
function offerKey(keymap: Keymap, offers: readonly Offer[]): string | undefined {
  const first = offers[0];
  if (!first) return undefined;
  return keymap.bindings.get(`runbook:${first.runbook}`)?.[0] ?? keymap.bindings.get('offer.run')?.[0];
}

function perform(effect: Effect, actions: AppActions, switchTheme: () => void): void {
  if (effect.type === 'theme-next') {
    switchTheme();
    return;
  }
  if (effect.type === 'quit') {
    actions.quit();
    return;
  }
  if (effect.type === 'refresh') {
    actions.refresh();
    return;
  }
  if (effect.type === 'redraw') {
    actions.redraw?.();
    return;
  }
  const intents = actions.intents;
  if (!intents) return;
  switch (effect.type) {
    case 'answer':
      if (effect.values) intents.answer(effect.promptId, effect.answer, effect.values);
      else intents.answer(effect.promptId, effect.answer);
      break;
    case 'load-runbooks':
      intents.loadRunbooks();
      break;
    case 'run':
      intents.runRunbook(effect.id);
      break;
    case 'dry-run':
      intents.dryRun(effect.id);
      break;
    case 'verify-backups':
      intents.verifyBackups();
      break;
    case 'history':
      intents.showHistory();
      break;
    case 'timeline':
      intents.showTimeline();
      break;
    case 'trends':
      intents.showTrends(effect.pane, effect.item);
      break;
    case 'ack':
      intents.ackAlerts(effect.pane);
      break;
    case 'silence':
      intents.silenceAlerts(effect.pane);
      break;
    case 'run-detail':
      intents.showRun(effect.runId);
      break;
    case 'abort':
      intents.abortRun(effect.confirm === true);
      break;
    case 'close-panel':
      intents.closePanel();
      break;
    case 'container':
      intents.containerAction(effect.action, effect.target);
      break;
    case 'logs':
      intents.openLogs(effect.target);
      break;
    case 'shell':
      intents.openShell(effect.target);
      break;
    case 'group-logs':
      intents.openGroupLogs(effect.group, effect.targets);
      break;
    case 'logs-save':
      intents.saveLogs();
      break;
    case 'logs-since':
      intents.cycleLogsSince();
      break;
    case 'blocking':
      intents.setBlocking(effect.enabled);
      break;
    case 'notify':
      intents.notify(effect.text, effect.tone);
      break;
  }
}

export function App(props: AppProps) {
  const { source, config, views, keymap, actions } = props;
  const [theme, setTheme] = useState<Theme>(props.theme);
  const themeRef = useRef(theme);
  const consoleSource = props.console ?? STATIC_CONSOLE_STATE;
  const snapshot = useSnapshot(source);
  const trends = useTrends(props.trends);
  const cs = useConsoleState(consoleSource);
  const size = useTerminalSize();
  const [state, setState] = useState<State>(() => ({
    ui: initialUiState(props.initialView),
    ix: props.initialContainers
      ? { ...INITIAL_INTERACTION, containers: { ...INITIAL_INTERACTION.containers, ...props.initialContainers } }
      : INITIAL_INTERACTION,
  }));
  // The key handler works on the newest state, also for several keys in one read (a paste).
  const stateRef = useRef(state);

  const { ui, ix } = state;
  const rows = usableRows(size);
  // A runbook the situation calls for takes a row above the status bar while it is offered.
  const offers = snapshot.offers;
  const bannerRows = offers.length > 0 && rows > 4 ? 1 : 0;
  const layoutSize = useMemo<Size>(() => (bannerRows ? { columns: size.columns, rows: size.rows - bannerRows } : size), [size, bannerRows]);
  const areaHeight = Math.max(0, rows - 1 - bannerRows);
  const wanted = ui.view === 'auto' ? 'auto' : (views[ui.view] ?? 'auto');
  const note = outageNote(snapshot, config.plan.host);
  // The maintenance window, by the Snapshot's clock: the status bar says until when.
  const inWindow = windowAt(config.maintenance, Date.parse(snapshot.takenAt));
  const maintenanceUntil = inWindow ? clockOf(inWindow.until) : null;
  const outage = useMemo<Outage | null>(() => {
    const view = note === null ? undefined : views.find((v) => v.name === 'outage');
    return view && note !== null ? { view, note } : null;
  }, [views, note]);
  const full = useMemo(() => choosePlacement(views, wanted, layoutSize, outage), [views, wanted, layoutSize, outage]);
  const panel = ui.help ? null : cs.panel;
  const hasPanel = panel !== null;
  const split = useMemo<Split>(
    () => (hasPanel ? splitForPanel(views, wanted, layoutSize, areaHeight, outage) : { panelHeight: 0, placement: full }),
    [hasPanel, views, wanted, layoutSize, areaHeight, full, outage],
  );
  const placement = split.placement?.kind === 'view' ? split.placement : null;
  const paneIds: PaneId[] = placement ? placement.panes.map((p) => p.pane) : [];
  const focusedId = focusedPane(ui, paneIds);

  const backupsEntry = snapshot.panes.backups;
  const backupNames = useMemo(
    () => (backupsEntry.data ? shownSets(backupsEntry.data, backupsEntry.ageMs).map((s) => s.name) : null),
    [backupsEntry],
  );
  const servicesData = snapshot.panes.services.data;
  const servicesOrder = useMemo(() => (servicesData ? serviceNames(servicesData) : null), [servicesData]);
  // What routing a key needs to know of the screen. Keys of one read are routed one after the
  // other before the next render, so the panes shown and the focus are worked out from the
  // newest state (a view switched by the previous key of the same read counts).
  const contextRef = useRef<(ui: UiState) => Omit<RouteContext, 'console'>>(() => ({}) as Omit<RouteContext, 'console'>);
  contextRef.current = (now: UiState) => {
    let ids: readonly PaneId[] = paneIds;
    let shown = full;
    if (now.view !== ui.view) {
      const nowWanted = now.view === 'auto' ? 'auto' : (views[now.view] ?? 'auto');
      shown = choosePlacement(views, nowWanted, layoutSize, outage);
      const nowSplit = hasPanel ? splitForPanel(views, nowWanted, layoutSize, areaHeight, outage).placement : shown;
      ids = nowSplit?.kind === 'view' ? nowSplit.panes.map((p) => p.pane) : [];
    }
    return {
      keymap,
      uiContext: {
        paneIds: ids,
        viewCount: views.length,
        shownView: shown.kind === 'view' ? Math.max(0, views.indexOf(shown.view)) : 0,
        page: Math.max(1, rows - 6),
      },
      focused: focusedPane(now, ids),
      containers: snapshot.panes.containers.data,
      backupSets: backupNames,
      serviceNames: servicesOrder,
      page: Math.max(1, (split.panelHeight || areaHeight) - 6),
      offer: offers[0]?.runbook ?? null,
      panelHeight: split.panelHeight || areaHeight,
      locate: props.mouse
        ? (x, y) => {
            // What is where as this frame drew it; the rows of a pane as its content has them now.
            const newest = stateRef.current;
            return targetAt(
              {
                areaHeight: full.kind === 'too-small' && !hasPanel ? 0 : areaHeight,
                help: now.help,
                dialog: consoleSource.current().prompt !== null,
                menu: newest.ix.menu !== null,
                panelHeight: panel ? split.panelHeight : 0,
                panes: now.view === ui.view && placement ? placement.panes : [],
                scrollOf: (pane) => now.scroll[pane] ?? 0,
                contentOf: (pane, inner, innerHeight) => {
                  const kind = props.panes[pane];
                  const view = kind.view({ snapshot, ix: newest.ix, focused: focusedPane(now, ids) === pane, trends });
                  const content = kind.render(
                    snapshot.panes[pane] as PaneEntry<never>,
                    { width: inner, height: innerHeight, config, host: snapshot.host },
                    view,
                  );
                  return { count: content.lines.length, rows: content.rows, selected: content.selected };
                },
              },
              x,
              y,
            );
          }
        : undefined,
    };
  };
  // T: the next theme, at once. Without colour (NO_COLOR, --no-color) there is none to switch.
  const switchTheme = useCallback(() => {
    const intents = actions.intents;
    const current = themeRef.current;
    if (!current.color) {
      intents?.notify('no colour (NO_COLOR or --no-color): there are no themes to switch', 'plain');
      return;
    }
    const name = nextThemeName(current.name);
    themeRef.current = themeNamed(name);
    setTheme(themeRef.current);
    actions.themeChosen?.(name);
    const pinned = config.theme !== undefined && config.theme !== name ? ` until the next start (the config says ${config.theme})` : '';
    intents?.notify(`theme ${name}${pinned}`, 'plain');
  }, [actions, config.theme]);
  const onPresses = useCallback(
    (presses: KeyPress[]) => {
      const start = stateRef.current;
      for (const press of presses) {
        const before = stateRef.current;
        const routed = routeKey(before.ui, before.ix, press, { ...contextRef.current(before.ui), console: consoleSource.current() });
        if (routed.ui !== before.ui || routed.ix !== before.ix) stateRef.current = { ui: routed.ui, ix: routed.ix };
        for (const effect of routed.effects) perform(effect, actions, switchTheme);
        // Nothing typed after q acts on a console that is closing.
        if (routed.effects.some((e) => e.type === 'quit')) break;
      }
      // One render for the whole read.
      if (stateRef.current !== start) setState(stateRef.current);
    },
    [actions, consoleSource, switchTheme],
  );
  useKeyPresses(onPresses);

  // Remembered for the next start: the view chosen (by name: the views may be reordered), the
  // containers' order and the filter once kept (not while it is typed).
  const containersView = ix.containers;
  const keptFilter = containersView.filtering ? null : containersView.filter;
  const chosenView = ui.view === 'auto' ? null : (views[ui.view]?.name ?? null);
  const remember = actions.remember;
  useEffect(() => {
    if (!remember || keptFilter === null) return;
    remember({
      view: chosenView,
      containers: {
        sort: containersView.sort,
        descending: containersView.descending,
        problemsFirst: containersView.problemsFirst,
        filter: keptFilter,
      },
    });
  }, [remember, chosenView, containersView.sort, containersView.descending, containersView.problemsFirst, keptFilter]);

  const runbookTitles = useMemo(() => new Map(cs.catalog.map((r) => [r.id, r.title])), [cs.catalog]);
  const first = (command: Parameters<Keymap['bindings']['get']>[0]) => keymap.bindings.get(command)?.[0];
  const panelKeys = useMemo(() => {
    const key = (command: Parameters<Keymap['bindings']['get']>[0]) => keymap.bindings.get(command)?.[0];
    return {
      close: key('close'),
      bottom: key('scroll.bottom'),
      follow: key('logs.follow'),
      timestamps: key('logs.timestamps'),
      wrap: key('logs.wrap'),
      search: key('filter'),
      next: key('logs.next'),
      previous: key('logs.previous'),
      save: key('logs.save'),
      since: key('logs.since'),
    };
  }, [keymap]);
  const menuKeys = useMemo(
    () => ({
      select: keymap.bindings.get('select')?.[0],
      dryRun: keymap.bindings.get('runbook.dry-run')?.[0],
      history: keymap.bindings.get('runbook.history')?.[0],
      close: keymap.bindings.get('close')?.[0],
    }),
    [keymap],
  );

  // The dialog or the menu, on top of whatever is below.
  const typed = cs.prompt && ix.typed?.promptId === cs.prompt.id ? ix.typed : null;
  const form = cs.prompt?.kind === 'inputs' ? formOf(ix, cs.prompt) : null;
  const overlayArea = full.kind === 'too-small' && !hasPanel ? rows : areaHeight;
  const overlay = useMemo<Placed | null>(() => {
    const area = { width: size.columns, height: overlayArea };
    if (area.height <= 0 || area.width <= 0) return null;
    if (cs.prompt) {
      const lines = dialogLines(cs.prompt, typed, Math.max(1, area.width - 2), area.height, form);
      return centre(lines, textWidth(lineText(lines[0] ?? [])), area);
    }
    if (ix.menu) {
      const lines = menuLines(cs.catalog, ix.menu.index, menuKeys, props.readOnly, Math.max(1, area.width - 2), area.height);
      return centre(lines, textWidth(lineText(lines[0] ?? [])), area);
    }
    return null;
  }, [cs.prompt, typed, form, ix.menu, cs.catalog, menuKeys, props.readOnly, size.columns, overlayArea]);

  if (full.kind === 'too-small' && !overlay && !hasPanel) {
    return <Text wrap="truncate">{truncate(full.message, size.columns)}</Text>;
  }
  if (full.kind === 'too-small' && !hasPanel) {
    // Too small for any view, but a question waits: it gets the whole terminal.
    return (
      <Box flexDirection="column" width={size.columns} height={rows}>
        {overlay && <Overlay placed={overlay} theme={theme} />}
      </Box>
    );
  }

  const renderTree = (node: LaidOut, key: string): React.ReactNode => {
    if (node.kind === 'pane') {
      if (node.rect.width <= 0 || node.rect.height <= 0) return null;
      const kind = props.panes[node.pane];
      const focused = node.pane === focusedId;
      return (
        <PaneView
          key={key}
          id={node.pane}
          kind={kind}
          entry={snapshot.panes[node.pane]}
          view={kind.view({ snapshot, ix, focused, trends })}
          host={snapshot.host}
          width={node.rect.width}
          height={node.rect.height}
          focused={focused}
          scroll={ui.scroll[node.pane] ?? 0}
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

  const viewLabel = full.kind === 'view' ? `${full.view.name}${full.view.tiers.length > 1 ? `/${full.tier.name}` : ''}` : 'none';
  return (
    <Box flexDirection="column" width={size.columns} height={rows}>
      <Box flexDirection="column" width={size.columns} height={areaHeight}>
        {ui.help ? (
          <HelpView
            keymap={keymap}
            views={views.map((v) => v.name)}
            width={size.columns}
            height={areaHeight}
            scroll={ui.helpScroll}
            theme={theme}
            runbookTitles={runbookTitles}
          />
        ) : (
          <>
            {panel && split.panelHeight > 0 && (
              <PanelView
                panel={panel}
                run={cs.run}
                width={size.columns}
                height={split.panelHeight}
                scroll={scrollOf(ix, panel)}
                keys={panelKeys}
                logs={panel.kind === 'logs' ? logsViewOf(ix.logs, panelKey(panel)) : undefined}
                theme={theme}
              />
            )}
            {placement && renderTree(placement.tree, 'root')}
          </>
        )}
        {overlay && <Overlay placed={overlay} theme={theme} />}
      </Box>
      {bannerRows > 0 && <OfferBanner offers={offers} runKey={offerKey(keymap, offers)} width={size.columns} theme={theme} />}
      <StatusBar
        snapshot={snapshot}
        view={viewLabel}
        note={full.kind === 'view' ? full.note : null}
        refreshMs={config.refresh}
        readOnly={props.readOnly}
        width={size.columns}
        helpKey={first('help')}
        quitKey={first('quit')}
        theme={theme}
        message={cs.message}
        busy={cs.busy}
        maintenanceUntil={maintenanceUntil}
      />
    </Box>
  );
}
