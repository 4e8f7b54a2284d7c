// Where a runbook's input lands in a shell line, so that quoting cannot be got wrong. An input
// is inserted shell-quoted, as one word; that is safe only where the shell reads it as a word of
// its own: bare in the line (or in a $(…)). Inside '…' or "…" the inserted quotes close the
// author's and the rest of the value is shell code again; in backticks, a here-document, a
// comment, ${…} or $((…)) it is read another way. And some programs run their arguments through
// a shell once more (ssh's remote command, sh -c, su -c, eval): there no quoting helps. Pure: a
// small POSIX shell lexer that knows quoting, nesting, here-documents and comments, and errs on
// the side of refusing.

/** The text range of a placeholder in the line. */
export type Span = { index: number; length: number };

/** Why an input may not go where it is; null when it is a word of its own. */
export type Place = string | null;

type Frame =
  | { kind: 'code'; paren: boolean; words: string[]; word: string; inWord: boolean }
  | { kind: 'sq' }
  | { kind: 'dq' }
  | { kind: 'bt' }
  | { kind: 'param' }
  | { kind: 'arith'; depth: number };

const RESERVED = new Set([
  'if',
  'then',
  'else',
  'elif',
  'fi',
  'do',
  'done',
  'while',
  'until',
  'for',
  'case',
  'esac',
  '{',
  '}',
  '!',
  'time',
]);
const BLANK = /[ \t]/;
const SHELLS = new Set(['sh', 'bash', 'dash', 'ash', 'ksh', 'mksh', 'zsh', 'busybox']);
// Options of sudo that take a value (the next word).
const SUDO_VALUE = new Set(['-u', '-g', '-C', '-D', '-h', '-p', '-r', '-t', '-U', '-T']);

