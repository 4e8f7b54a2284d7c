// The order of hosts and containers in a reading: String#localeCompare's (ICU's collation for
// en-US, which Node uses whatever the locale), computed here for the characters Docker allows in
// a container's name, which is all a reading usually sorts, without loading ICU's collation
// data for it (about 3 MB resident). Any other character is left to localeCompare itself.

/** A character's place at the first level of comparison (case aside), or -1 for any other. */
function weight(code: number): number {
  if (code >= 97 && code <= 122) return code - 97 + 20; // a–z
  if (code >= 65 && code <= 90) return code - 65 + 20; // A–Z: as a–z, told apart only later
  if (code >= 48 && code <= 57) return code - 48 + 10; // digits, after punctuation
  if (code === 95) return 1; // _
  if (code === 45) return 2; // -
  if (code === 46) return 3; // .
  return -1;
}

/** a.localeCompare(b): negative, zero or positive. */
export function compareNames(a: string, b: string): number {
  const length = Math.min(a.length, b.length);
  for (let index = 0; index < length; index++) {
    const x = weight(a.charCodeAt(index));
    const y = weight(b.charCodeAt(index));
    if (x < 0 || y < 0) return a.localeCompare(b);
    if (x !== y) return x - y;
  }
  for (let index = length; index < a.length; index++) if (weight(a.charCodeAt(index)) < 0) return a.localeCompare(b);
  for (let index = length; index < b.length; index++) if (weight(b.charCodeAt(index)) < 0) return a.localeCompare(b);
  if (a.length !== b.length) return a.length - b.length;
  // The same letters: the first difference in case decides, lower case first.
  for (let index = 0; index < length; index++) {
    const x = a.charCodeAt(index);
    const y = b.charCodeAt(index);
    if (x !== y) return x > y ? -1 : 1;
  }
  return 0;
}
