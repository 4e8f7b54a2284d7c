// Bundle-only module that replaces ink/build/sanitize-ansi.js: see src/terminal/ink-sanitize-ansi.ts.
import original from 'ink-original-sanitize-ansi';
import { createFastSanitize } from '../../src/terminal/ink-sanitize-ansi.ts';

export default createFastSanitize(original);
