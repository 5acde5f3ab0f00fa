// The TLS listener (spec §1.1, doc §2, §12): one request per connection; Misfin(B)/(C) deliveries and
// Gemini/GMAP requests share the port (GMAP doc §15). The handshake asks for a client certificate and
// accepts any, including none (C9: servers "must accept TLS connections from clients which are not
// proffering a client certificate"); the application checks it. Header and total timeouts guard
// against slowloris clients ("Set a timeout and attempt to read until you get CRLF", bp §3).
import { constants as cryptoConstants } from 'node:crypto';
import { createServer as createNetServer, type Server as NetServer, type Socket } from 'node:net';
import { createSecureContext, createServer, type SecureContext, type TLSSocket } from 'node:tls';
import { MisfinRequestError } from '../src/lib/misfin/errors';
import { parseRequest, parseRequestHead } from '../src/lib/misfin/request-parser';
import { formatResponse } from '../src/lib/misfin/response';
import type { HostContext, Reply } from './context';
import { handleDelivery } from './delivery';
import { GEMINI_URL_LIMIT, parseGeminiUrl } from './gemini-request';
import { handleGemini } from './gmap';
import { peerCertificateDer } from './peer-certificate';
import { readClientHelloPsk } from './client-hello-psk';
import { SessionResumption } from './resumption';

const GEMINI_PREFIX = 'gemini://';
/** The largest request anyone may send: a C header (1024) plus a C body (16384). */
const MAX_REQUEST_BYTES = 1024 + 16384;
const strictUtf8 = new TextDecoder('utf-8', { fatal: true });
// No stateless session tickets (RFC 8446 §4.6.1 makes them optional). To seal one, OpenSSL 3.0 (bundled
// with Node 20) copies the session by re-decoding it, client certificate included, through its slow
// provider decoders: about a quarter of the host's CPU per handshake (perf, bench/mailhost.bench.ts), paid
// twice per connection (two tickets) by deliveries that never resume — Misfin sends one request per
// connection. With this option OpenSSL issues stateful tickets instead (a session id), which resumption.ts
// serves to GMAP clients from memory.
const NO_TICKETS = cryptoConstants.SSL_OP_NO_TICKET;

function startsWithIgnoringCase(bytes: Uint8Array, prefix: string): 'yes' | 'no' | 'maybe' {
  const n = Math.min(bytes.length, prefix.length);
  for (let i = 0; i < n; i++) {
    const byte = bytes[i]!;
    const lower = byte >= 0x41 && byte <= 0x5a ? byte + 0x20 : byte;
    if (lower !== prefix.charCodeAt(i)) return 'no';
  }
  return bytes.length >= prefix.length ? 'yes' : 'maybe';
}

function indexOfCrlf(bytes: Uint8Array, limit: number): number {
  const end = Math.min(bytes.length, limit);
  for (let i = 0; i + 1 < end; i++) if (bytes[i] === 0x0d && bytes[i + 1] === 0x0a) return i;
  return -1;
}

/** Misfin response line; Gemini adds the body after the header (Gemini spec §3). */
function encodeReply(reply: Reply): Uint8Array {
  let head: Uint8Array;
  try {
    head = formatResponse(reply.status, reply.meta.replace(/[\r\n]+/g, ' ').slice(0, 1000));
  } catch {
    head = formatResponse(40, 'temporary error');
  }
  if (reply.body === undefined) return head;
  return Buffer.concat([head, Buffer.from(reply.body, 'utf8')]);
}

type Decision =
  | { kind: 'wait' }
  | { kind: 'headDone' }
  | { kind: 'reply'; reply: Promise<Reply> | Reply; authenticatedGmap?: boolean };

/**
 * Registration is the one GMAP route answered before the certificate is checked (gmap.ts): its 20 says
 * nothing about who the client is, so its session must not be kept for resumption.
 */
function isRegistration(line: string): boolean {
  try {
    const { segments } = parseGeminiUrl(line);
    return segments.length === 1 && segments[0] === 'register';
  } catch {
    return false;
  }
}

