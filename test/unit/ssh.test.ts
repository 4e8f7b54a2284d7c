// Why an SSH connection could not be made, in the words an operator acts on (src/hosts/ssh.ts's
// connectFailure). The refused, handshake and closed cases meet real servers in
// test/integration/ssh-host.test.ts; the ones that need another network (no route, a name that
// does not resolve) are the system's errors as Node reports them.
import { describe, expect, it } from 'vitest';
import { connectFailure } from '../../src/hosts/ssh.js';

const target = { user: 'admin', host: 'nas.home', port: 22, connectTimeoutMs: 8000 };
const error = (message: string, extra: { code?: string; level?: string } = {}) => Object.assign(new Error(message), extra);

describe('connectFailure', () => {
  it('names each cause once, with the system code in brackets', () => {
    expect(connectFailure(error('connect ECONNREFUSED 10.0.10.20:22', { code: 'ECONNREFUSED' }), target)).toBe(
      'connection refused by nas.home:22 (ECONNREFUSED)',
    );
    expect(connectFailure(error('getaddrinfo ENOTFOUND nas.home', { code: 'ENOTFOUND' }), target)).toBe(
      'name nas.home not resolved (ENOTFOUND)',
    );
    expect(connectFailure(error('getaddrinfo EAI_AGAIN nas.home', { code: 'EAI_AGAIN' }), target)).toBe(
      'name nas.home not resolved (EAI_AGAIN)',
    );
    expect(connectFailure(error('connect EHOSTUNREACH 10.0.10.20:22', { code: 'EHOSTUNREACH' }), target)).toBe(
      'no route to nas.home:22 (EHOSTUNREACH)',
    );
    expect(connectFailure(error('connect ETIMEDOUT 10.0.10.20:22', { code: 'ETIMEDOUT' }), target)).toBe(
      'no answer from nas.home:22 (ETIMEDOUT)',
    );
    expect(connectFailure(error('Timed out while waiting for handshake'), target)).toBe('no SSH handshake within 8000 ms');
    expect(connectFailure(error('All configured authentication methods failed', { level: 'client-authentication' }), target)).toBe(
      'authentication as admin refused: All configured authentication methods failed',
    );
  });

  it("keeps an unknown error's own words", () => {
    expect(connectFailure(error('connect EWHATEVER somewhere'), target)).toBe('EWHATEVER somewhere');
  });
});
