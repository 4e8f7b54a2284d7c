// Counts as Pi-hole's figures are shown: rounded, in groups of three (1,234,567), exactly as
// Number#toLocaleString('en-US') writes them, without loading ICU's number formats for it
// (about 5 MB resident in a console that formats a handful of numbers).

/** Math.round(n).toLocaleString('en-US'). */
export function thousands(n: number): string {
  const rounded = Math.round(n);
  if (Number.isNaN(rounded)) return 'NaN';
  if (!Number.isFinite(rounded)) return rounded > 0 ? '∞' : '-∞';
  const sign = rounded < 0 || Object.is(rounded, -0) ? '-' : '';
  const digits = integerDigits(Math.abs(rounded));
  let out = '';
  for (let end = digits.length; end > 0; end -= 3) out = (end > 3 ? ',' : '') + digits.slice(Math.max(0, end - 3), end) + out;
  return sign + out;
}

/** The digits of a whole number as the shortest decimal that reads back as it (1e21 and up too). */
function integerDigits(whole: number): string {
  const text = String(whole);
  const exponent = text.indexOf('e+');
  if (exponent < 0) return text;
  const mantissa = text.slice(0, exponent).replace('.', '');
  return mantissa.padEnd(Number(text.slice(exponent + 2)) + 1, '0');
}
