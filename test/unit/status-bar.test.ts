// The status bar line: never a doubled separator, whatever it holds and however narrow.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { statusBarLine } from '../../src/ui/components/status-bar.js';
import { lineText } from '../../src/ui/text.js';
import { snapshot } from '../helpers/render.js';

const word = fc.stringMatching(/^[a-z][a-z ]{0,30}[a-z]$/);

describe('the status bar line', () => {
  it('a plain message is one separator and its words ("· ·" before the fix)', () => {
    const line = lineText(
      statusBarLine({
        snapshot: snapshot({ host: 'ws' }),
        view: 'workstation/normal',
        note: null,
        refreshMs: 2000,
        readOnly: false,
        width: 160,
        helpKey: '?',
        quitKey: 'q',
        message: { id: 1, text: 'focus the containers pane first (tab)', tone: 'plain' },
      }),
    );
    expect(line).toContain(' ws · focus the containers pane first (tab) · view workstation/normal');
    expect(line).not.toMatch(/·\s*·/);
  });

  it('never shows a doubled separator, whatever is in it and at any width', () => {
    fc.assert(
      fc.property(
        fc.record({
          width: fc.integer({ min: 10, max: 220 }),
          demo: fc.option(word, { nil: null }),
          readOnly: fc.boolean(),
          busy: fc.option(word, { nil: null }),
          note: fc.option(word, { nil: null }),
          message: fc.option(
            fc.record({
              id: fc.nat(),
              text: word,
              tone: fc.constantFrom('ok' as const, 'warn' as const, 'crit' as const, 'plain' as const),
            }),
            { nil: null },
          ),
          helpKey: fc.option(fc.constantFrom('?', 'f1'), { nil: undefined }),
          quitKey: fc.option(fc.constantFrom('q', 'ctrl+q'), { nil: undefined }),
        }),
        (p) => {
          const line = lineText(
            statusBarLine({
              snapshot: snapshot({ host: 'ws', demo: p.demo }),
              view: 'tmux/small',
              note: p.note,
              refreshMs: 2000,
              readOnly: p.readOnly,
              width: p.width,
              helpKey: p.helpKey,
              quitKey: p.quitKey,
              message: p.message,
              busy: p.busy,
            }),
          );
          expect(line).not.toMatch(/·\s*·/);
        },
      ),
      { seed: 1810, numRuns: 400 },
    );
  });
});
