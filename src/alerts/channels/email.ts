// E-mail through nodemailer: SMTP with STARTTLS required (or TLS from the start), AUTH with a
// password from the environment or a file. Loaded only when a channel of type email exists.
import { readFileSync } from 'node:fs';
import { createTransport } from 'nodemailer';
import { expandHome } from '../../config/paths.js';
import type { ChannelConfig } from '../../config/schema.js';
import type { Message } from '../engine.js';
import { emailContent } from './payload.js';
import type { Sender, SenderDeps } from './senders.js';

type EmailChannel = Extract<ChannelConfig, { type: 'email' }>;

export function emailSender(channel: EmailChannel, deps: SenderDeps, password: () => Promise<string | null>): Sender {
  const ca = channel.caFile ? readFileSync(expandHome(channel.caFile, deps.env), 'utf8') : undefined;
  return async (m: Message, signal: AbortSignal) => {
    let auth: { user: string; pass: string } | undefined;
    if (channel.user !== undefined) {
      const pass = await password();
      if (pass === null) throw new Error(`no SMTP password: set ${channel.passwordEnv ?? `the file ${channel.passwordFile ?? ''}`}`);
      auth = { user: channel.user, pass };
    }
    const transport = createTransport({
      host: channel.host,
      port: channel.port,
      secure: channel.security === 'tls',
      requireTLS: channel.security === 'starttls',
      ignoreTLS: channel.security === 'none',
      ...(auth ? { auth } : {}),
      ...(ca ? { tls: { ca } } : {}),
      connectionTimeout: channel.timeout,
      greetingTimeout: channel.timeout,
      socketTimeout: channel.timeout,
      disableFileAccess: true,
      disableUrlAccess: true,
    });
    const abort = () => transport.close();
    signal.addEventListener('abort', abort, { once: true });
    try {
      const { subject, text } = emailContent(m, deps.source);
      await transport.sendMail({ from: channel.from, to: channel.to, subject, text });
    } finally {
      signal.removeEventListener('abort', abort);
      transport.close();
    }
  };
}
