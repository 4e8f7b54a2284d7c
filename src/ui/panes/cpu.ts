// The CPU pane: per-core load against the allocation plan, memory, disks and network.
import type { Config } from '../../config/schema.js';
import { formatBytes, formatDuration } from '../../config/units.js';
import type { ContainerGroupUsage } from '../../model/containers.js';
import { type CpuData, formatCoreList, type GroupUsage } from '../../model/cpu.js';
import type { PaneEntry } from '../../model/snapshot.js';
import type { Trends } from '../../model/trends.js';
import { type Line, level, pad, percent, type Segment, type Tone } from '../text.js';
import { groupTone } from '../theme.js';
import { gauge, labelled, type PaneContent, stateLines, withTrend } from './common.js';

const PERCENT = { low: 0, high: 100 };

const VERDICT: Record<GroupUsage['verdict'], { text: string; tone: Tone }> = {
  over: { text: 'OVER', tone: 'warn' },
  ok: { text: 'ok', tone: 'ok' },
  under: { text: 'under', tone: 'muted' },
  absent: { text: 'not here', tone: 'muted' },
};

function rate(bytesPerSec: number | null): string {
  if (bytesPerSec === null) return '–';
  if (bytesPerSec < 1000) return `${Math.round(bytesPerSec)} B/s`;
  if (bytesPerSec < 1e6) return `${(bytesPerSec / 1e3).toFixed(0)} kB/s`;
  if (bytesPerSec < 1e9) return `${(bytesPerSec / 1e6).toFixed(1)} MB/s`;
  return `${(bytesPerSec / 1e9).toFixed(2)} GB/s`;
}

function linkSpeed(bits: number): string {
  return bits >= 1e9 ? `${(bits / 1e9).toFixed(bits % 1e9 ? 1 : 0)} Gb/s` : `${(bits / 1e6).toFixed(0)} Mb/s`;
}

/** One line per plan group with containers: what they use against the group's cores and memory. */
function containerLines(groups: readonly ContainerGroupUsage[], nameWidth: number): Line[] {
  const shown = groups.filter((g) => g.containers > 0 || g.missing.length > 0);
  if (shown.length === 0) return [];
  const lines: Line[] = [[{ text: `${pad('containers', nameWidth)}cores' worth and memory of each group's containers`, tone: 'muted' }]];
  for (const g of shown) {
    const cores = g.cores === null ? `${g.usedCores.toFixed(2)}` : `${g.usedCores.toFixed(2)}/${g.cores}`;
    const memory =
      g.memoryBytes === null ? formatBytes(g.memoryUsedBytes) : `${formatBytes(g.memoryUsedBytes)} of ${formatBytes(g.memoryBytes)}`;
    const over = g.over;
    lines.push([
      { text: pad(g.group, nameWidth), tone: g.planned ? 'plain' : 'muted' },
      {
        text: `${cores} cores · ${memory} · ${g.running}/${g.containers} running${g.missing.length ? ` · ${g.missing.length} missing` : ''}`,
        tone: over ? 'warn' : 'plain',
      },
      ...(over ? [{ text: ' OVER', tone: 'warn' as const, bold: true }] : []),
    ]);
  }
  return lines;
}

