// Which channels hear about which severities: what a channel's `severities` says, else its
// type's default, after the estate plan (critical: SMS and push; high: e-mail and dashboard;
// medium: dashboard and logs; low: logs only). Everything is also said on the watcher's log and
// recorded on the timeline, whatever the channels. Pure.
import type { ChannelConfig } from '../config/schema.js';
import type { Severity } from '../model/timeline.js';

export const DEFAULT_SEVERITIES: Readonly<Record<ChannelConfig['type'], readonly Severity[]>> = {
  ntfy: ['critical'], // push
  command: ['critical'], // the NAS's own notifier: SMS
  email: ['high'],
  webhook: ['critical', 'high', 'medium'], // a dashboard
};

export function severitiesOf(channel: ChannelConfig): readonly Severity[] {
  return channel.severities ?? DEFAULT_SEVERITIES[channel.type];
}

export function channelsFor<C extends ChannelConfig>(severity: Severity, channels: readonly C[]): C[] {
  return channels.filter((c) => severitiesOf(c).includes(severity));
}