/** Looks at what has arrived and decides: wait for more, or answer. */
function decide(
  ctx: HostContext,
  buffer: Uint8Array,
  peer: { ip: string; certificate?: Uint8Array },
): Decision {
  const gemini = startsWithIgnoringCase(buffer, GEMINI_PREFIX);
  if (gemini === 'maybe') return { kind: 'wait' };
  if (gemini === 'yes') {
    const end = indexOfCrlf(buffer, GEMINI_URL_LIMIT + 2);
    if (end < 0) {
      if (buffer.length >= GEMINI_URL_LIMIT + 2) {
        return { kind: 'reply', reply: { status: 59, meta: 'request too long' } };
      }
      return { kind: 'wait' };
    }
    let line: string;
    try {
      line = strictUtf8.decode(buffer.subarray(0, end));
    } catch {
      return { kind: 'reply', reply: { status: 59, meta: 'request is not UTF-8' } };
    }
    return {
      kind: 'reply',
      reply: handleGemini(ctx, line, peer),
      authenticatedGmap: peer.certificate !== undefined && !isRegistration(line),
    };
  }
  try {
    const head = parseRequestHead(buffer);
    if (head.kind === 'need-more') return { kind: 'wait' };
    if (head.form === 'B') {
      return {
        kind: 'reply',
        reply: handleDelivery(ctx, { form: 'B', address: head.address, message: head.message }, peer),
      };
    }
    const total = head.headerLength + head.length;
    if (buffer.length < total) return { kind: 'headDone' };
    const whole = parseRequest(buffer.subarray(0, total));
    if (whole.kind === 'need-more') return { kind: 'headDone' };
    return {
      kind: 'reply',
      reply: handleDelivery(ctx, { form: 'C', address: whole.address, message: whole.message }, peer),
    };
  } catch (error) {
    if (error instanceof MisfinRequestError)
      return { kind: 'reply', reply: { status: 59, meta: error.message } };
    throw error;
  }
}

function serveConnection(ctx: HostContext, socket: TLSSocket, resumption: SessionResumption): void {
  const ip = socket.remoteAddress ?? 'unknown';
  const certificate = peerCertificateDer(socket);
  const peer = certificate ? { ip, certificate } : { ip };
  let chunks: Buffer[] = [];
  let length = 0;
  let answered = false;
  const answer = (reply: Reply) => {
    if (answered) return;
    answered = true;
    clearTimeout(headerTimer);
    socket.removeAllListeners('data');
    socket.pause();
    if (!socket.writable) return void socket.destroy();
    // end() sends close_notify (spec §1.1); a peer that never closes is cut off by the total timer.
    socket.end(encodeReply(reply));
  };
  const headerTimer = setTimeout(
    () => answer({ status: 40, meta: 'request timeout' }),
    ctx.settings.headerTimeoutMs,
  );
  socket.on('data', (chunk: Buffer) => {
    if (answered) return;
    chunks.push(chunk);
    length += chunk.length;
    if (length > MAX_REQUEST_BYTES + 2) return answer({ status: 59, meta: 'request too large' });
    const buffer = chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks, length);
    chunks = [buffer];
    let decision: Decision;
    try {
      decision = decide(ctx, new Uint8Array(buffer.buffer, buffer.byteOffset, buffer.byteLength), peer);
    } catch (error) {
      ctx.log(`request failed: ${(error as Error).message}`);
      return answer({ status: 40, meta: 'temporary error' });
    }
    if (decision.kind === 'wait') return;
    if (decision.kind === 'headDone') return clearTimeout(headerTimer);
    answered = true; // Further bytes are ignored while the handler runs.
    clearTimeout(headerTimer);
    Promise.resolve(decision.reply)
      .catch((error: unknown) => {
        ctx.log(`request failed: ${(error as Error).message}`);
        return { status: 40, meta: 'temporary error' } as Reply;
      })
      .then((reply) => {
        // An authenticated GMAP client will likely come back: keep its session (resumption.ts).
        // Every other GMAP route answers 20 only for a certificate that owns a mailbox here (gmap.ts).
        if (decision.authenticatedGmap && reply.status === 20) resumption.promote(socket);
        answered = false;
        answer(reply);
      });
  });
  socket.on('error', () => socket.destroy());
  socket.on('close', () => clearTimeout(headerTimer));
}

export interface ListenerOptions {
  /** TLS identity per served host name; the first is used for clients that send no SNI (doc §19 #11). */
  identities: { host: string; keyPem: string; certPem: string }[];
  /** Session store for TLS 1.3 resumption (default: one hour, 4096 sessions). */
  resumption?: SessionResumption;
}

