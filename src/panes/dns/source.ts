// The DNS pane's source: every DNS server asked every configured name, and their Pi-holes.
import { dnsProbe, dnsReader } from '../../probes/dns/probe.js';
import { defineSource, type SourceContext } from '../kind.js';

function fromSources(context: SourceContext, missing: string) {
  const dns = context.config.dns;
  const sources = context.dns();
  return dns && sources ? { probe: dnsProbe(dnsReader(dns, sources), dns) } : { disabled: missing };
}

export const dnsSource = defineSource({
  id: 'dns',
  off: (config) => (config.dns && config.dns.servers.length > 0 ? null : 'not configured (no dns.servers in the config)'),
  live: (context) => fromSources(context, 'not configured (no dns.servers in the config)'),
  demo: (context, scenario) => fromSources(context, `no DNS data in scenario ${scenario.name}`),
});
