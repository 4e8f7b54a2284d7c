import { useStdin } from 'ink';
import { useEffect, useRef } from 'react';
import { createKeyDecoder, type KeyPress } from '../key-decoder.js';

/**
 * Every key press, in order, one call per read. Ink's useInput hands a run of characters read
 * together to its handler as one input (and names it as nothing); here the raw input goes
 * through our decoder, so that `qq`, three Tabs or `jjjj` arriving in one read act as typed.
 */
export function useKeyPresses(onPresses: (presses: KeyPress[]) => void): void {
  const { internal_eventEmitter: events, setRawMode, isRawModeSupported } = useStdin();
  const handler = useRef(onPresses);
  handler.current = onPresses;
  useEffect(() => {
    if (!isRawModeSupported) return;
    setRawMode(true);
    return () => setRawMode(false);
  }, [isRawModeSupported, setRawMode]);
  useEffect(() => {
    const decoder = createKeyDecoder();
    const onInput = (event: string) => {
      const presses = decoder.push(event);
      if (presses.length) handler.current(presses);
    };
    events.on('input', onInput);
    return () => {
      events.removeListener('input', onInput);
    };
  }, [events]);
}
