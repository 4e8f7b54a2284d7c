import type { DnsOutcome, DnsRecordType } from '../../model/dns.js';

// One DNS question over TCP (RFC 1035 §4.2.2: each message preceded by its length), for checks
// run from another host: a forwarded SSH channel carries TCP, not UDP. Only what a check needs:
// the reply's code and its A, AAAA or TXT records.

const TYPE_CODES: Record<DnsRecordType, number> = { A: 1, AAAA: 28, TXT: 16 };

/** The query message (without the length prefix). */
export function dnsQuery(id: number, name: string, type: DnsRecordType): Buffer {
  const labels = name
    .replace(/\.$/, '')
    .split('.')
    .filter((l) => l.length > 0);
  const qname = Buffer.concat([
    ...labels.map((label) => {
      const bytes = Buffer.from(label, 'utf8');
      if (bytes.length > 63) throw new Error(`${name}: a label longer than 63 bytes`);
      return Buffer.concat([Buffer.from([bytes.length]), bytes]);
    }),
    Buffer.from([0]),
  ]);
  const header = Buffer.alloc(12);
  header.writeUInt16BE(id, 0);
  header.writeUInt16BE(0x0100, 2); // recursion desired
  header.writeUInt16BE(1, 4); // one question
  const question = Buffer.alloc(4);
  question.writeUInt16BE(TYPE_CODES[type], 0);
  question.writeUInt16BE(1, 2); // class IN
  return Buffer.concat([header, qname, question]);
}

export class DnsMessageError extends Error {}

/** Skips a (possibly compressed) name; returns the offset after it. */
function skipName(message: Buffer, offset: number): number {
  let at = offset;
  for (let guard = 0; guard < 128; guard++) {
    const length = message[at];
    if (length === undefined) throw new DnsMessageError('truncated name');
    if ((length & 0xc0) === 0xc0) return at + 2;
    if (length === 0) return at + 1;
    at += length + 1;
  }
  throw new DnsMessageError('name too long');
}

const RCODES: Record<number, DnsOutcome> = { 0: 'ok', 2: 'servfail', 3: 'nxdomain', 5: 'refused' };

/** The reply's outcome and records, as a client reads them. */
export function parseDnsReply(message: Buffer, id: number, type: DnsRecordType): { outcome: DnsOutcome; records: string[] } {
  if (message.length < 12) throw new DnsMessageError('reply shorter than its header');
  if (message.readUInt16BE(0) !== id) throw new DnsMessageError('reply to another question');
  const flags = message.readUInt16BE(2);
  const rcode = flags & 0x0f;
  const outcome = RCODES[rcode] ?? 'error';
  if (outcome !== 'ok') return { outcome, records: [] };
  const questions = message.readUInt16BE(4);
  const answers = message.readUInt16BE(6);
  let at = 12;
  for (let i = 0; i < questions; i++) at = skipName(message, at) + 4;
  const records: string[] = [];
  for (let i = 0; i < answers; i++) {
    at = skipName(message, at);
    if (at + 10 > message.length) throw new DnsMessageError('truncated answer');
    const rrType = message.readUInt16BE(at);
    const length = message.readUInt16BE(at + 8);
    const data = message.subarray(at + 10, at + 10 + length);
    at += 10 + length;
    if (data.length < length) throw new DnsMessageError('truncated record');
    if (rrType !== TYPE_CODES[type]) continue; // a CNAME on the way
    if (type === 'A' && length === 4) records.push([...data].join('.'));
    else if (type === 'AAAA' && length === 16)
      records.push(Array.from({ length: 8 }, (_, k) => data.readUInt16BE(k * 2).toString(16)).join(':'));
    else if (type === 'TXT') {
      let text = '';
      for (let k = 0; k < data.length; ) {
        const n = data[k] ?? 0;
        text += data.subarray(k + 1, k + 1 + n).toString('utf8');
        k += n + 1;
      }
      records.push(text);
    }
  }
  return { outcome: records.length ? 'ok' : 'nodata', records };
}

/** Length-prefixed framing: the first whole message in what has arrived, or null. */
export function firstMessage(received: Buffer): Buffer | null {
  if (received.length < 2) return null;
  const length = received.readUInt16BE(0);
  return received.length >= 2 + length ? received.subarray(2, 2 + length) : null;
}
