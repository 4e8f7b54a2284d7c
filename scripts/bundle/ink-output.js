// Bundle-only module that replaces ink/build/output.js: see src/terminal/ink-output.ts.
import Original from 'ink-original-output';
import { createFastOutput } from '../../src/terminal/ink-output.ts';

export default createFastOutput(Original);
