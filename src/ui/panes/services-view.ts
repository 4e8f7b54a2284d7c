// What the services pane shows of a reading besides the reading itself: the selected service
// (by name, so it stays on the same service when a new reading puts those in trouble first).
// Pure; the app keeps a ServicesView in its state while the pane has the focus.

export type ServicesView = {
  /** The selected service's name; null: the first. */
  selected: string | null;
};

export const INITIAL_SERVICES_VIEW: ServicesView = { selected: null };

/** Where the selection is among `names` (the pane's order): the named service, else the first. */
export function selectedServiceIndex(view: ServicesView, names: readonly string[]): number {
  const index = view.selected === null ? -1 : names.indexOf(view.selected);
  return Math.max(index, 0);
}

/** The selected service's name among `names`; null when there is none to select. */
export function selectedService(view: ServicesView, names: readonly string[]): string | null {
  return names[selectedServiceIndex(view, names)] ?? null;
}

export function moveServiceSelection(view: ServicesView, names: readonly string[], delta: number | 'top' | 'bottom'): ServicesView {
  if (names.length === 0) return view;
  const current = selectedServiceIndex(view, names);
  const target =
    delta === 'top' ? 0 : delta === 'bottom' ? names.length - 1 : Math.min(names.length - 1, Math.max(0, current + Math.trunc(delta)));
  const name = names[target] ?? null;
  return name === view.selected ? view : { ...view, selected: name };
}
