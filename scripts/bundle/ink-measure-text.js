// Bundle-only module that replaces ink/build/measure-text.js: see src/terminal/ink-measure-text.ts.
import widestLine from 'widest-line';
import { createMeasureText } from '../../src/terminal/ink-measure-text.ts';

export default createMeasureText(widestLine);
