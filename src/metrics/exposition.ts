// The text Prometheus scrapes: OpenMetrics 1.0 (ending in `# EOF`) when the scraper asks for it,
// else the classic text format 0.0.4. Gauges only, one metric per meaning, labels for the rest.
// Pure.

export type Sample = { labels?: Readonly<Record<string, string>>; value: number };
export type Family = { name: string; help: string; unit?: string; samples: readonly Sample[] };

export const OPENMETRICS_TYPE = 'application/openmetrics-text; version=1.0.0; charset=utf-8';
export const TEXT_TYPE = 'text/plain; version=0.0.4; charset=utf-8';

/** Whether an Accept header takes OpenMetrics (Prometheus sends it first). */
export function wantsOpenMetrics(accept: string | undefined): boolean {
  return /application\/openmetrics-text/i.test(accept ?? '');
}

/** A label value: `\`, `"` and line breaks escaped. */
export function labelValue(value: string): string {
  return value.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n');
}

function help(text: string): string {
  return text.replace(/\\/g, '\\\\').replace(/\n/g, '\\n');
}

function number(value: number): string {
  if (Number.isNaN(value)) return 'NaN';
  if (value === Infinity) return '+Inf';
  if (value === -Infinity) return '-Inf';
  return String(value);
}

export function render(families: readonly Family[], openMetrics: boolean): string {
  const lines: string[] = [];
  for (const family of families) {
    if (family.samples.length === 0) continue;
    lines.push(`# HELP ${family.name} ${help(family.help)}`, `# TYPE ${family.name} gauge`);
    if (openMetrics && family.unit) lines.push(`# UNIT ${family.name} ${family.unit}`);
    for (const sample of family.samples) {
      const labels = Object.entries(sample.labels ?? {});
      const set = labels.length ? `{${labels.map(([k, v]) => `${k}="${labelValue(v)}"`).join(',')}}` : '';
      lines.push(`${family.name}${set} ${number(sample.value)}`);
    }
  }
  if (openMetrics) lines.push('# EOF');
  return `${lines.join('\n')}\n`;
}
