// A real SMTP server on 127.0.0.1:0 (the smtp-server package, from nodemailer's project): STARTTLS
// with a certificate made for the test by openssl, AUTH PLAIN and LOGIN checked against one user,
// every message kept whole as it arrived.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SMTPServer } from 'smtp-server';

export type SmtpMail = { from: string; to: string[]; user: string | null; secure: boolean; data: string; subject: string; text: string };

/** A header's value with RFC 2047 encoded words (=?UTF-8?Q?…?=, =?UTF-8?B?…?=) decoded. */
export function decodeHeader(value: string): string {
  return value
    .replace(/\?=\s+=\?/g, '?==?')
    .replace(/=\?([^?]+)\?([QqBb])\?([^?]*)\?=/g, (_, _charset: string, kind: string, text: string) => {
      if (kind.toUpperCase() === 'B') return Buffer.from(text, 'base64').toString('utf8');
      const bytes = text.replace(/_/g, ' ').replace(/=([0-9A-Fa-f]{2})/g, (_m: string, hex: string) => `%${hex}`);
      return decodeURIComponent(bytes.replace(/%(?![0-9A-Fa-f]{2})/g, '%25'));
    });
}

/** The body of a single-part message, its quoted-printable or base64 transfer encoding undone. */
function textOf(data: string): string {
  const at = data.search(/\r?\n\r?\n/);
  const headers = data.slice(0, at).replace(/\r?\n[ \t]+/g, ' ');
  const body = data.slice(at).replace(/^\r?\n\r?\n/, '');
  const encoding = /^Content-Transfer-Encoding: (.*)$/im.exec(headers)?.[1]?.trim().toLowerCase();
  if (encoding === 'base64') return Buffer.from(body.replace(/\s+/g, ''), 'base64').toString('utf8');
  if (encoding !== 'quoted-printable') return body;
  const joined = body.replace(/=\r?\n/g, '');
  const bytes: number[] = [];
  for (let i = 0; i < joined.length; i++) {
    const hex = joined[i] === '=' ? /^[0-9A-Fa-f]{2}$/.exec(joined.slice(i + 1, i + 3))?.[0] : undefined;
    if (hex) {
      bytes.push(parseInt(hex, 16));
      i += 2;
    } else bytes.push(...Buffer.from(joined[i] ?? '', 'utf8'));
  }
  return Buffer.from(bytes).toString('utf8');
}

function subjectOf(data: string): string {
  const headers = data.split(/\r?\n\r?\n/)[0] ?? '';
  const unfolded = headers.replace(/\r?\n[ \t]+/g, ' ');
  return decodeHeader(/^Subject: (.*)$/im.exec(unfolded)?.[1] ?? '');
}

export type SmtpTestServer = { port: number; caFile: string; mails: SmtpMail[]; authFailures: number; close(): Promise<void> };

/** A self-signed certificate for 127.0.0.1 and localhost (the CA the client is told to trust). */
function certificate(dir: string): { key: string; cert: string; caFile: string } {
  const key = join(dir, 'key.pem');
  const cert = join(dir, 'cert.pem');
  execFileSync(
    'openssl',
    [
      'req',
      '-x509',
      '-newkey',
      'rsa:2048',
      '-nodes',
      '-keyout',
      key,
      '-out',
      cert,
      '-days',
      '1',
      '-subj',
      '/CN=127.0.0.1',
      '-addext',
      'subjectAltName=IP:127.0.0.1,DNS:localhost',
    ],
    { stdio: 'ignore' },
  );
  return { key: readFileSync(key, 'utf8'), cert: readFileSync(cert, 'utf8'), caFile: cert };
}

export async function startSmtpServer(auth: { user: string; password: string }): Promise<SmtpTestServer> {
  const dir = mkdtempSync(join(tmpdir(), 'homeops-smtp-'));
  const { key, cert, caFile } = certificate(dir);
  const mails: SmtpMail[] = [];
  const state = { authFailures: 0 };
  const server = new SMTPServer({
    key,
    cert,
    secure: false,
    authMethods: ['PLAIN', 'LOGIN'],
    // Without STARTTLS first, AUTH is refused (as a real submission server does).
    allowInsecureAuth: false,
    logger: false,
    onAuth(credentials, _session, callback) {
      if (credentials.username === auth.user && credentials.password === auth.password)
        return callback(null, { user: credentials.username });
      state.authFailures++;
      return callback(new Error('Invalid username or password'));
    },
    onData(stream, session, callback) {
      let data = '';
      stream.setEncoding('utf8');
      stream.on('data', (chunk: string) => (data += chunk));
      stream.on('end', () => {
        mails.push({
          from: session.envelope.mailFrom ? session.envelope.mailFrom.address : '',
          to: session.envelope.rcptTo.map((r) => r.address),
          user: typeof session.user === 'string' ? session.user : null,
          secure: session.secure,
          data,
          subject: subjectOf(data),
          text: textOf(data),
        });
        callback();
      });
    },
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.server.address() as AddressInfo;
  return {
    port,
    caFile,
    mails,
    get authFailures() {
      return state.authFailures;
    },
    close: () =>
      new Promise((resolve) =>
        server.close(() => {
          rmSync(dir, { recursive: true, force: true });
          resolve();
        }),
      ),
  };
}
