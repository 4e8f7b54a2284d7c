// The last hour of each series, per minute, oldest first, as the console keeps it for the
// sparklines in its panes (series named as in src/store/samples.ts).
export type Trends = ReadonlyMap<string, readonly number[]>;

export const NO_TRENDS: Trends = new Map();

export type TrendSource = {
  current(): Trends;
  subscribe(listener: () => void): () => void;
};

/** What a series measures, for labels and scales. */
export type SeriesUnit = 'percent' | 'celsius' | 'ms' | 'bytes';

/**
 * A series' past as the history panel shows it: the last hour per minute, the last day in
 * quarter hours, the last week in hours (NaN where nothing was recorded).
 */
export type SeriesHistory = {
  name: string;
  unit: SeriesUnit;
  /** The newest minute's value, if the last hour has one. */
  last: number | null;
  hour: readonly number[];
  day: readonly number[];
  week: readonly number[];
};

/** The history panel's spans: buckets of so many minutes, so many of them. */
export const HISTORY_SPANS = {
  hour: { minutes: 1, count: 60 },
  day: { minutes: 15, count: 96 },
  week: { minutes: 60, count: 168 },
} as const;
