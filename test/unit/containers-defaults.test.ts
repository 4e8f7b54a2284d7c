// The containers probe's built-in docker defaults are the schema's: a config without a docker
// section behaves as one with `docker: {}`.
import { describe, expect, it } from 'vitest';
import { dockerSchema } from '../../src/config/schema.js';
import { DEFAULT_DOCKER } from '../../src/probes/containers/probe.js';

describe('docker defaults', () => {
  it('are what the schema gives for an empty docker section', () => {
    expect(DEFAULT_DOCKER).toEqual(dockerSchema.parse({}));
  });
});
