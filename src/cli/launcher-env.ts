// The binary's launcher (scripts/node-flags.mjs) sets glibc's malloc trim threshold for the
// console's own process, and names what it set in HOMEOPS_LAUNCHER_SET. glibc has read it by the
// time any JavaScript runs; the console removes it from its environment so that what it starts
// (runbook steps, ssh, docker, a shell in a container) gets the environment the user gave it.
const MARK = 'HOMEOPS_LAUNCHER_SET';

/** Removes from env the variables the launcher set (and its mark); a user's own are kept. */
export function forgetLauncherEnv(env: NodeJS.ProcessEnv): void {
  const set = env[MARK];
  if (set === undefined) return;
  for (const name of set.split(',')) if (/^[A-Z_][A-Z0-9_]*$/.test(name)) delete env[name];
  delete env[MARK];
}
