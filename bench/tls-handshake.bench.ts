// Full TLS 1.3 handshake with client authentication against a loopback Node TLS server, in one run:
// ours (WebCrypto, sans-IO core + node:net transport) vs Node's own tls.connect with the same certificates,
// plus subtls (npm; no client auth) as a third row. Then resumed handshakes (RFC 8446 §4.2.11, PSK with
// ECDHE, tickets from the previous connection) against a server that answers and closes like a Gemini/GMAP
// server: ours (SessionCache) vs Node's tls.connect({ session }). Also record throughput at 16 KB records.
// Budget (design.md §6): ours ≤ 1.5 × Node.
import { connect as tlsConnect, createServer, type TLSSocket } from 'node:tls';
import { SocketReadQueue, startTls } from 'subtls';
import { connect as netConnect } from 'node:net';
import { cpus, loadavg } from 'node:os';
import { connectTls, MemorySessionCache } from '../src/lib/tls/client';
import { connectTcp } from '../src/lib/node/tcp-transport';
import { identityFrom, makeCertificate, removeTempDirs } from '../tests/support/tls-peers';

const rounds = Number(process.env.TLS_BENCH_ROUNDS ?? 200);
const warmup = 20;

const serverCert = makeCertificate('ec', 'localhost');
const clientCert = makeCertificate('ec', 'bench-client.test');
const identity = await identityFrom(clientCert);

let clientCertsSeen = 0;
let bytesReceived = 0;
let expectBytes = 0;
let onAllReceived: (() => void) | undefined;
const server = createServer(
  {
    cert: serverCert.certPem,
    key: serverCert.keyPem,
    requestCert: true,
    rejectUnauthorized: false,
    minVersion: 'TLSv1.3',
  },
  (socket: TLSSocket) => {
    if (socket.getPeerCertificate()?.fingerprint256) clientCertsSeen++;
    socket.on('error', () => undefined);
    socket.on('data', (chunk: Buffer) => {
      if (expectBytes === 0) return;
      bytesReceived += chunk.length;
      if (bytesReceived >= expectBytes) onAllReceived?.();
    });
  },
);
server.on('tlsClientError', () => undefined);
await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
const port = (server.address() as { port: number }).port;

async function ours(): Promise<number> {
  const start = performance.now();
  const transport = await connectTcp('127.0.0.1', port);
  const connection = await connectTls(transport, {
    serverName: 'localhost',
    port,
    identity,
    verifyServer: async () => undefined,
  });
  const elapsed = performance.now() - start;
  await connection.close();
  return elapsed;
}

function node(): Promise<number> {
  const start = performance.now();
  return new Promise((resolve, reject) => {
    const socket = tlsConnect({
      host: '127.0.0.1',
      port,
      servername: 'localhost',
      cert: clientCert.certPem,
      key: clientCert.keyPem,
      rejectUnauthorized: false,
      minVersion: 'TLSv1.3',
    });
    socket.once('secureConnect', () => {
      const elapsed = performance.now() - start;
      socket.end();
      resolve(elapsed);
    });
    socket.once('error', reject);
  });
}

async function subtls(): Promise<number> {
  const start = performance.now();
  const socket = netConnect({ host: '127.0.0.1', port });
  await new Promise<void>((resolve, reject) => {
    socket.once('connect', () => resolve());
    socket.once('error', reject);
  });
  socket.setNoDelay(true);
  const queue = new SocketReadQueue(socket);
  await startTls(
    'localhost',
    serverCert.certPem,
    // subtls peeks with a second argument (ReadMode), so the queue's read must get every argument.
    queue.read.bind(queue),
    (data) => void socket.write(data),
    { requireServerTlsExtKeyUsage: false, requireDigitalSigKeyUsage: false },
  );
  const elapsed = performance.now() - start;
  socket.destroy();
  return elapsed;
}

const median = (values: number[]) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] as number;
};
const p90 = (values: number[]) =>
  [...values].sort((a, b) => a - b)[Math.floor(values.length * 0.9)] as number;

