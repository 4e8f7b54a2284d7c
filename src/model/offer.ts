// A runbook the situation calls for: its trigger's condition has held for its duration
// (src/runbooks/triggers.ts). The Snapshot lists them; the console's banner, `status` and a
// watcher read them. docs/services.md, "Triggers".
export type Offer = {
  runbook: string;
  title: string;
  /** Why, in words: the trigger's reason and what was seen ("dns-primary down for 1m"). */
  reason: string;
  /** Since when the condition has held (ISO). */
  since: string;
  /** offer: the console shows it and waits for the operator; auto: the watcher runs it. */
  response: 'offer' | 'auto';
};