export function cpuPane(
  entry: PaneEntry<CpuData>,
  width: number,
  config: Config,
  hostName: string,
  containerGroups?: readonly ContainerGroupUsage[],
  trends?: Trends,
): PaneContent {
  const title = hostName === config.plan.host ? `CPU · ${hostName}` : `CPU · ${hostName} · plan of ${config.plan.host}`;
  const lines: Line[] = stateLines(entry, width);
  const data = entry.data;
  if (!data) {
    if (lines.length === 0) lines.push([{ text: entry.summary, tone: 'muted' }]);
    return { title, lines };
  }
  const { plan, host } = data;
  const gaugeWidth = Math.max(6, Math.min(30, width - 40));

  const load = host.loadAverage ? ` · load ${host.loadAverage.map((l) => l.toFixed(2)).join(' ')}` : '';
  lines.push(
    gauge(
      'cpu  ',
      plan.totalPercent / 100,
      gaugeWidth,
      plan.triggered.cpu ? 'warn' : 'ok',
      ` ${pad(percent(plan.totalPercent), 4, 'right')} of ${plan.hostThreads} threads${load}`,
    ),
  );
  if (plan.sustained.aboveForMs > 0) {
    lines.push([
      {
        text: `     above ${plan.sustained.thresholdPercent} % for ${formatDuration(plan.sustained.aboveForMs)} of the ${formatDuration(plan.sustained.windowMs)} trigger window`,
        tone: 'warn',
      },
    ]);
  }
  if (plan.shortfall) lines.push(...labelled('⚠ ', plan.shortfall, 'accent', width));
  // A plan not written by the user (the built-in default's guess) says so above its table.
  if (config.plan.note) lines.push(...labelled('plan ', config.plan.note, 'muted', width));

  // The plan table: one row per group. Without room for a bar (a 38-column pane in an 80x24
  // tmux split), the bar goes and the verdict stays.
  const nameWidth = Math.min(14, Math.max(6, ...plan.groups.map((g) => g.name.length)) + 1);
  const withBar = width >= nameWidth + 7 + 9 + 4 + 6 + 8;
  const barWidth = withBar ? Math.max(4, Math.min(20, width - nameWidth - 32)) : 0;
  const coresWidth = withBar ? 7 : 6;
  const usedWidth = withBar ? 9 : 7;
  lines.push([
    {
      text: `${pad('group', nameWidth)}${pad('cores', coresWidth)}${pad('used', usedWidth)}${pad('', withBar ? barWidth + 6 : 5)}plan`,
      tone: 'muted',
    },
  ]);
  plan.groups.forEach((group, index) => {
    const tone = groupTone(index);
    const verdict = VERDICT[group.verdict];
    const row: Segment[] = [
      { text: pad(group.name, nameWidth), tone, bold: true },
      { text: pad(formatCoreList(group.coreIds), coresWidth) },
    ];
    if (group.verdict === 'absent') {
      row.push(
        { text: pad('–', usedWidth), tone: 'muted' },
        { text: pad('', withBar ? barWidth + 6 : 5) },
        { text: verdict.text, tone: verdict.tone },
      );
    } else {
      const used = `${group.usedCores.toFixed(1)}/${group.presentCoreIds.length}`;
      // The plan's verdict: over is past the CPU trigger.
      const load: Tone = group.verdict === 'over' ? 'warn' : 'ok';
      const figure = ` ${pad(percent(group.percent), 4, 'right')} `;
      row.push(
        { text: pad(used, usedWidth) },
        ...(withBar ? gauge('', group.percent / 100, barWidth, load, figure) : [{ text: figure.slice(1), tone: load }]),
        { text: verdict.text, tone: verdict.tone, bold: group.verdict === 'over' },
      );
    }
    // The last minutes of the group after it, lined up, where the pane is wide enough.
    // (The verdict padded so that the sparklines start in one column; the row as it was when
    // there is no room for one.)
    const last = row.at(-1);
    const padded: Line = last ? [...row.slice(0, -1), { ...last, text: pad(last.text, 5) }] : row;
    const trended = withTrend(padded, trends?.get(`cpu.group.${group.name}`), width, PERCENT);
    lines.push(trended === padded ? row : trended);
  });

  // Core map: one cell per physical core, coloured by the group that owns it.
  const groupIndex = new Map(plan.groups.map((g, i) => [g.name, i]));
  const cells: Segment[] = [{ text: 'cores ', tone: 'muted' }];
  let previousGroup: string | null | undefined;
  for (const core of plan.cores) {
    if (previousGroup !== undefined && core.group !== previousGroup) cells.push({ text: ' ' });
    previousGroup = core.group;
    const index = core.group === null ? undefined : groupIndex.get(core.group);
    cells.push({ text: level(core.used), tone: index === undefined ? 'muted' : groupTone(index) });
  }
  const perCore = Math.round(plan.hostThreads / Math.max(1, plan.hostCores));
  cells.push({
    text: `  ${plan.hostCores} ${plan.hostCores === 1 ? 'core' : 'cores'} × ${perCore} ${perCore === 1 ? 'thread' : 'threads'}`,
    tone: 'muted',
  });
  lines.push(cells);

  const mem = plan.memory;
  const planned = mem.plannedBytes + mem.reservedBytes;
  lines.push([
    ...gauge(
      'mem  ',
      mem.percent / 100,
      gaugeWidth,
      plan.triggered.memory ? 'warn' : 'ok',
      ` ${pad(percent(mem.percent), 4, 'right')} ${formatBytes(mem.usedBytes)} of ${formatBytes(mem.totalBytes)}`,
    ),
  ]);
  if (planned > 0) {
    // The kernel sees a little less than the RAM installed (firmware and kernel reservations,
    // a few percent): a 64 GiB plan on a 64 GB machine that reports 62.6 GiB is not over.
    const over = planned > mem.totalBytes * 1.05 ? `, more than this host's ${formatBytes(mem.totalBytes)}` : '';
    lines.push(
      ...labelled(
        '     ',
        `plan ${formatBytes(planned)}: groups ${formatBytes(mem.plannedBytes)} + reserved ${formatBytes(mem.reservedBytes)}${over}`,
        over ? 'accent' : 'muted',
        width,
      ),
    );
  }

  const mountWidth = Math.min(14, Math.max(0, ...host.filesystems.map((fs) => fs.mount.length)));
  for (const fs of host.filesystems) {
    const usedFraction = fs.usedBytes / fs.sizeBytes;
    lines.push(
      gauge(
        `disk ${pad(fs.mount, mountWidth)} `,
        usedFraction,
        Math.max(4, gaugeWidth - mountWidth),
        plan.triggered.disks.includes(fs.mount) ? 'warn' : 'ok',
        ` ${pad(percent(usedFraction * 100), 4, 'right')} used · ${formatBytes(fs.availableBytes)} free`,
      ),
    );
  }
  for (const net of host.network) {
    const peak = Math.max(net.rxBytesPerSec ?? 0, net.txBytesPerSec ?? 0) * 8;
    const share = net.speedBitsPerSec ? ` of ${linkSpeed(net.speedBitsPerSec)} (${percent((peak / net.speedBitsPerSec) * 100)})` : '';
    const busy = plan.triggered.links.includes(net.iface);
    lines.push([
      { text: `net  ${net.iface} ↓${rate(net.rxBytesPerSec)} ↑${rate(net.txBytesPerSec)}${share}`, tone: busy ? 'warn' : 'plain' },
    ]);
  }
  // The containers of each group (from the containers pane's reading) against the same plan.
  if (containerGroups) lines.push(...containerLines(containerGroups, nameWidth));
  return { title, lines };
}
