// Reading fields out of the engine's JSON (typed as unknown until checked here).

export type JsonObject = Record<string, unknown>;

export function obj(value: unknown): JsonObject | null {
  return value !== null && typeof value === 'object' && !Array.isArray(value) ? (value as JsonObject) : null;
}

export function str(value: unknown): string | null {
  return typeof value === 'string' ? value : null;
}

export function num(value: unknown): number | null {
  return typeof value === 'number' && Number.isFinite(value) ? value : null;
}

/** Go's zero time ("0001-01-01T00:00:00Z"), which the engine sends for "never". */
export function isZeroTime(value: string): boolean {
  return value.startsWith('0001-01-01');
}

/** An RFC 3339 time, or null for absent, zero or unreadable. */
export function time(value: unknown): string | null {
  const text = str(value);
  if (!text || isZeroTime(text) || Number.isNaN(Date.parse(text))) return null;
  return text;
}
