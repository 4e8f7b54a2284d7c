// Where the Pi-hole password and the Gluetun key come from: a variable, or a file; never the
// value in a message.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { describeSecretSource, readSecret, SecretError } from '../../src/probes/pihole/secret.js';

const dir = mkdtempSync(join(tmpdir(), 'homeops-secret-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const file = join(dir, 'pw');
writeFileSync(file, 'from-the-file\nsecond line ignored\n');

describe('readSecret', () => {
  it("takes the variable first, then the file's first line, else nothing", async () => {
    expect(await readSecret({ env: 'PW', file }, { PW: 'from-env' })).toEqual({ value: 'from-env', where: 'PW' });
    expect(await readSecret({ env: 'PW', file }, { PW: '' })).toEqual({ value: 'from-the-file', where: `file ${file}` });
    expect(await readSecret({ env: 'PW' }, {})).toEqual({ value: null, where: 'PW' });
    expect(await readSecret({}, { PW: 'x' })).toEqual({ value: null, where: 'none configured' });
  });

  it('a named file that cannot be read is an error naming the file, not its content', async () => {
    const error: unknown = await readSecret({ file: join(dir, 'missing') }, {}).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(SecretError);
    expect((error as Error).message).toBe(`cannot read ${join(dir, 'missing')} (ENOENT)`);
  });

  it('describes where to put it, for "auth needed: set …"', () => {
    expect(describeSecretSource({ env: 'HOMEOPS_PIHOLE_PASSWORD' })).toBe('HOMEOPS_PIHOLE_PASSWORD');
    expect(describeSecretSource({ env: 'A', file: '~/.config/homeops/pihole' })).toBe('A or file ~/.config/homeops/pihole');
  });
});