function basename(word: string): string {
  return (
    word
      .replace(/["'\\]/g, '')
      .split('/')
      .pop() ?? word
  );
}

/**
 * The program a simple command runs and its arguments, past assignments (X=1) and the
 * wrappers that run their own arguments as a command (sudo, env, exec, nohup, nice, timeout,
 * command, stdbuf, time).
 */
export function effectiveCommand(words: readonly string[]): { program: string; args: string[] } | null {
  let index = 0;
  const at = () => words[index] ?? '';
  while (index < words.length) {
    const word = basename(at());
    if (/^[A-Za-z_][A-Za-z0-9_]*=/.test(at())) {
      index++;
    } else if (word === 'sudo' || word === 'doas') {
      index++;
      while (at().startsWith('-')) index += SUDO_VALUE.has(at()) ? 2 : 1;
    } else if (word === 'env') {
      index++;
      while (at().startsWith('-') || /^[A-Za-z_][A-Za-z0-9_]*=/.test(at())) index++;
    } else if (word === 'nice' || word === 'ionice') {
      index++;
      while (at().startsWith('-')) index += at() === '-n' || at() === '-c' ? 2 : 1;
    } else if (word === 'timeout') {
      index++;
      while (at().startsWith('-')) index += at() === '-s' || at() === '-k' ? 2 : 1;
      index++; // the duration
    } else if (word === 'exec' || word === 'nohup' || word === 'command' || word === 'time' || word === 'stdbuf') {
      index++;
      while (at().startsWith('-')) index++;
    } else break;
  }
  if (index >= words.length) return null;
  return { program: basename(at()), args: words.slice(index + 1) };
}

/**
 * Why arguments of this command are read by a shell once more; null when they are not. For
 * `sh -c`, only the script is (the words after it are its $0, $1… and stay words).
 */
function reparsed(command: { program: string; args: string[] } | null, argIndex: number): string | null {
  if (!command) return null;
  const { program, args } = command;
  if (program === 'ssh') return 'in what ssh runs on the remote host (a command line its shell reads again)';
  if (program === 'eval') return 'in what eval runs (read by the shell again)';
  const shell = SHELLS.has(program) || program === 'su' || program === 'runuser';
  if (!shell) return null;
  const flag = args.findIndex((a, i) => i < argIndex && /^-[A-Za-z]*c[A-Za-z]*$/.test(a.replace(/["']/g, '')));
  if (flag < 0) return null;
  // The script is the first word after the flag that is not an option.
  let script = flag + 1;
  while (script < args.length && args[script]?.startsWith('-')) script++;
  return argIndex === script ? `in the script ${program} -c runs (read by a shell again)` : null;
}

/** For argv: the index of an element that is a shell script (sh -c SCRIPT, after sudo or env). */
export function argvScriptIndex(argv: readonly string[]): number | null {
  const command = effectiveCommand(argv);
  if (!command) return null;
  const offset = argv.length - command.args.length;
  for (let i = 0; i < command.args.length; i++) {
    if (reparsed(command, i)?.startsWith('in the script')) return offset + i;
  }
  return null;
}

/** Why an input placeholder in argv element `index` is not safe; null when it is one word as given. */
export function argvPlace(argv: readonly string[], index: number): Place {
  const command = effectiveCommand(argv);
  if (!command) return null;
  const argIndex = index - (argv.length - command.args.length);
  if (argIndex < 0) return null;
  const why = reparsed(command, argIndex);
  // A shell -c script is itself scanned as a shell line by the caller.
  return why?.startsWith('in the script') ? null : why;
}

/**
 * For each placeholder (spans in increasing order), why the shell would not read the value
 * inserted there as one word of its own; null where it would.
 */
export function shellPlaces(line: string, spans: readonly Span[]): Place[] {
  const places: Place[] = spans.map(() => 'where the shell line cannot be followed');
  const stack: Frame[] = [{ kind: 'code', paren: false, words: [], word: '', inWord: false }];
  const heredocs: { delimiter: string; strip: boolean }[] = [];
  let next = 0; // the next span to place
  let i = 0;
  const top = () => stack[stack.length - 1] as Frame;
  const code = (): Extract<Frame, { kind: 'code' }> | null => {
    const frame = top();
    return frame.kind === 'code' ? frame : null;
  };
  const endWord = (frame: Extract<Frame, { kind: 'code' }>) => {
    if (frame.inWord) {
      if (!(frame.words.length === 0 && RESERVED.has(frame.word))) frame.words.push(frame.word);
      frame.word = '';
      frame.inWord = false;
    }
  };
  const endCommand = (frame: Extract<Frame, { kind: 'code' }>) => {
    endWord(frame);
    frame.words = [];
  };
  // The word a placeholder starts or continues: counted so the command's arguments line up.
  const endWordIfNeeded = (frame: Extract<Frame, { kind: 'code' }>) => {
    if (!frame.inWord) {
      frame.inWord = true;
      frame.word = '';
    }
  };
  const whyHere = (index: number): Place => {
    const frame = top();
    if (frame.kind === 'sq') return 'inside single quotes';
    if (frame.kind === 'dq') return 'inside double quotes';
    if (frame.kind === 'param') return 'inside ${…}';
    if (frame.kind === 'arith') return 'inside $((…))';
    if (frame.kind === 'bt' || stack.some((f) => f.kind === 'bt')) return 'inside backticks';
    if (index > 0 && line[index - 1] === '$') return 'right after $';
    endWordIfNeeded(frame);
    const command = effectiveCommand(frame.words);
    return command ? reparsed(command, command.args.length) : null;
  };
  /** Moves to `to`; a placeholder starting in what is skipped gets `why` (a backslash, a `${`). */
  const skip = (to: number, why: string) => {
    while (spans[next] && (spans[next] as Span).index < to) {
      places[next] = why;
      next++;
    }
    i = to;
  };

  while (i < line.length) {
    const span = spans[next];
    if (span && i === span.index) {
      places[next] = whyHere(i);
      const frame = code();
      if (frame) frame.word += line.slice(i, i + span.length);
      i += span.length;
      next++;
      continue;
    }
    const ch = line[i] ?? '';
    const frame = top();
    if (frame.kind === 'sq') {
      if (ch === "'") stack.pop();
      i++;
      continue;
    }
    if (frame.kind === 'dq' || frame.kind === 'param' || frame.kind === 'bt') {
      if (ch === '\\') {
        skip(i + 2, 'right after a backslash');
        continue;
      }
      if (frame.kind === 'dq' && ch === '"') stack.pop();
      else if (frame.kind === 'param' && ch === '}') stack.pop();
      else if (frame.kind === 'bt' && ch === '`') stack.pop();
      else if (frame.kind !== 'dq' && ch === "'") stack.push({ kind: 'sq' });
      else if (frame.kind !== 'dq' && ch === '"') stack.push({ kind: 'dq' });
      else if (frame.kind !== 'bt' && ch === '`') stack.push({ kind: 'bt' });
      else if (ch === '$' && line.startsWith('$((', i)) {
        stack.push({ kind: 'arith', depth: 0 });
        skip(i + 3, 'inside $((…))');
        continue;
      } else if (ch === '$' && line[i + 1] === '(') {
        stack.push({ kind: 'code', paren: true, words: [], word: '', inWord: false });
        skip(i + 2, 'right after $(');
        continue;
      } else if (ch === '$' && line[i + 1] === '{') {
        stack.push({ kind: 'param' });
        skip(i + 2, 'right after $');
        continue;
      }
      i++;
      continue;
    }
    if (frame.kind === 'arith') {
      if (ch === '(') frame.depth++;
      else if (ch === ')') {
        if (frame.depth === 0 && line[i + 1] === ')') {
          stack.pop();
          skip(i + 2, 'inside $((…))');
          continue;
        }
        frame.depth--;
      }
      i++;
      continue;
    }
    // Unquoted code.
    const c = frame;
    if (ch === '\\') {
      endWordIfNeeded(c);
      c.word += line.slice(i, i + 2);
      skip(i + 2, 'right after a backslash');
      continue;
    }
    if (ch === '\n') {
      endCommand(c);
      i++;
      // Here-documents begin on the next line: their bodies are not code.
      while (heredocs.length) {
        const doc = heredocs.shift() as { delimiter: string; strip: boolean };
        for (;;) {
          const end = line.indexOf('\n', i);
          const bodyLine = line.slice(i, end < 0 ? line.length : end);
          const lineEnd = end < 0 ? line.length : end + 1;
          while (spans[next] && (spans[next] as Span).index < lineEnd) {
            places[next] = 'in a here-document';
            next++;
          }
          i = lineEnd;
          if ((doc.strip ? bodyLine.replace(/^\t+/, '') : bodyLine) === doc.delimiter || end < 0) break;
        }
      }
      continue;
    }
    if (BLANK.test(ch)) {
      endWord(c);
      i++;
      continue;
    }
    if (ch === '#' && !c.inWord) {
      // A comment, to the end of the line.
      const end = line.indexOf('\n', i);
      const stop = end < 0 ? line.length : end;
      while (spans[next] && (spans[next] as Span).index < stop) {
        places[next] = 'in a comment';
        next++;
      }
      i = stop;
      continue;
    }
    if (ch === ';' || ch === '&' || ch === '|') {
      endCommand(c);
      i++;
      continue;
    }
    if (ch === '<' && line[i + 1] === '<' && line[i + 2] !== '<') {
      endWord(c);
      let at = i + 2;
      const strip = line[at] === '-';
      if (strip) at++;
      while (BLANK.test(line[at] ?? '')) at++;
      const start = at;
      while (at < line.length && !/[\s;&|<>()]/.test(line[at] ?? '')) at++;
      heredocs.push({ delimiter: line.slice(start, at).replace(/["'\\]/g, ''), strip });
      skip(at, "in a here-document's delimiter");
      continue;
    }
    if (ch === '<' || ch === '>') {
      endWord(c);
      i++;
      continue;
    }
    if (ch === '(') {
      endCommand(c);
      stack.push({ kind: 'code', paren: true, words: [], word: '', inWord: false });
      i++;
      continue;
    }
    if (ch === ')') {
      endCommand(c);
      if (c.paren) stack.pop();
      i++;
      continue;
    }
    endWordIfNeeded(c);
    if (ch === "'") stack.push({ kind: 'sq' });
    else if (ch === '"') stack.push({ kind: 'dq' });
    else if (ch === '`') stack.push({ kind: 'bt' });
    else if (ch === '$' && line.startsWith('$((', i)) {
      stack.push({ kind: 'arith', depth: 0 });
      skip(i + 3, 'inside $((…))');
      continue;
    } else if (ch === '$' && line[i + 1] === '(') {
      stack.push({ kind: 'code', paren: true, words: [], word: '', inWord: false });
      skip(i + 2, 'right after $(');
      continue;
    } else if (ch === '$' && line[i + 1] === '{') {
      stack.push({ kind: 'param' });
      skip(i + 2, 'right after $');
      continue;
    }
    c.word += ch;
    i++;
  }
  return places;
}

type Path = (string | number)[];
type InputRef = { name: string; text: string; index: number };

/** What to write instead, by why the place is wrong. */
function remedy(ref: InputRef, why: string): string {
  const env = ref.name.toUpperCase();
  if (why.startsWith('in what ssh'))
    return `no quoting makes a value safe there: run the step on that host (run.host) with ${ref.text} bare`;
  if (why.startsWith('in what eval')) return `leave eval out and write ${ref.text} bare`;
  if (why.startsWith('in the script')) return `make the script the step's command (a shell line) with ${ref.text} bare`;
  return `write it bare, ${ref.text} (it is passed as one word, quoted for you), or pass it in env: { ${env}: "${ref.text}" } and use "$${env}"`;
}

function issue(ref: InputRef, why: string, via: string | null): string {
  return `${ref.text} is ${why}${via ? ` (through site value "${via}")` : ''}: ${remedy(ref, why)}`;
}

/**
 * Inputs a run step puts where the shell would not read them as one word (see shellPlaces), as
 * messages with the field's path. `expand` gives the text of a site value; with it, site values
 * are put in first (they are shell text and their quotes count), and the site value an input
 * came through is named.
 */
export function misplacedInputs(
  run: { command?: string | undefined; argv?: readonly string[] | undefined },
  scan: (text: string) => { refs: { namespace: string; name: string; text: string; index: number }[] },
  expand?: (site: string) => string | undefined,
): { path: Path; message: string }[] {
  const out: { path: Path; message: string }[] = [];
  const check = (path: Path, text: string, place: (line: string, refs: InputRef[]) => Place[]) => {
    let line = text;
    // Where each character of the expanded line came from: null for the field itself.
    const origin: (string | null)[] = [];
    if (expand) {
      line = '';
      let at = 0;
      for (const ref of scan(text).refs) {
        if (ref.namespace !== 'site') continue;
        const value = expand(ref.name);
        if (value === undefined) continue;
        line += text.slice(at, ref.index);
        origin.push(...Array.from({ length: ref.index - at }, () => null));
        line += value;
        origin.push(...Array.from({ length: value.length }, () => ref.name));
        at = ref.index + ref.text.length;
      }
      line += text.slice(at);
      origin.push(...Array.from({ length: text.length - at }, () => null));
    }
    const refs = scan(line).refs.filter((r) => r.namespace === 'inputs');
    if (!refs.length) return;
    place(line, refs).forEach((why, k) => {
      const ref = refs[k];
      if (why && ref) out.push({ path, message: issue(ref, why, origin[ref.index] ?? null) });
    });
  };
  const asShell = (line: string, refs: InputRef[]) =>
    shellPlaces(
      line,
      refs.map((r) => ({ index: r.index, length: r.text.length })),
    );
  if (run.command !== undefined) check(['run', 'command'], run.command, asShell);
  if (run.argv) {
    const script = argvScriptIndex(run.argv);
    run.argv.forEach((arg, index) => {
      if (index === script) check(['run', 'argv', index], arg, asShell);
      else check(['run', 'argv', index], arg, (_line, refs) => refs.map(() => argvPlace(run.argv ?? [], index)));
    });
  }
  return out;
}
