// One JSON POST with a timeout, over node:http or node:https (fetch would load undici for a
// message an hour). An answer other than 2xx is a failure that quotes its start.

import { fetchWithTimeout } from '../../probes/pihole/http.js';
import { nodeFetch } from '../../probes/pihole/node-fetch.js';

export async function postJson(
  url: string,
  body: unknown,
  options: { token: string | null; timeoutMs: number; signal: AbortSignal },
): Promise<string> {
  const headers: Record<string, string> = { 'content-type': 'application/json', 'user-agent': 'homeops' };
  if (options.token) headers.authorization = `Bearer ${options.token}`;
  const { response, text } = await fetchWithTimeout(
    nodeFetch,
    url,
    { method: 'POST', headers, body: JSON.stringify(body) },
    options.timeoutMs,
    options.signal,
  );
  if (!response.ok) {
    const said = text.replace(/\s+/g, ' ').trim().slice(0, 200);
    throw new Error(`HTTP ${response.status}${said ? `: ${said}` : ''}`);
  }
  return text;
}
