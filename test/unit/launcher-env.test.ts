import { describe, expect, it } from 'vitest';
import { forgetLauncherEnv } from '../../src/cli/launcher-env.js';

describe('what the launcher set for the console alone', () => {
  it('is gone from the environment the console passes on', () => {
    const env: NodeJS.ProcessEnv = { PATH: '/usr/bin', MALLOC_TRIM_THRESHOLD_: '65536', HOMEOPS_LAUNCHER_SET: 'MALLOC_TRIM_THRESHOLD_' };
    forgetLauncherEnv(env);
    expect(env).toEqual({ PATH: '/usr/bin' });
  });

  it('leaves a threshold the user set, and anything a forged mark names that is not a variable name', () => {
    const own: NodeJS.ProcessEnv = { MALLOC_TRIM_THRESHOLD_: '1048576' };
    forgetLauncherEnv(own);
    expect(own).toEqual({ MALLOC_TRIM_THRESHOLD_: '1048576' });
    const odd: NodeJS.ProcessEnv = { HOMEOPS_LAUNCHER_SET: 'a b,PATH=x', PATH: '/bin' };
    forgetLauncherEnv(odd);
    expect(odd).toEqual({ PATH: '/bin' });
  });
});
