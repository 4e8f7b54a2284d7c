// The config of this machine alone, as YAML text: the built-in default (used when there is no
// config file) and what `homeops init --from detect` writes. One text for both, so that what
// init writes is exactly what ran before it. Pure: the facts come from machine.ts, the plan to
// scale from the reference estate (examples/estate.yaml), which is configuration, not code.

import { isLoopbackAddress, type MachineFacts } from './machine.js';
import type { Plan } from './schema.js';
import { formatBytes } from './units.js';

const GiB = 1024 ** 3;
const MiB = 1024 ** 2;

export type GuessedGroup = { name: string; description?: string; cores: number; memory?: number };
export type PlanGuess = { groups: GuessedGroup[]; reserved: { name: string; memory: number }[]; note: string };

/**
 * Whole numbers in proportion to `weights` summing to `total` (largest remainders; a tie goes
 * to the earlier weight). Some may be 0 when total is smaller than the number of weights.
 */
export function apportion(weights: readonly number[], total: number): number[] {
  const sum = weights.reduce((a, b) => a + b, 0);
  if (sum <= 0 || total <= 0) return weights.map(() => 0);
  const quotas = weights.map((w) => (w / sum) * total);
  const result = quotas.map(Math.floor);
  let left = total - result.reduce((a, b) => a + b, 0);
  const order = quotas.map((q, index) => ({ index, rest: q - Math.floor(q) })).sort((a, b) => b.rest - a.rest || a.index - b.index);
  for (const { index } of order) {
    if (left <= 0) break;
    result[index] = (result[index] ?? 0) + 1;
    left--;
  }
  return result;
}

/** A size scaled to this machine, rounded to 256 MiB (at least that). */
function scaledMemory(bytes: number, factor: number): number {
  return Math.max(256 * MiB, Math.round((bytes * factor) / (256 * MiB)) * 256 * MiB);
}

/** A size as a config file writes it: "8GiB", "1.5GiB", "768MiB". */
export function sizeText(bytes: number): string {
  if (bytes >= GiB && bytes % (GiB / 4) === 0) return `${bytes / GiB}GiB`;
  return `${Math.round(bytes / MiB)}MiB`;
}

/**
 * The reference plan's proportions over this machine's cores and memory: each group's share of
 * the cores (a group left with none is dropped), memory scaled by this machine's against the
 * reference's. It is a guess, and its note says so.
 */
export function guessPlan(reference: Plan, facts: Pick<MachineFacts, 'cores' | 'memoryBytes'>): PlanGuess {
  const referenceCores = reference.groups.reduce((sum, g) => sum + g.cores, 0);
  const referenceMemory =
    reference.groups.reduce((sum, g) => sum + (g.memory ?? 0), 0) + reference.reserved.reduce((sum, r) => sum + r.memory, 0);
  const factor = referenceMemory > 0 ? facts.memoryBytes / referenceMemory : 0;
  const cores = apportion(
    reference.groups.map((g) => g.cores),
    facts.cores,
  );
  const groups: GuessedGroup[] = [];
  reference.groups.forEach((group, index) => {
    const share = cores[index] ?? 0;
    if (share === 0) return;
    groups.push({
      name: group.name,
      ...(group.description ? { description: group.description } : {}),
      cores: share,
      ...(group.memory !== undefined ? { memory: scaledMemory(group.memory, factor) } : {}),
    });
  });
  const reserved = reference.reserved.map((r) => ({ name: r.name, memory: scaledMemory(r.memory, factor) }));
  const note = `a guess: the reference estate's plan (${referenceCores} cores, ${formatBytes(referenceMemory)}) scaled to this machine's ${facts.cores} ${facts.cores === 1 ? 'core' : 'cores'} and ${formatBytes(facts.memoryBytes)}; write your own (homeops init)`;
  return { groups, reserved, note };
}

/** What the console says instead of a pane that the built-in default leaves out, and why. */
export type MachineNotes = Partial<Record<'containers' | 'dns' | 'vpn' | 'backups', string>>;

const ONLY_THIS = 'with no config file homeops watches this machine only (homeops init writes one to start from)';

/** Why a pane is off under the built-in default: said in the pane, instead of "not configured". */
export function machineNotes(facts: MachineFacts): MachineNotes {
  const notes: MachineNotes = {};
  if (!facts.docker) notes.containers = 'no Docker engine on this machine (DOCKER_HOST is unset and there is no /var/run/docker.sock)';
  const remote = facts.resolvers.filter((r) => !isLoopbackAddress(r));
  if (remote.length > 0 && remote.length === facts.resolvers.length) {
    notes.dns = `this machine resolves names through ${remote.join(', ')} (/etc/resolv.conf), not asked: ${remote.length === 1 ? 'it is' : 'they are'} on the network, and nothing on the network is asked until a config names it (homeops init)`;
  } else if (facts.resolvers.length === 0) {
    notes.dns = 'no nameserver in /etc/resolv.conf';
  }
  notes.vpn = `not watched: ${ONLY_THIS}`;
  notes.backups = `not watched: ${ONLY_THIS}`;
  return notes;
}

/** A YAML double-quoted scalar (JSON's string syntax is YAML's). */
const quote = (text: string): string => JSON.stringify(text);

export type MachineConfigOptions = {
  /** init: a file for the user, with a schema modeline and what to edit next. */
  purpose: 'builtin' | 'init';
  /** The published schema, for the modeline of a written file. */
  schemaPath?: string;
};

