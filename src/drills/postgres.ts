// The database drill: the newest pg_dump archive restored into a throwaway PostgreSQL (a
// container of the live server's image, without network, removed afterwards), pg_amcheck over
// it and a row count per table. Pure: the command line and the reading of its output; the live
// server is never contacted.
import { shellQuote } from '../hosts/host.js';
import type { DrillTable } from '../model/drill.js';

/** Lines of ours in the output start with this; everything else is the programs' own words. */
export const MARK = 'HOMEOPS-DRILL';

export type PostgresDrillTarget = {
  docker: readonly string[];
  /** The image, or the container whose image is used. */
  image: { image: string } | { container: string };
  /** The archive on the drill's host. */
  dump: string;
  /** The throwaway container's name. */
  name: string;
};

// Inside the throwaway container, as its postgres user: a cluster in /tmp, the archive
// restored into a database of its own, then the checks. `set -e`: the first failure ends it,
// and the last phase said is where.
const SCRATCH = [
  'set -e',
  // Debian keeps the programs per version; the official images have them on the PATH already.
  'for d in /usr/lib/postgresql/*/bin; do [ -d "$d" ] && PATH="$d:$PATH"; done',
  'export PGHOST=/tmp/drill PGUSER=postgres PGDATABASE=drill',
  'mkdir -p /tmp/drill',
  `echo "${MARK} phase start"`,
  'initdb -D /tmp/drill/data -U postgres --auth=trust >/dev/null',
  'pg_ctl -D /tmp/drill/data -l /tmp/drill/log -w -o "-c listen_addresses= -c unix_socket_directories=/tmp/drill -c fsync=off" start >/dev/null || { cat /tmp/drill/log; exit 1; }',
  'createdb drill',
  `echo "${MARK} phase restore"`,
  // Roles and grants of the live server do not exist here; the data is what is proven.
  'pg_restore --exit-on-error --no-owner --no-privileges -d drill /drill/backup.dump',
  `echo "${MARK} phase amcheck"`,
  'pg_amcheck --install-missing --heapallindexed -d drill',
  `echo "${MARK} phase count"`,
  // Plain tables only: a partitioned table's rows are its partitions'.
  `psql -XAtq -c "select '${MARK} table ' || format('%I.%I', n.nspname, c.relname) || ' ' || (xpath('/row/c/text()', query_to_xml(format('select count(*) as c from %I.%I', n.nspname, c.relname), false, true, '')))[1]::text from pg_class c join pg_namespace n on n.oid = c.relnamespace where c.relkind = 'r' and n.nspname <> 'information_schema' and n.nspname not like 'pg\\_%' order by 1"`,
  `echo "${MARK} ok"`,
].join('\n');

/** The shell command run on the drill's host. */
export function postgresDrillCommand(target: PostgresDrillTarget): string {
  const docker = target.docker.map(shellQuote).join(' ');
  const image =
    'image' in target.image
      ? `image=${shellQuote(target.image.image)}`
      : `image=$(${docker} inspect -f '{{.Config.Image}}' ${shellQuote(target.image.container)}) || { echo "${MARK} phase image"; exit 1; }`;
  return [
    `test -r ${shellQuote(target.dump)} || { echo "${MARK} phase read"; exit 1; }`,
    image,
    `echo "${MARK} phase run"`,
    `${docker} run --rm --name ${shellQuote(target.name)} --network none --user postgres -v ${shellQuote(`${target.dump}:/drill/backup.dump:ro`)} --entrypoint sh "$image" -c ${shellQuote(SCRATCH)}`,
  ].join('\n');
}

/** Removes the throwaway container when the drill was stopped before it removed itself. */
export function postgresCleanupCommand(target: Pick<PostgresDrillTarget, 'docker' | 'name'>): string[] {
  return [...target.docker, 'rm', '-f', target.name];
}

export type PostgresDrillOutcome = { ok: true; tables: DrillTable[] } | { ok: false; phase: string; error: string; tables: DrillTable[] };

const PHASE_WORDS: Record<string, string> = {
  read: "the archive cannot be read on the drill's host",
  run: 'the throwaway container did not run',
  image: "the live container's image cannot be found",
  start: 'the throwaway server did not start',
  restore: 'pg_restore failed',
  amcheck: 'pg_amcheck found corruption or could not check',
  count: 'counting the rows failed',
};

/** From the command's output and exit code to the outcome. */
export function parsePostgresDrill(stdout: string, stderr: string, code: number | null): PostgresDrillOutcome {
  const tables: DrillTable[] = [];
  let phase = 'image';
  let done = false;
  const other: string[] = [];
  for (const line of stdout.split('\n')) {
    if (line.startsWith(`${MARK} phase `)) phase = line.slice(MARK.length + 7).trim();
    else if (line.startsWith(`${MARK} table `)) {
      const rest = line.slice(MARK.length + 7);
      const at = rest.lastIndexOf(' ');
      const rows = Number(rest.slice(at + 1));
      if (at > 0 && Number.isInteger(rows)) tables.push({ name: rest.slice(0, at), rows });
    } else if (line === `${MARK} ok`) done = true;
    else if (line.trim()) other.push(line.trim());
  }
  if (done && code === 0) return { ok: true, tables };
  // The programs' last words say why: pg_restore's and pg_amcheck's messages, docker's.
  const words = [
    ...stderr
      .split('\n')
      .map((l) => l.trim())
      .filter(Boolean),
    ...other,
  ]
    .slice(-3)
    .join('; ');
  const what = PHASE_WORDS[phase] ?? `${phase} failed`;
  return { ok: false, phase, error: `${what}${words ? `: ${words}` : code === null ? ' (stopped)' : ` (exit ${code})`}`, tables };
}
