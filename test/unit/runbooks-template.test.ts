// Templating and inputs: what a command becomes before it runs, and which values are accepted.
import { describe, expect, it } from 'vitest';
import { checkInputValue, InputError, type InputSpec, parseInputPairs, resolveInputs } from '../../src/runbooks/inputs.js';
import { renderTemplate, scanTemplate, type TemplateContext, TemplateError } from '../../src/runbooks/template.js';

const ctx: TemplateContext = {
  inputs: { db: 'homeops', name: "it's; rm -rf /", count: 3, force: false },
  site: { restart: 'docker restart pihole && echo {{hosts.nas.address}}', withInput: 'pg_dump {{inputs.db}}', nested: '{{site.restart}}' },
  hosts: { nas: { address: '10.0.10.20' }, router: { address: undefined } },
};

describe('templates', () => {
  it('finds our references and leaves docker/Go templates alone', () => {
    const scan = scanTemplate("docker inspect -f '{{json .State}}' {{inputs.db}}; {{ site.restart }} {{hosts.nas.address}} {{.Names}}");
    expect(scan.refs.map((r) => r.text)).toEqual(['{{inputs.db}}', '{{ site.restart }}', '{{hosts.nas.address}}']);
    expect(scan.problems).toEqual([]);
  });

  it('flags malformed references instead of passing them to the shell', () => {
    expect(scanTemplate('{{hosts.nas}}').problems[0]?.message).toBe('{{hosts.nas}}: write {{hosts.NAME.address}}');
    expect(scanTemplate('{{inputs.a.b}}').problems[0]?.message).toBe('{{inputs.a.b}}: write {{inputs.NAME}}');
    expect(scanTemplate('{{sites.x}}').problems[0]?.message).toMatch(/unknown template namespace "sites"/);
    expect(scanTemplate('{{env.HOME}}').problems[0]?.message).toMatch(/unknown template namespace "env"/);
  });

  it('in a shell command, an input is one quoted word: it cannot inject a command', () => {
    expect(renderTemplate('echo {{inputs.name}}', ctx, { shell: true })).toBe(`echo 'it'\\''s; rm -rf /'`);
    expect(renderTemplate('psql {{inputs.db}} -c {{inputs.count}}', ctx, { shell: true })).toBe('psql homeops -c 3');
    // Outside a shell line (a URL, a prompt) the value is inserted as it is.
    expect(renderTemplate('Restore {{inputs.name}}?', ctx)).toBe("Restore it's; rm -rf /?");
    expect(renderTemplate('force={{inputs.force}}', ctx)).toBe('force=false');
  });

  it('a site value goes in as shell text, with its own host and input references resolved', () => {
    expect(renderTemplate('{{site.restart}}', ctx, { shell: true })).toBe('docker restart pihole && echo 10.0.10.20');
    expect(renderTemplate('{{site.withInput}}', ctx, { shell: true })).toBe('pg_dump homeops');
    expect(() => renderTemplate('{{site.nested}}', ctx)).toThrow(TemplateError);
  });

  it('unknown references at run time are errors, never empty strings', () => {
    expect(() => renderTemplate('{{inputs.nope}}', ctx)).toThrow('{{inputs.nope}}: no input "nope"');
    expect(() => renderTemplate('{{hosts.router.address}}', ctx)).toThrow('host "router" has no address');
  });
});

const specs: Record<string, InputSpec> = {
  database: { type: 'string', default: 'homeops', pattern: '[a-z_]+', secret: false },
  method: { type: 'enum', values: ['pitr', 'dump'], default: 'pitr', secret: false },
  keep: { type: 'integer', min: 1, max: 30, default: 7, secret: false },
  ratio: { type: 'number', required: false, secret: false },
  force: { type: 'boolean', default: false, secret: false },
  password: { type: 'string', secret: true },
};

describe('inputs', () => {
  it('types values from text and applies defaults', () => {
    expect(resolveInputs('db', specs, { password: 'pw', keep: '14', ratio: '0.5', force: 'yes' })).toEqual({
      database: 'homeops',
      method: 'pitr',
      keep: 14,
      ratio: 0.5,
      force: true,
      password: 'pw',
    });
  });

  it('says what is wrong with a value', () => {
    const error = (given: Record<string, string>) => {
      try {
        resolveInputs('db', specs, { password: 'pw', ...given });
      } catch (e) {
        if (e instanceof InputError) return e.message;
        throw e;
      }
      return 'accepted';
    };
    expect(error({ keep: '0' })).toBe('input keep: 0 is less than the minimum 1');
    expect(error({ keep: '2.5' })).toBe('input keep: 2.5 is not a whole number');
    expect(error({ keep: 'ten' })).toBe('input keep: "ten" is not a whole number');
    expect(error({ method: 'full' })).toBe('input method: "full" is not one of pitr, dump');
    expect(error({ database: 'Home-Ops' })).toBe('input database: "Home-Ops" does not match the pattern [a-z_]+');
    expect(error({ force: 'maybe' })).toBe('input force: "maybe" is not true or false');
    expect(error({ databse: 'x' })).toBe('db has no input "databse" (inputs: database, method, keep, ratio, force, password)');
  });

  it('a pattern must match the whole value', () => {
    expect(checkInputValue(specs.database!, 'homeops; drop')).toEqual({ error: '"homeops; drop" does not match the pattern [a-z_]+' });
  });

  it('a missing required input names itself; a secret one may come from HOMEOPS_INPUT_NAME and is never echoed', () => {
    expect(() => resolveInputs('db', specs, {})).toThrow(
      'db needs input "password": pass --input password=… or set HOMEOPS_INPUT_PASSWORD',
    );
    expect(resolveInputs('db', specs, {}, { HOMEOPS_INPUT_PASSWORD: 's3cret' }).password).toBe('s3cret');
    const secretPattern: InputSpec = { type: 'string', secret: true, pattern: '[0-9]+' };
    expect(checkInputValue(secretPattern, 'hunter2')).toEqual({ error: 'the value does not match the pattern [0-9]+' });
  });

  it('reads KEY=VALUE pairs; a value may contain "="; a key given twice is an error', () => {
    expect(parseInputPairs(['a=1', 'url=http://x/?q=1', 'empty='])).toEqual({ a: '1', url: 'http://x/?q=1', empty: '' });
    expect(() => parseInputPairs(['novalue'])).toThrow('--input "novalue": write KEY=VALUE');
    expect(() => parseInputPairs(['a=1', 'a=2'])).toThrow('--input a is given twice');
  });
});
