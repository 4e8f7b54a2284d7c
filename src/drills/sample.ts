// The restic and borg drill: a sample of the newest snapshot's files restored into a temporary
// directory on the set's host and compared. borg records each file's checksum, so a restored
// file is compared with the repository's own; restic does not, so a restored file is compared
// with its source when the source is unchanged since the backup (same size and time), and
// otherwise by its size alone. Pure: commands, the sample's choice, the reading of the output.
import { shellQuote } from '../hosts/host.js';
import type { DrillFile, FileVerdict } from '../model/drill.js';
import type { BackupSetConfig } from '../probes/backups/types.js';
import { MARK } from './postgres.js';

export type RepositoryFile = { path: string; size: number; mtimeMs: number | null; sha256?: string };
export type Snapshot = { id: string; files: RepositoryFile[] };

const isObject = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);

function jsonLines(stdout: string): Record<string, unknown>[] {
  const out: Record<string, unknown>[] = [];
  for (const line of stdout.split('\n')) {
    if (!line.trim().startsWith('{')) continue;
    try {
      const parsed: unknown = JSON.parse(line);
      if (isObject(parsed)) out.push(parsed);
    } catch {
      // progress or a warning: not a record
    }
  }
  return out;
}

// ---------------------------------------------------------------- restic

function resticBase(set: BackupSetConfig): string[] {
  return [set.command ?? 'restic', '-r', set.path, ...(set.passwordFile === undefined ? [] : ['--password-file', set.passwordFile])];
}

/** `restic ls --json latest`: the snapshot, then every node in it. */
export function resticListCommand(set: BackupSetConfig): string[] {
  return [...resticBase(set), 'ls', '--json', '--no-lock', ...set.args, 'latest'];
}

export function parseResticList(stdout: string): Snapshot {
  let id = '';
  const files: RepositoryFile[] = [];
  for (const record of jsonLines(stdout)) {
    if (record.struct_type === 'snapshot' || (record.tree !== undefined && record.paths !== undefined)) {
      id = typeof record.short_id === 'string' ? record.short_id : typeof record.id === 'string' ? record.id.slice(0, 8) : id;
    } else if (record.type === 'file' && typeof record.path === 'string') {
      const mtime = typeof record.mtime === 'string' ? Date.parse(record.mtime) : NaN;
      files.push({
        path: record.path,
        size: typeof record.size === 'number' ? record.size : 0,
        mtimeMs: Number.isFinite(mtime) ? mtime : null,
      });
    }
  }
  if (!id) throw new Error('restic ls printed no snapshot (an empty repository?)');
  return { id, files };
}

// restic's --include takes a pattern: its special characters are escaped to mean themselves.
const literalPattern = (path: string) => path.replace(/[\\*?[\]]/g, (c) => `\\${c}`);

/** Restores the sample into a temporary directory and prints each file's checksums. */
export function resticRestoreCommand(set: BackupSetConfig, snapshot: string, paths: readonly string[]): string {
  const restic = [...resticBase(set), 'restore', snapshot, '--target', '"$t"', ...paths.flatMap((p) => ['--include', literalPattern(p)])];
  const line = restic.map((w) => (w === '"$t"' ? w : shellQuote(w))).join(' ');
  return [
    't=$(mktemp -d) || exit 1',
    'trap \'rm -rf "$t"\' EXIT',
    `${line} >/dev/null || { echo "${MARK} restore-failed"; exit 1; }`,
    ...paths.map((p) => compareLine(`"$t"${shellQuote(p)}`, p, true)),
  ].join('\n');
}

/** Prints `MARK file <restored sha> <restored size> <source sha> <source size> <source mtime s> <path>` ("-" for none). */
function compareLine(restored: string, path: string, withSource: boolean): string {
  const source = shellQuote(path);
  const mine = `if [ -f ${restored} ]; then rs=$(sha256sum < ${restored} | cut -c1-64); rz=$(wc -c < ${restored}); else rs=-; rz=-; fi`;
  const theirs = withSource
    ? `if [ -f ${source} ] && [ -r ${source} ]; then ss=$(sha256sum < ${source} | cut -c1-64); sz=$(wc -c < ${source}); sm=$(stat -c %Y ${source}); else ss=-; sz=-; sm=-; fi`
    : 'ss=-; sz=-; sm=-';
  return `${mine}; ${theirs}; printf '${MARK} file %s %s %s %s %s %s\\n' "$rs" "$rz" "$ss" "$sz" "$sm" ${source}`;
}

// ---------------------------------------------------------------- borg

/** borg asks on its terminal; there is none: every question is answered no at once. */
export function borgEnv(set: BackupSetConfig): Record<string, string> {
  return {
    BORG_RELOCATED_REPO_ACCESS_IS_OK: 'no',
    BORG_UNKNOWN_UNENCRYPTED_REPO_ACCESS_IS_OK: 'no',
    BORG_DISPLAY_PASSPHRASE: 'no',
    ...(set.passwordFile === undefined ? { BORG_PASSPHRASE: '' } : { BORG_PASSCOMMAND: `cat ${shellQuote(set.passwordFile)}` }),
  };
}

/** The newest archive's contents (`borg list --last 1`, then its files). */
export function borgListCommand(set: BackupSetConfig): string {
  const borg = shellQuote(set.command ?? 'borg');
  const args = set.args.map(shellQuote).join(' ');
  const repo = shellQuote(set.path);
  return [
    `name=$(${borg} list --bypass-lock --last 1 --format '{archive}' ${args} ${repo}) || exit 1`,
    `[ -n "$name" ] || { echo "${MARK} empty"; exit 1; }`,
    `echo "${MARK} archive $name"`,
    `${borg} list --bypass-lock --json-lines ${repo}::"$name"`,
  ].join('\n');
}

