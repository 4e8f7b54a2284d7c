// Bundle-only module that replaces ink/build/measure-text.js: see src/ui/bounded-measure-text.ts.
import widestLine from 'widest-line';
import { createMeasureText } from '../../src/ui/bounded-measure-text.ts';

export default createMeasureText(widestLine);
