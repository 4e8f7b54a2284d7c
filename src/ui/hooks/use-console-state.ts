import { useSyncExternalStore } from 'react';
import type { ConsoleState, ConsoleStateSource } from '../console-state.js';

/** The controller's newest state: one React update per publish. */
export function useConsoleState(source: ConsoleStateSource): ConsoleState {
  return useSyncExternalStore(
    (notify) => source.subscribe(() => notify()),
    () => source.current(),
  );
}
