import { useEffect, useState } from 'react';

/**
 * The time, re-read every `everyMs` while `active` (a running clock on screen); no timer at all
 * otherwise, so an idle console does no work.
 */
export function useNow(active: boolean, everyMs = 1000): number {
  const [now, setNow] = useState(Date.now);
  useEffect(() => {
    if (!active) return undefined;
    setNow(Date.now());
    const timer = setInterval(() => setNow(Date.now()), everyMs);
    return () => clearInterval(timer);
  }, [active, everyMs]);
  return active ? now : Date.now();
}
