// Which names in a backup directory are backups: a shell-style glob on the name alone. As in a
// shell, a name starting with "." is matched only by a pattern that starts with "." too, so
// that the hidden temporary files rsync and other tools write while copying never count as
// the newest backup.

/** A test for names; `glob` undefined matches every name not starting with ".". */
export function nameMatcher(glob: string | undefined): (name: string) => boolean {
  const pattern = globToRegExp(glob ?? '*');
  const dotOk = (glob ?? '').startsWith('.');
  return (name) => (dotOk || !name.startsWith('.')) && pattern.test(name);
}

/** *, ? and [...] ([!...] negated); everything else literal. */
export function globToRegExp(glob: string): RegExp {
  let source = '';
  for (let i = 0; i < glob.length; i++) {
    const c = glob[i] ?? '';
    if (c === '*') source += '[^/]*';
    else if (c === '?') source += '[^/]';
    else if (c === '[') {
      const end = glob.indexOf(']', i + 2);
      if (end < 0) source += '\\[';
      else {
        let set = glob.slice(i + 1, end);
        if (set.startsWith('!')) set = `^${set.slice(1)}`;
        source += `[${set.replace(/\\/g, '\\\\')}]`;
        i = end;
      }
    } else source += c.replace(/[.+^${}()|\\]/g, '\\$&');
  }
  return new RegExp(`^${source}$`);
}