const times = { ours: [] as number[], node: [] as number[], subtls: [] as number[] };
let subtlsError: string | undefined;
for (let i = 0; i < warmup + rounds; i++) {
  const a = await ours();
  const b = await node();
  let c = NaN;
  if (!subtlsError) {
    try {
      c = await subtls();
    } catch (error) {
      subtlsError = error instanceof Error ? error.message : String(error);
    }
  }
  if (i >= warmup) {
    times.ours.push(a);
    times.node.push(b);
    if (!Number.isNaN(c)) times.subtls.push(c);
  }
}

const oursMs = median(times.ours);
const nodeMs = median(times.node);
const subtlsMs = times.subtls.length > 0 ? median(times.subtls) : null;
console.log(`TLS 1.3 handshake with client certificate (ECDSA P-256 both sides), loopback, ${rounds} rounds`);
// WebCrypto runs every step as a separate job on libuv's pool, so ours suffers more than Node's synchronous
// C handshake when the machine is busy: print the load next to the figures.
console.log(
  `  machine: ${cpus().length} CPUs, load average ${loadavg()
    .map((l) => l.toFixed(1))
    .join(' ')}`,
);
console.log(`  ours    median ${oursMs.toFixed(2)} ms  p90 ${p90(times.ours).toFixed(2)} ms`);
console.log(`  node    median ${nodeMs.toFixed(2)} ms  p90 ${p90(times.node).toFixed(2)} ms`);
if (subtlsMs !== null) {
  console.log(
    `  subtls  median ${subtlsMs.toFixed(2)} ms  p90 ${p90(times.subtls).toFixed(2)} ms  (no client auth)`,
  );
} else console.log(`  subtls  failed: ${subtlsError}`);
console.log(`  server saw ${clientCertsSeen} client certificates (expected ${2 * (warmup + rounds)})`);

// Resumed handshakes: a server that answers one request and closes, so the tickets it sends after the
// handshake reach the client before the connection ends (as with every Gemini/GMAP request).
let resumedSeen = 0;
let connectionsSeen = 0;
const answering = createServer(
  {
    cert: serverCert.certPem,
    key: serverCert.keyPem,
    requestCert: true,
    rejectUnauthorized: false,
    minVersion: 'TLSv1.3',
  },
  (socket: TLSSocket) => {
    connectionsSeen++;
    if (socket.isSessionReused() && socket.getPeerCertificate()?.fingerprint256) resumedSeen++;
    socket.on('error', () => undefined);
    socket.once('data', () => socket.end('20 ok\r\n'));
  },
);
answering.on('tlsClientError', () => undefined);
await new Promise<void>((resolve) => answering.listen(0, '127.0.0.1', resolve));
const answeringPort = (answering.address() as { port: number }).port;
const request = new TextEncoder().encode('gmap://localhost/\r\n');
const sessions = new MemorySessionCache();
const sessionKey = `127.0.0.1:${answeringPort}:${clientCert.sha256}`;

async function oursResumed(): Promise<{ ms: number; resumed: boolean }> {
  const start = performance.now();
  const transport = await connectTcp('127.0.0.1', answeringPort);
  const connection = await connectTls(transport, {
    serverName: 'localhost',
    port: answeringPort,
    identity,
    verifyServer: async () => undefined,
    resumption: { cache: sessions, key: sessionKey },
  });
  const ms = performance.now() - start;
  await connection.write(request);
  await connection.readAll(1024);
  await connection.close();
  return { ms, resumed: connection.resumed };
}

let nodeSession: Buffer | undefined;
function nodeResumed(): Promise<{ ms: number; resumed: boolean }> {
  const start = performance.now();
  return new Promise((resolve, reject) => {
    let ms = NaN;
    let resumed = false;
    const socket = tlsConnect({
      host: '127.0.0.1',
      port: answeringPort,
      servername: 'localhost',
      cert: clientCert.certPem,
      key: clientCert.keyPem,
      rejectUnauthorized: false,
      minVersion: 'TLSv1.3',
      session: nodeSession,
    });
    socket.on('session', (session: Buffer) => (nodeSession = session));
    socket.once('secureConnect', () => {
      ms = performance.now() - start;
      resumed = socket.isSessionReused();
      socket.write(request);
    });
    socket.on('data', () => undefined);
    socket.once('close', () => resolve({ ms, resumed }));
    socket.once('error', reject);
  });
}

