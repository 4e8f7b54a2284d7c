// Human units in config files: durations ("2s", "500ms", "5m", "1h") and sizes ("8GiB", "512 MB").
// Pure parsers; the schema turns their errors into located config errors.

const DURATION_UNITS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 };

/** Parses "2s", "1.5m", "500ms", "1h30m", "1h 30m" into milliseconds; undefined when malformed. */
export function parseDuration(text: string): number | undefined {
  const trimmed = text.trim();
  if (trimmed === '') return undefined;
  // Sticky, so each part must start where the previous one ended. (matchAll would copy the
  // regex and ignore any lastIndex set here, which is how spaces between parts were lost.)
  const part = /(\d+(?:\.\d+)?)\s*(ms|s|m|h|d)\s*/y;
  let total = 0;
  while (part.lastIndex < trimmed.length) {
    const match = part.exec(trimmed);
    const unit = match ? DURATION_UNITS[match[2] ?? ''] : undefined;
    if (!match || unit === undefined) return undefined;
    total += Number(match[1]) * unit;
  }
  return Math.round(total);
}

const SIZE_UNITS: Record<string, number> = {
  b: 1,
  kb: 1e3,
  mb: 1e6,
  gb: 1e9,
  tb: 1e12,
  kib: 1024,
  mib: 1024 ** 2,
  gib: 1024 ** 3,
  tib: 1024 ** 4,
  k: 1024,
  m: 1024 ** 2,
  g: 1024 ** 3,
  t: 1024 ** 4,
};

/** Parses "8GiB", "8 GB", "512M" into bytes; undefined when malformed. */
export function parseSize(text: string): number | undefined {
  const match = /^\s*(\d+(?:\.\d+)?)\s*([a-zA-Z]*)\s*$/.exec(text);
  if (!match) return undefined;
  const unit = SIZE_UNITS[(match[2] ?? '').toLowerCase() || 'b'];
  return unit === undefined ? undefined : Math.round(Number(match[1]) * unit);
}

export function formatDuration(ms: number): string {
  if (ms < 0) return `-${formatDuration(-ms)}`;
  // Round once, at the precision shown, so that 59.95 s is "1m" and not "60.0s", and
  // 119.6 s is "2m" and not "1m60s".
  if (Math.round(ms) < 1000) return `${Math.round(ms)}ms`;
  const tenths = Math.round(ms / 100);
  if (tenths < 600) return tenths % 10 === 0 ? `${tenths / 10}s` : `${(tenths / 10).toFixed(1)}s`;
  const seconds = Math.round(ms / 1000);
  if (seconds < 3600) return `${Math.floor(seconds / 60)}m${seconds % 60 ? `${seconds % 60}s` : ''}`;
  const minutes = Math.floor(seconds / 60);
  const h = Math.floor(minutes / 60);
  if (h < 48) return `${h}h${minutes % 60 ? `${minutes % 60}m` : ''}`;
  return `${Math.floor(h / 24)}d`;
}

/** Short age for panes: "3s", "2m", "5h", "3d". */
export function formatAge(ms: number): string {
  const s = Math.max(0, Math.floor(ms / 1000));
  if (s < 60) return `${s}s`;
  if (s < 3600) return `${Math.floor(s / 60)}m`;
  if (s < 172_800) return `${Math.floor(s / 3600)}h`;
  return `${Math.floor(s / 86_400)}d`;
}

/** Binary sizes the way admins read them: "12.1 GiB", "512 MiB". */
export function formatBytes(bytes: number, digits = 1): string {
  const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB', 'PiB'];
  let value = bytes;
  let index = 0;
  // Compare what would be shown, so 1048575 bytes is "1.0 MiB", not "1024.0 KiB".
  const shown = (v: number, i: number): number => Math.abs(i === 0 ? Math.round(v) : Number(v.toFixed(digits)));
  while (shown(value, index) >= 1024 && index < units.length - 1) {
    value /= 1024;
    index++;
  }
  return `${index === 0 ? Math.round(value) : value.toFixed(digits)} ${units[index]}`;
}

/** A schedule as people say it: "4h", "1d", "7d" (not "24h"). */
export function everyText(ms: number): string {
  const day = 86_400_000;
  return ms >= day && ms % day === 0 ? `${ms / day}d` : formatDuration(ms);
}

/** Local time of day, as the SSH host words "unreachable since 10:42:13". */
export function clockTime(ms: number): string {
  return new Date(ms).toTimeString().slice(0, 8);
}

/** Local date and time to the second: "2026-01-05 10:42:13". */
export function formatTime(ms: number): string {
  const d = new Date(ms);
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())} ${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}`;
}
