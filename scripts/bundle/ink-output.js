// Bundle-only module that replaces ink/build/output.js: see src/ui/fast-output.ts.
import Original from 'ink-original-output';
import { createFastOutput } from '../../src/ui/fast-output.ts';

export default createFastOutput(Original);
