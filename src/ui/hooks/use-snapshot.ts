import { useSyncExternalStore } from 'react';
import type { Snapshot } from '../../model/snapshot.js';

export type SnapshotSource = {
  current(): Snapshot;
  subscribe(listener: (snapshot: Snapshot) => void): () => void;
};

/** The newest published Snapshot; one React update per tick. */
export function useSnapshot(source: SnapshotSource): Snapshot {
  return useSyncExternalStore(
    (notify) => source.subscribe(() => notify()),
    () => source.current(),
  );
}