/** A TLS record is at most 2^14 bytes plus its header; a longer first read is not a ClientHello we read. */
const FIRST_RECORD_LIMIT = 16384 + 2048 + 5;
const SESSION_ID_CONTEXT = 'misfin-mailhost';

export function createMisfinServer(ctx: HostContext, options: ListenerOptions): NetServer {
  const resumption = options.resumption ?? new SessionResumption();
  const sessionTimeout = Math.max(1, Math.floor(resumption.lifetimeMs / 1000));
  const contexts = new Map<string, SecureContext>();
  for (const identity of options.identities) {
    contexts.set(
      identity.host,
      createSecureContext({
        key: identity.keyPem,
        cert: identity.certPem,
        secureOptions: NO_TICKETS,
        sessionTimeout,
      }),
    );
  }
  const fallback = options.identities[0];
  if (!fallback) throw new Error('no domain to serve');
  const tlsServer = () => {
    const server = createServer(
      {
        key: fallback.keyPem,
        cert: fallback.certPem,
        requestCert: true,
        rejectUnauthorized: false,
        minVersion: 'TLSv1.2',
        secureOptions: NO_TICKETS,
        // The ticket lifetime OpenSSL announces (RFC 8446 §4.6.1) and checks on resumption.
        sessionTimeout,
        // The same for both servers below, so a session of one resumes on the other.
        sessionIdContext: SESSION_ID_CONTEXT,
        handshakeTimeout: ctx.settings.headerTimeoutMs,
        // Seed 004: several domains behind one listener, each with its own CA, chosen by SNI. With a single
        // domain there is nothing to choose, and Node's per-handshake SNI round trip is skipped.
        ...(contexts.size > 1
          ? {
              SNICallback: (
                servername: string,
                callback: (error: Error | null, context?: SecureContext) => void,
              ) => callback(null, contexts.get(servername.toLowerCase()) ?? contexts.get(fallback.host)),
            }
          : {}),
      },
      (socket) => serveConnection(ctx, socket, resumption),
    );
    server.on('tlsClientError', (_error, socket) => socket.destroy());
    return server;
  };
  // Two TLS servers with the same settings: full handshakes go to one without session hooks (Node would
  // otherwise parse every ClientHello and wait for JavaScript before going on); a ClientHello offering a
  // kept session goes to the one that loads it (resumption.ts).
  const fullHandshakes = tlsServer();
  const resuming = tlsServer();
  resumption.attach(resuming);
  // The TCP listener reads the first TLS record before Node's TLS does, then hands the connection over
  // ("connection" may be emitted by users to inject connections, node:tls docs).
  const server = createNetServer((raw: Socket) => {
    const timer = setTimeout(() => raw.destroy(), ctx.settings.totalTimeoutMs);
    // The first record is part of the request's head: a client that dribbles it or stops halfway is cut off
    // at the header timeout (bp §3), after which Node's handshakeTimeout takes over.
    const firstRecordTimer = setTimeout(() => raw.destroy(), ctx.settings.headerTimeoutMs);
    raw.once('close', () => {
      clearTimeout(timer);
      clearTimeout(firstRecordTimer);
    });
    raw.on('error', () => undefined);
    // Reads are gathered and only joined once the record can be complete (its header says how long it is),
    // so a client sending one byte per packet costs a comparison per read, not a copy of all it sent so far.
    let chunks: Buffer[] = [];
    let length = 0;
    let needed = 5;
    const onData = (chunk: Buffer) => {
      chunks.push(chunk);
      length += chunk.length;
      if (length < needed) return;
      const buffered = chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks, length);
      chunks = [buffered];
      const hello = readClientHelloPsk(buffered);
      if (hello === 'need-more') {
        needed = Math.min(5 + buffered.readUInt16BE(3), FIRST_RECORD_LIMIT);
        if (length < needed) return;
      }
      clearTimeout(firstRecordTimer);
      chunks = [];
      raw.removeListener('data', onData);
      raw.pause();
      raw.unshift(buffered);
      const resumes =
        hello !== undefined &&
        hello !== 'need-more' &&
        hello.firstIdentity !== undefined &&
        resumption.offer(hello.legacySessionId, hello.firstIdentity);
      (resumes ? resuming : fullHandshakes).emit('connection', raw);
    };
    raw.on('data', onData);
  });
  server.maxConnections = ctx.settings.maxConnections;
  return server;
}
