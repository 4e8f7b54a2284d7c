// A channel's sender: what delivers one message there. Built on first use, so that the code of
// a channel type (nodemailer for e-mail) is loaded only by a watcher that has one.

import type { Env } from '../../config/paths.js';
import type { ChannelConfig } from '../../config/schema.js';
import type { Host } from '../../hosts/host.js';
import { readSecret } from '../../probes/pihole/secret.js';
import type { Message } from '../engine.js';
import { postJson } from './http-post.js';
import { commandEnv, ntfyBody, webhookBody } from './payload.js';

export type Sender = (message: Message, signal: AbortSignal) => Promise<void>;

export type SenderDeps = {
  env: Env;
  /** The machine the watcher runs on, named in what it sends. */
  source: string;
  host(name: string): Host | undefined;
};

/** A token or password named in the config, read at each delivery (a rotated one is picked up). */
async function secret(env: Env, source: { env?: string | undefined; file?: string | undefined }): Promise<string | null> {
  return (await readSecret(source, env)).value;
}

export async function makeSender(channel: ChannelConfig, deps: SenderDeps): Promise<Sender> {
  switch (channel.type) {
    case 'webhook':
      return async (m, signal) => {
        const token = await secret(deps.env, { env: channel.tokenEnv, file: channel.tokenFile });
        await postJson(channel.url, webhookBody(m, deps.source), { token, timeoutMs: channel.timeout, signal });
      };
    case 'ntfy': {
      // JSON publishing goes to the server's root: https://ntfy.sh/ with the topic inside.
      const root = `${channel.url.replace(/\/+$/, '')}/`;
      return async (m, signal) => {
        const token = await secret(deps.env, { env: channel.tokenEnv, file: channel.tokenFile });
        await postJson(root, ntfyBody(m, channel.topic), { token, timeoutMs: channel.timeout, signal });
      };
    }
    case 'email': {
      const { emailSender } = await import('./email.js');
      return emailSender(channel, deps, () => secret(deps.env, { env: channel.passwordEnv, file: channel.passwordFile }));
    }
    case 'command':
      return async (m, signal) => {
        const host = deps.host(channel.host);
        if (!host) throw new Error(`host "${channel.host}" cannot run commands under this profile (it has no ssh: settings)`);
        const result = await host.run(
          { argv: channel.command },
          { timeoutMs: channel.timeout, signal, env: commandEnv(m, deps.source), maxBuffer: 64 * 1024 },
        );
        if (result.code !== 0) {
          const said = (result.stderr || result.stdout).replace(/\s+/g, ' ').trim().slice(0, 200);
          throw new Error(`${channel.command[0] ?? 'the command'} exited ${result.code ?? result.signal ?? '?'}${said ? `: ${said}` : ''}`);
        }
      };
  }
}
