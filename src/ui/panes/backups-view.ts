// What the backups pane shows of a reading besides the reading itself: the selected set (by
// name, so it survives new readings) and whether its full detail is open. Pure; the app keeps
// a BackupsView in its state while the pane has the focus.

export type BackupsView = {
  /** The selected set's name; null: the first set. */
  selected: string | null;
  /** The selected set's full detail is open (Enter), in place of the other sets' details. */
  detail: boolean;
};

export const INITIAL_BACKUPS_VIEW: BackupsView = { selected: null, detail: false };

/** Where the selection is among `names`: the named set, else the first. */
export function selectedSetIndex(view: BackupsView, names: readonly string[]): number {
  const index = view.selected === null ? -1 : names.indexOf(view.selected);
  return Math.max(index, 0);
}

export function moveSetSelection(view: BackupsView, names: readonly string[], delta: number | 'top' | 'bottom'): BackupsView {
  if (names.length === 0) return view;
  const current = selectedSetIndex(view, names);
  const target =
    delta === 'top' ? 0 : delta === 'bottom' ? names.length - 1 : Math.min(names.length - 1, Math.max(0, current + Math.trunc(delta)));
  const name = names[target] ?? null;
  return name === view.selected ? view : { ...view, selected: name };
}

export function toggleSetDetail(view: BackupsView): BackupsView {
  return { ...view, detail: !view.detail };
}

/** Escape closes the full detail; with it closed there is nothing to undo (null). */
export function closeSetDetail(view: BackupsView): BackupsView | null {
  return view.detail ? { ...view, detail: false } : null;
}
