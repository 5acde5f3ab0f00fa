// The server's half of the WebSocket opening handshake (RFC 6455 §4.2). The bridge checks path, Origin and
// destination itself (server.ts); this checks what makes a request a valid WebSocket upgrade and writes the
// 101 answer. No subprotocols and no extensions are offered, so none are ever selected (§4.2.2 items 5.4,
// 5.5; a client that insists on one then fails the connection itself).
import { createHash } from 'node:crypto';
import type { IncomingMessage } from 'node:http';

// §1.3: the GUID appended to the client's key to prove the server read the handshake.
const handshakeGuid = '258EAFA5-E914-47DA-95CA-C5AB0DC85B11';
// §4.1: the key is 16 random bytes, base64-encoded (always 24 characters ending in "==").
const keyPattern = /^[+/0-9A-Za-z]{22}==$/;

export type HandshakeCheck =
  | { ok: true; key: string }
  | { ok: false; status: number; message: string; headers?: Record<string, string> };

// Headers that must appear once. Node keeps the first Host and joins the others with ", ", so a repeated
// one would be read differently by the bridge and by a proxy in front of it (RFC 9112 §3.2: more than one
// Host is answered with 400).
const singleHeaders = new Set(['host', 'upgrade', 'origin', 'sec-websocket-key', 'sec-websocket-version']);

/** Why the request is not one unambiguous HTTP/1.1 GET without a body, or undefined when it is. */
function ambiguity(request: IncomingMessage): string | undefined {
  // §4.2.1 item 1: HTTP/1.1 or higher.
  if (!/^1\.[1-9]$/.test(request.httpVersion)) return 'WebSocket upgrades need HTTP/1.1';
  // §4.2.1 item 2.
  if (!request.headers.host) return 'missing Host header';
  const seen = new Set<string>();
  const raw = request.rawHeaders;
  for (let i = 0; i < raw.length; i += 2) {
    const name = raw[i]!.toLowerCase();
    if (!singleHeaders.has(name)) continue;
    if (seen.has(name)) return `more than one ${name} header`;
    seen.add(name);
  }
  // A body would be read as WebSocket frames here but as a body by anything that frames HTTP messages.
  const length = request.headers['content-length'];
  if (request.headers['transfer-encoding'] !== undefined || (length !== undefined && length !== '0'))
    return 'an upgrade request has no body';
  // §4.2.1 item 4.
  const connection = (request.headers.connection ?? '').toLowerCase().split(',');
  if (!connection.some((token) => token.trim() === 'upgrade')) return 'Connection must include Upgrade';
  return undefined;
}

/** Checks the parts of an upgrade request RFC 6455 §4.2.1 requires. */
export function checkHandshake(request: IncomingMessage): HandshakeCheck {
  if (request.method !== 'GET') return { ok: false, status: 405, message: 'WebSocket upgrades use GET' };
  const problem = ambiguity(request);
  if (problem !== undefined) return { ok: false, status: 400, message: problem };
  if ((request.headers.upgrade ?? '').toLowerCase() !== 'websocket')
    return { ok: false, status: 400, message: 'only WebSocket upgrades are accepted' };
  const key = request.headers['sec-websocket-key'];
  if (typeof key !== 'string' || !keyPattern.test(key.trim()))
    return { ok: false, status: 400, message: 'missing or invalid Sec-WebSocket-Key' };
  if (request.headers['sec-websocket-version'] !== '13')
    // §4.4: name the version this server speaks.
    return {
      ok: false,
      status: 426,
      message: 'unsupported WebSocket version',
      headers: { 'Sec-WebSocket-Version': '13' },
    };
  return { ok: true, key: key.trim() };
}

/** §4.2.2 item 5.4: base64(SHA-1(key + GUID)). */
export function acceptValue(key: string): string {
  return createHash('sha1')
    .update(key + handshakeGuid)
    .digest('base64');
}

/** The 101 answer that completes the handshake. */
export function switchingProtocols(key: string): string {
  return (
    'HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n' +
    `Sec-WebSocket-Accept: ${acceptValue(key)}\r\n\r\n`
  );
}
