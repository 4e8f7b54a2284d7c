// What the console asks of a pane kind to draw it (src/panes/<id>/view.ts): the state it needs
// besides its Snapshot entry, and its content lines.
import type { Config } from '../../config/schema.js';
import type { PaneId } from '../../model/panes.js';
import type { PaneData, PaneEntry, Snapshot } from '../../model/snapshot.js';
import type { Trends } from '../../model/trends.js';
import type { Interaction } from '../interaction.js';
import type { PaneContent } from './common.js';

/** What a pane is drawn in: the space inside its border, the config, the console's host. */
export type PaneArea = { width: number; height: number; config: Config; host: string };

/** What a pane's view state is picked from. */
export type PaneViewContext = {
  snapshot: Snapshot;
  ix: Interaction;
  /** The pane has the focus. */
  focused: boolean;
  /** The last hour per minute, for the panes that draw sparklines (a new map once a minute). */
  trends: Trends;
};

/**
 * Two values as one view, the same object while both are the same (a view must not change
 * while nothing it depends on did). One per pane kind.
 */
export function viewPair<A, B>(): (a: A, b: B) => { a: A; b: B } {
  let last: { a: A; b: B } | null = null;
  return (a, b) => {
    if (!last || last.a !== a || last.b !== b) last = { a, b };
    return last;
  };
}

export type PaneRenderer<Data, View> = {
  /**
   * What the pane shows besides its entry (a table's sort and selection, another pane's
   * reading). The same object while nothing it depends on changed: the pane is built again
   * only when its entry or this differs.
   */
  view(context: PaneViewContext): View;
  render(entry: PaneEntry<Data>, area: PaneArea, view: View): PaneContent;
};

/** Declares how the pane `id` is drawn; its entry is typed by the data that pane's source reads. */
export function defineView<Id extends PaneId, View>(_id: Id, renderer: PaneRenderer<PaneData[Id], View>): PaneRenderer<PaneData[Id], View> {
  return renderer;
}

/** A renderer whatever its data: the console hands each pane its own entry, by id. */
export type AnyPaneRenderer = PaneRenderer<never, unknown>;

/** Every pane's renderer, by id; the console gets them from src/panes/renderers.ts. */
export type PaneRenderers = Readonly<Record<PaneId, AnyPaneRenderer>>;