export function parseBorgList(stdout: string): Snapshot {
  const id = /^HOMEOPS-DRILL archive (.+)$/m.exec(stdout)?.[1]?.trim();
  if (!id) throw new Error(stdout.includes(`${MARK} empty`) ? 'the repository has no archives' : 'borg list printed no archive');
  const files: RepositoryFile[] = [];
  for (const record of jsonLines(stdout)) {
    if (record.type !== '-' || typeof record.path !== 'string') continue;
    files.push({ path: record.path, size: typeof record.size === 'number' ? record.size : 0, mtimeMs: null });
  }
  return { id, files };
}

/** The sample's checksums as the repository holds them, then the files extracted and summed. */
export function borgRestoreCommand(set: BackupSetConfig, archive: string, paths: readonly string[]): string {
  const borg = shellQuote(set.command ?? 'borg');
  const target = `${shellQuote(set.path)}::${shellQuote(archive)}`;
  const quoted = paths.map(shellQuote).join(' ');
  return [
    't=$(mktemp -d) || exit 1',
    'trap \'rm -rf "$t"\' EXIT',
    `${borg} list --bypass-lock --json-lines --format '{sha256}' ${target} ${quoted} | sed 's/^/${MARK} repo /'`,
    `(cd "$t" && ${borg} extract --bypass-lock ${target} ${quoted}) || { echo "${MARK} restore-failed"; exit 1; }`,
    ...paths.map((p) => compareLine(`"$t"/${shellQuote(p)}`, p, false)),
  ].join('\n');
}

// ---------------------------------------------------------------- the sample and the verdicts

/** Up to `count` files, spread over the snapshot: a different sample each drill (random). */
export function chooseSample(files: readonly RepositoryFile[], count: number, random: () => number = Math.random): RepositoryFile[] {
  const pool = files.filter((f) => !/[\n\r]/.test(f.path));
  const chosen: RepositoryFile[] = [];
  const left = [...pool];
  while (chosen.length < count && left.length) chosen.push(...left.splice(Math.floor(random() * left.length), 1));
  return chosen;
}

type Sums = {
  restored: string | null;
  restoredSize: number | null;
  source: string | null;
  sourceSize: number | null;
  sourceMtimeS: number | null;
};

function parseSums(stdout: string): { sums: Map<string, Sums>; repo: Map<string, string>; restoreFailed: boolean } {
  const sums = new Map<string, Sums>();
  const repo = new Map<string, string>();
  let restoreFailed = false;
  const value = (word: string | undefined) => (word === undefined || word === '-' ? null : word);
  const number = (word: string | undefined) => (value(word) === null ? null : Number(word));
  for (const line of stdout.split('\n')) {
    if (line === `${MARK} restore-failed`) restoreFailed = true;
    else if (line.startsWith(`${MARK} file `)) {
      const words = line.slice(MARK.length + 6).split(' ');
      const path = words.slice(5).join(' ');
      sums.set(path, {
        restored: value(words[0]),
        restoredSize: number(words[1]),
        source: value(words[2]),
        sourceSize: number(words[3]),
        sourceMtimeS: number(words[4]),
      });
    } else if (line.startsWith(`${MARK} repo `)) {
      try {
        const record: unknown = JSON.parse(line.slice(MARK.length + 6));
        if (isObject(record) && typeof record.path === 'string' && typeof record.sha256 === 'string') repo.set(record.path, record.sha256);
      } catch {
        // not a record
      }
    }
  }
  return { sums, repo, restoreFailed };
}

/** Each sampled file's verdict, from the restore command's output. */
export function sampleVerdicts(
  kind: 'restic' | 'borg',
  sample: readonly RepositoryFile[],
  stdout: string,
): { files: DrillFile[]; restoreFailed: boolean } {
  const { sums, repo, restoreFailed } = parseSums(stdout);
  const files = sample.map((file): DrillFile => {
    const got = sums.get(file.path);
    let verdict: FileVerdict;
    if (!got || got.restored === null || got.restoredSize !== file.size) verdict = got?.restored ? 'differs' : 'missing';
    else if (kind === 'borg') verdict = repo.get(file.path) === got.restored ? 'same' : 'differs';
    else {
      const unchanged =
        got.source !== null &&
        got.sourceSize === file.size &&
        file.mtimeMs !== null &&
        got.sourceMtimeS === Math.floor(file.mtimeMs / 1000);
      verdict = unchanged ? (got.source === got.restored ? 'same' : 'differs') : 'changed';
    }
    return { path: file.path, size: file.size, verdict };
  });
  return { files, restoreFailed };
}

export function sampleSummary(files: readonly DrillFile[]): string {
  const count = (v: FileVerdict) => files.filter((f) => f.verdict === v).length;
  const parts = [
    count('same') ? `${count('same')} same` : '',
    count('changed') ? `${count('changed')} changed since (size compared)` : '',
    count('differs') ? `${count('differs')} DIFFER` : '',
    count('missing') ? `${count('missing')} NOT RESTORED` : '',
  ].filter(Boolean);
  return `${files.length} file${files.length === 1 ? '' : 's'} restored: ${parts.join(', ') || 'none'}`;
}
