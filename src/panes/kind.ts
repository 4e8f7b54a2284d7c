// A pane kind lives in its own folder here: source.ts says where its data comes from (live, in a
// demo scenario, or nowhere with this config), view.ts how it is drawn. The runtime builds the
// monitor's probes from the sources (sources.ts), each reading what the Snapshot's PaneData
// (model/snapshot.ts) says it carries, and the console draws each pane through its view
// (renderers.ts). The two halves are apart so that `homeops status` loads no drawing code and
// the console's drawing no reader it does not use.
import type { Env } from '../config/paths.js';
import type { Config } from '../config/schema.js';
import type { Scenario } from '../demo/scenario.js';
import type { HostPlacement } from '../hosts/profile.js';
import type { Hosts } from '../hosts/registry.js';
import type { DockerAccess } from '../probes/containers/access.js';
import type { DnsSources } from '../probes/dns/probe.js';
import type { Probe } from '../probes/probe.js';

/** What a pane's source is built from. Shared sources are opened once, on first ask, and closed by the runtime. */
export type SourceContext = {
  config: Config;
  env: Env;
  hosts: Hosts;
  placement: HostPlacement;
  /** The Docker engines (live, or replayed in a demo); null when the config has no docker section or none can be opened. */
  docker(): DockerAccess | null;
  /** The DNS servers and their Pi-holes (live, or replayed); null when there is no DNS data. */
  dns(): DnsSources | null;
  /** A live reading that waits on this host goes over SSH (the monitor then says the host's state for it). */
  overSsh(host: string): boolean;
};

/**
 * A pane's source: its probe, with `host` where it reads when that is not this machine and `via`
 * the SSH hosts its reading waits on; or why it has none.
 */
export type Source<Data> = { probe: Probe<unknown, Data>; host?: string; via?: readonly string[] } | { disabled: string };

export type PaneSource<Id extends string, Data> = {
  readonly id: Id;
  /** Why the pane is off with this config (not configured, disabled); null when it reads something. */
  off(config: Config): string | null;
  live(context: SourceContext): Source<Data>;
  demo(context: SourceContext, scenario: Scenario): Source<Data>;
};

/** Declares a pane's source; its data type is what its probe reads. */
export function defineSource<Id extends string, Data>(source: PaneSource<Id, Data>): PaneSource<Id, Data> {
  return source;
}
