// A string a cache may keep for a long time. A line cut out of a frame (split, slice) is, to V8,
// a view into the whole frame's string, and keeps all of it alive: a cache of a thousand lines
// kept hundreds of old frames, several MB that grew for a quarter of an hour before the cache
// was first emptied. The copy stands alone. Short strings are never views (V8 copies them).
const VIEW_MIN = 13;

export function detached(text: string): string {
  return text.length < VIEW_MIN ? text : Buffer.from(text, 'utf16le').toString('utf16le');
}
