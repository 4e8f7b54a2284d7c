// The one shell script a remote CPU reading runs: the kernel's own files between section
// markers, so that one exec per tick brings everything back. Plain POSIX sh and the tools
// every Linux has (cat, df, sleep): Synology's busybox-flavoured userland included.

/** What a reading asks for besides the per-tick files (CPU times, memory, load, network). */
export type ProcWants = {
  /** Two /proc/stat samples 0.3 s apart: the load now, without a previous sample to compare. */
  twoSamples: boolean;
  /** Thread siblings per logical CPU (rarely changes: read once per connection). */
  topology: boolean;
  /** Link speeds from /sys/class/net. */
  speeds: boolean;
  /** Filesystems (df) and their types (/proc/mounts). */
  disks: boolean;
};

export const SECTION_PREFIX = '@@homeops:';

/** Section names, in the order the script prints them. */
export type SectionName = 'stat0' | 'stat' | 'meminfo' | 'loadavg' | 'uptime' | 'netdev' | 'speed' | 'topology' | 'df' | 'mounts' | 'end';

const mark = (name: SectionName) => `echo '${SECTION_PREFIX}${name}'`;

export function procScript(wants: ProcWants): string {
  const lines = ['LC_ALL=C; export LC_ALL'];
  if (wants.twoSamples) {
    // A fractional sleep is not in every busybox build; a whole second still gives a reading.
    lines.push(mark('stat0'), 'cat /proc/stat', 'sleep 0.3 2>/dev/null || sleep 1');
  }
  lines.push(mark('stat'), 'cat /proc/stat', mark('meminfo'), 'cat /proc/meminfo', mark('loadavg'), 'cat /proc/loadavg');
  // The uptime clock next to the counters: rates need the time between two samples, and the
  // remote clock does not wait for the network.
  lines.push(mark('uptime'), 'cat /proc/uptime', mark('netdev'), 'cat /proc/net/dev');
  if (wants.speeds) {
    lines.push(
      mark('speed'),
      'for i in /sys/class/net/*; do [ -e "$i" ] || continue; printf \'%s %s\\n\' "${i##*/}" "$(cat "$i/speed" 2>/dev/null)"; done',
    );
  }
  if (wants.topology) {
    lines.push(
      mark('topology'),
      'for c in /sys/devices/system/cpu/cpu[0-9]*; do f="$c/topology/thread_siblings_list"; [ -r "$f" ] || continue; printf \'%s %s\\n\' "${c##*/cpu}" "$(cat "$f")"; done',
    );
  }
  if (wants.disks) {
    // df exits non-zero when one mount cannot be read (a FUSE mount of another user) but
    // still lists the others.
    lines.push(mark('df'), 'df -kP 2>/dev/null', mark('mounts'), 'cat /proc/mounts');
  }
  lines.push(mark('end'));
  return `${lines.join('\n')}\n`;
}
