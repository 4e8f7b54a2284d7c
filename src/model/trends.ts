// The last hour of each series, per minute, oldest first, as the console keeps it for the
// sparklines in its panes (series named as in src/store/samples.ts).
export type Trends = ReadonlyMap<string, readonly number[]>;

export const NO_TRENDS: Trends = new Map();

export type TrendSource = {
  current(): Trends;
  subscribe(listener: () => void): () => void;
};
