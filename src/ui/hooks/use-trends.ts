import { useSyncExternalStore } from 'react';
import { NO_TRENDS, type TrendSource, type Trends } from '../../model/trends.js';

const NONE: TrendSource = { current: () => NO_TRENDS, subscribe: () => () => {} };

/** The console's per-minute trends; a new value once a minute. */
export function useTrends(source: TrendSource | undefined): Trends {
  const from = source ?? NONE;
  return useSyncExternalStore(
    (notify) => from.subscribe(notify),
    () => from.current(),
  );
}