/**
 * This machine's config as YAML. Loopback resolvers are watched (asked for localhost, which a
 * resolver answers itself, so the question never leaves the machine); the others are written
 * as comments, for the user to turn on.
 */
export function machineConfigYaml(facts: MachineFacts, reference: Plan, options: MachineConfigOptions): string {
  const guess = guessPlan(reference, facts);
  const host = facts.name;
  const lines: string[] = [];
  const push = (...more: string[]) => lines.push(...more);
  // A hostname is outside text: in a comment it must stay on its line.
  const hostname = facts.hostname.replace(/[\u0000-\u001f\u007f-\u009f\u2028\u2029]/g, '?');
  const shape = `${facts.cores} ${facts.cores === 1 ? 'core' : 'cores'} × ${facts.threadsPerCore} ${facts.threadsPerCore === 1 ? 'thread' : 'threads'}, ${formatBytes(facts.memoryBytes)}`;
  if (options.purpose === 'init') {
    if (options.schemaPath) push(`# yaml-language-server: $schema=${options.schemaPath}`);
    push(
      `# HomeOps config for this machine (${hostname}), written by \`homeops init\` from what it`,
      `# found here: ${shape}${facts.docker ? `, Docker at ${facts.docker.address}` : ', no Docker engine'}${facts.nvidiaSmi ? ', nvidia-smi' : ''}.`,
      '# Nothing on the network is watched until this file names it. Next: the plan below is a guess;',
      '# add the other hosts, DNS servers, VPN and backups of your estate (examples/estate.yaml in the',
      '# package is a whole estate to copy from; docs/config.md explains every field), then run',
      '# `homeops check-config`.',
      '',
    );
  } else {
    push(
      `# The built-in default: this machine (${hostname}) only, ${shape}. Made at start from what`,
      '# homeops finds here; `homeops init` writes it to a file to start from.',
      '',
    );
  }
  push(
    'refresh: 2s',
    'view: auto',
    'keymap: default',
    'readOnly: false',
    '# This machine only; say auto once the file names hosts reached over SSH (docs/outage.md).',
    'profile: local',
    '',
    'hosts:',
    `  ${host}:`,
    `    description: ${quote(`this machine: ${shape}`)}`,
    '    local: true',
    '  # nas:                        # a host reached over SSH',
    '  #   address: 192.0.2.20',
    '  #   ssh: { user: admin }',
    '',
    '# Physical cores (each has threadsPerCore threads) and memory owned by each group of services.',
    'plan:',
    `  host: ${host}`,
    `  threadsPerCore: ${facts.threadsPerCore}`,
    `  note: ${quote(guess.note)}`,
    '  groups:',
    ...guess.groups.map(
      (g) =>
        `    - { name: ${g.name}${g.description ? `, description: ${quote(g.description)}` : ''}, cores: ${g.cores}${g.memory !== undefined ? `, memory: ${sizeText(g.memory)}` : ''} }`,
    ),
  );
  if (guess.reserved.length > 0)
    push('  reserved:', ...guess.reserved.map((r) => `    - { name: ${r.name}, memory: ${sizeText(r.memory)} }`));
  push(
    '',
    '# nvidia-smi is run on this machine; without it the GPU pane says it is not installed.',
    'probes:',
    '  gpu: { command: nvidia-smi }',
    '',
  );
  const dockerLines = ['docker:', '  endpoints:', `    - { host: ${host} }`];
  if (facts.docker) {
    push(
      `# This machine's Docker engine (${facts.docker.via === 'DOCKER_HOST' ? `DOCKER_HOST=${facts.docker.address}` : facts.docker.address}).`,
      ...dockerLines,
      '',
    );
  } else {
    push(
      '# No Docker engine found (DOCKER_HOST unset, no /var/run/docker.sock); once there is one:',
      ...dockerLines.map((l) => `# ${l}`),
      '',
    );
  }
  const local = facts.resolvers.filter(isLoopbackAddress);
  const remote = facts.resolvers.filter((r) => !isLoopbackAddress(r));
  const serverLine = (address: string, index: number) =>
    `- { name: ${index === 0 ? 'resolver' : `resolver-${index + 1}`}, address: ${quote(address)} }`;
  const indexOf = (address: string) => facts.resolvers.indexOf(address);
  push('# The resolvers of /etc/resolv.conf. One on this machine (loopback) is asked for localhost, which');
  push('# a resolver answers itself, so the question never leaves the machine. One on the network is');
  push('# not asked until it is named here: uncomment it, with a name it should answer.');
  if (local.length > 0) {
    push(
      'dns:',
      '  servers:',
      ...local.map((a) => `    ${serverLine(a, indexOf(a))}`),
      ...remote.map((a) => `    # ${serverLine(a, indexOf(a))}`),
    );
    push('  names:', '    - { name: localhost, local: true }', '    # - { name: example.com }');
  } else if (remote.length > 0) {
    push(
      '# dns:',
      '#   servers:',
      ...remote.map((a) => `#     ${serverLine(a, indexOf(a))}`),
      '#   names:',
      '#     - { name: example.com }',
    );
  } else {
    push('# (no nameserver in /etc/resolv.conf)');
  }
  push('');
  return `${lines.join('\n')}\n`;
}
