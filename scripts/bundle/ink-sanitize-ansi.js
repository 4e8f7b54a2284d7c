// Bundle-only module that replaces ink/build/sanitize-ansi.js: see src/ui/fast-sanitize-ansi.ts.
import original from 'ink-original-sanitize-ansi';
import { createFastSanitize } from '../../src/ui/fast-sanitize-ansi.ts';

export default createFastSanitize(original);
