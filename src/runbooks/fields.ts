// What a runbook step names, found without its schema: the strings templates may be in, the
// fields naming a host. The console uses them at run time without loading the validator.
import type { CheckSpec, RunbookStep } from './schema.js';

type Path = (string | number)[];

/** Every templatable string of a step, with its path inside the step. */
export function templatedStrings(step: RunbookStep): { path: Path; text: string }[] {
  const out: { path: Path; text: string }[] = [];
  const add = (path: Path, text: string | undefined) => {
    if (text !== undefined) out.push({ path, text });
  };
  add(['title'], step.title);
  if (step.run) {
    add(['run', 'command'], step.run.command);
    for (const [i, arg] of (step.run.argv ?? []).entries()) add(['run', 'argv', i], arg);
    for (const [key, value] of Object.entries(step.run.env ?? {})) add(['run', 'env', key], value);
  }
  const checkStrings = (prefix: Path, check: CheckSpec) => {
    if (check.dns) {
      add([...prefix, 'dns', 'server'], check.dns.server);
      add([...prefix, 'dns', 'name'], check.dns.name);
    }
    if (check.container) add([...prefix, 'container', 'name'], check.container.name);
    if (check.backup) {
      add([...prefix, 'backup', 'path'], check.backup.path);
      add([...prefix, 'backup', 'glob'], check.backup.glob);
    }
    if (check.tcp) add([...prefix, 'tcp', 'host'], check.tcp.host);
    if (check.http) add([...prefix, 'http', 'url'], check.http.url);
  };
  if (step.check) checkStrings(['check'], step.check);
  if (step.wait) checkStrings(['wait', 'check'], step.wait.check);
  add(['confirm'], step.confirm);
  add(['note'], step.note);
  return out;
}

/** Fields naming a host that runs something (commands, docker inspect, file listings). */
export function hostFields(step: RunbookStep): { path: Path; value: string }[] {
  const out: { path: Path; value: string }[] = [];
  if (step.run) out.push({ path: ['run', 'host'], value: step.run.host });
  const fromCheck = (prefix: Path, check: CheckSpec) => {
    if (check.container) out.push({ path: [...prefix, 'container', 'host'], value: check.container.host });
    if (check.backup?.host !== undefined) out.push({ path: [...prefix, 'backup', 'host'], value: check.backup.host });
  };
  if (step.check) fromCheck(['check'], step.check);
  if (step.wait) fromCheck(['wait', 'check'], step.wait.check);
  return out;
}

/** A host field is a host name or exactly `{{site.NAME}}` (the site says which host). */
export function parseHostField(value: string): { name: string } | { site: string } | { error: string } {
  const site = /^\{\{\s*site\.([A-Za-z0-9_.-]+)\s*\}\}$/.exec(value);
  if (site?.[1]) return { site: site[1] };
  if (/^[A-Za-z0-9][A-Za-z0-9._-]*$/.test(value)) return { name: value };
  return { error: `"${value}" is not a host name (or {{site.NAME}} naming one)` };
}
