// The GPU pane: utilisation, VRAM, temperature, power per GPU, and the processes using them.
import type { Config } from '../../config/schema.js';
import type { GpuReading, JudgedGpu } from '../../model/gpu.js';
import type { PaneEntry } from '../../model/snapshot.js';
import type { Trends } from '../../model/trends.js';
import { type Line, pad, percent, type Tone } from '../text.js';
import { gauge, type PaneContent, stateLines, withTrend } from './common.js';

const num = (value: number | null, digits = 0, unit = '') => (value === null ? 'n/a' : `${value.toFixed(digits)}${unit}`);
const gib = (mib: number | null) => (mib === null ? 'n/a' : (mib / 1024).toFixed(1));

function memoryFraction(gpu: JudgedGpu): number | null {
  return gpu.memoryUsedMiB !== null && gpu.memoryTotalMiB ? gpu.memoryUsedMiB / gpu.memoryTotalMiB : null;
}

function fullBlock(gpu: JudgedGpu, width: number, many: boolean, trends?: Trends): Line[] {
  const barWidth = Math.max(6, Math.min(24, width - 28));
  const mem = memoryFraction(gpu);
  const memTone: Tone = gpu.memoryLevel ?? 'muted';
  const power = gpu.powerDrawW === null ? 'n/a' : `${num(gpu.powerDrawW)}${gpu.powerLimitW === null ? '' : `/${num(gpu.powerLimitW)}`} W`;
  return [
    [
      { text: many ? `${gpu.index} ` : '', tone: 'accent' },
      { text: gpu.name, bold: true },
      { text: `${gpu.pstate ? ` · ${gpu.pstate}` : ''}${gpu.driverVersion ? ` · driver ${gpu.driverVersion}` : ''}`, tone: 'muted' },
    ],
    withTrend(
      gauge('util ', (gpu.utilizationPercent ?? 0) / 100, barWidth, 'accent', ` ${pad(percent(gpu.utilizationPercent), 4, 'right')}`),
      trends?.get(`gpu.${gpu.index}.util`),
      width,
      { low: 0, high: 100 },
    ),
    gauge(
      'vram ',
      mem ?? 0,
      barWidth,
      memTone,
      ` ${pad(percent(mem === null ? null : mem * 100), 4, 'right')} ${gib(gpu.memoryUsedMiB)}/${gib(gpu.memoryTotalMiB)} GiB`,
    ),
    withTrend(
      [
        { text: 'temp ' },
        { text: num(gpu.temperatureC, 0, '°C'), tone: gpu.temperatureLevel ?? 'muted', bold: (gpu.temperatureLevel ?? 'muted') !== 'ok' },
        { text: ` · power ${power} · fan ${num(gpu.fanPercent, 0, '%')}` },
      ],
      trends?.get(`gpu.${gpu.index}.temp`),
      width,
    ),
  ];
}

/** One GPU on one line, fitted to the width: the name gives way first, never the figures. */
function compactLine(gpu: JudgedGpu, width: number): Line {
  const mem = memoryFraction(gpu);
  const wide = width >= 56;
  const total = gpu.memoryTotalMiB === null ? 'n/a' : wide ? gib(gpu.memoryTotalMiB) : String(Math.round(gpu.memoryTotalMiB / 1024));
  const memory = ` ${gib(gpu.memoryUsedMiB)}/${total}${wide ? ' GiB' : 'G'} ${percent(mem === null ? null : mem * 100)}`;
  const power = wide ? ` · ${num(gpu.powerDrawW)} W` : ` ${num(gpu.powerDrawW)}W`;
  const nameWidth = Math.max(4, Math.min(18, width - 2 - 5 - 5 - memory.length - power.length));
  return [
    { text: `${gpu.index} `, tone: 'accent' },
    { text: pad(gpu.name.replace(/^NVIDIA (GeForce )?/, ''), nameWidth), bold: true },
    { text: ` ${pad(percent(gpu.utilizationPercent), 4, 'right')}` },
    { text: ` ${pad(num(gpu.temperatureC, 0, '°C'), 4, 'right')}`, tone: gpu.temperatureLevel ?? 'muted' },
    { text: memory },
    { text: power },
  ];
}

export function gpuPane(entry: PaneEntry<GpuReading>, width: number, height: number, _config: Config, trends?: Trends): PaneContent {
  const lines: Line[] = stateLines(entry, width);
  const reading = entry.data;
  const where = entry.host === undefined ? '' : ` · ${entry.host}`;
  const title = reading && reading.gpus.length > 1 ? `GPU${where} · ${reading.gpus.length} GPUs` : `GPU${where}`;
  if (!reading) {
    if (lines.length === 0) lines.push([{ text: entry.summary, tone: 'muted' }]);
    return { title, lines };
  }
  const many = reading.gpus.length > 1;
  // Full blocks when they fit the pane, one line per GPU otherwise.
  const fullHeight = lines.length + reading.gpus.length * 4;
  if (fullHeight <= height) for (const gpu of reading.gpus) lines.push(...fullBlock(gpu, width, many, trends));
  else for (const gpu of reading.gpus) lines.push(compactLine(gpu, width));

  const nameWidth = Math.max(8, Math.min(28, width - 22 - (many ? 1 : 0)));
  if (reading.processes.length) {
    lines.push([{ text: `${pad('pid', 8)}${pad('process', nameWidth)}${pad('vram', 10, 'right')}${many ? '  gpu' : ''}`, tone: 'muted' }]);
    const sorted = [...reading.processes].sort((a, b) => (b.usedMemoryMiB ?? -1) - (a.usedMemoryMiB ?? -1));
    for (const proc of sorted) {
      const name = proc.name.split('/').pop() ?? proc.name;
      lines.push([
        { text: pad(String(proc.pid), 8) },
        { text: pad(name, nameWidth) },
        {
          text: pad(
            proc.usedMemoryMiB === null
              ? 'n/a'
              : proc.usedMemoryMiB >= 1024
                ? `${gib(proc.usedMemoryMiB)} GiB`
                : `${proc.usedMemoryMiB} MiB`,
            10,
            'right',
          ),
        },
        { text: many ? `  ${proc.gpuIndex ?? '?'}` : '' },
      ]);
    }
    if (reading.processMemoryNote) lines.push([{ text: reading.processMemoryNote, tone: 'muted' }]);
  } else {
    lines.push([{ text: 'no compute processes', tone: 'muted' }]);
  }
  return { title, lines };
}
