// An alert: what a probe or the plan found wrong, at one of two levels. The words every pane,
// the status command and the notifications share.
export type AlertLevel = 'warn' | 'crit';
export type Alert = { level: AlertLevel; message: string };