const resumedTimes = { ours: [] as number[], node: [] as number[] };
let oursResumedCount = 0;
let nodeResumedCount = 0;
for (let i = 0; i < warmup + rounds; i++) {
  const a = await oursResumed();
  const b = await nodeResumed();
  if (i < warmup) continue;
  if (a.resumed) {
    oursResumedCount++;
    resumedTimes.ours.push(a.ms);
  }
  if (b.resumed) {
    nodeResumedCount++;
    resumedTimes.node.push(b.ms);
  }
}
answering.close();
const oursResumedMs = resumedTimes.ours.length > 0 ? median(resumedTimes.ours) : null;
const nodeResumedMs = resumedTimes.node.length > 0 ? median(resumedTimes.node) : null;
const show = (values: number[]) =>
  values.length > 0
    ? `median ${median(values).toFixed(2)} ms  p90 ${p90(values).toFixed(2)} ms`
    : 'never resumed';
console.log(`Resumed handshake (PSK + ECDHE, client certificate inherited), loopback, ${rounds} rounds`);
// Node's server sends 2 tickets after a full handshake and none after a resumed one. Ours uses each ticket once
// (RFC 8446 §C.4), so every third connection is a full handshake; Node's client reuses its session.
console.log(
  `  ours    ${show(resumedTimes.ours)}  (${oursResumedCount}/${rounds} resumed, single-use tickets; full ${oursMs.toFixed(2)} ms)`,
);
console.log(
  `  node    ${show(resumedTimes.node)}  (${nodeResumedCount}/${rounds} resumed, session reused; full ${nodeMs.toFixed(2)} ms)`,
);
console.log(
  `  server saw ${resumedSeen} resumed sessions with a client certificate of ${connectionsSeen} connections`,
);

// Record throughput: 16 KB records from us to the Node server.
async function throughput(totalMb: number, writeSize: number): Promise<number> {
  const transport = await connectTcp('127.0.0.1', port);
  const connection = await connectTls(transport, {
    serverName: 'localhost',
    port,
    identity,
    verifyServer: async () => undefined,
  });
  const chunk = new Uint8Array(writeSize).fill(0x61);
  const total = totalMb * 1024 * 1024;
  bytesReceived = 0;
  expectBytes = total;
  const done = new Promise<void>((resolve) => (onAllReceived = resolve));
  const start = performance.now();
  for (let sent = 0; sent < total; sent += writeSize) await connection.write(chunk);
  await done;
  const seconds = (performance.now() - start) / 1000;
  expectBytes = 0;
  await connection.close();
  return totalMb / seconds;
}
const serialMbps = await throughput(32, 16 * 1024);
const pipelinedMbps = await throughput(64, 1024 * 1024);
console.log(`Record throughput (AES-GCM, 16 KB records, client → Node server)`);
console.log(`  one 16 KB write at a time: ${serialMbps.toFixed(0)} MB/s`);
console.log(`  1 MB writes (64 records sealed in parallel): ${pipelinedMbps.toFixed(0)} MB/s`);

server.close();
removeTempDirs();
const ratio = oursMs / nodeMs;
console.log(
  JSON.stringify({
    bench: 'tls-handshake',
    ours_ms: Number(oursMs.toFixed(3)),
    node_ms: Number(nodeMs.toFixed(3)),
    subtls_ms: subtlsMs === null ? null : Number(subtlsMs.toFixed(3)),
    ratio: Number(ratio.toFixed(3)),
    ours_resumed_ms: oursResumedMs === null ? null : Number(oursResumedMs.toFixed(3)),
    node_resumed_ms: nodeResumedMs === null ? null : Number(nodeResumedMs.toFixed(3)),
    resumed_ratio:
      oursResumedMs === null || nodeResumedMs === null
        ? null
        : Number((oursResumedMs / nodeResumedMs).toFixed(3)),
    ours_resumed_rounds: oursResumedCount,
    node_resumed_rounds: nodeResumedCount,
    throughput_16k_mb_s: Number(serialMbps.toFixed(1)),
    throughput_pipelined_mb_s: Number(pipelinedMbps.toFixed(1)),
  }),
);
process.exit(0);
