// Mail host throughput (design.md §6: "at least 500 deliveries per second on 2 cores with every message on
// disk before its 20"). The host runs as its own process (`mailhost/main.ts serve`); this process is the load
// generator: concurrent loopback node:tls clients, each delivery a fresh TLS connection with a client
// certificate. For comparison, the same clients against a bare node:tls server that answers `20` without
// doing anything (the TLS ceiling of this box) run in the same run.
import { spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { connect, createServer, type ConnectionOptions } from 'node:tls';
import { initCommand } from '../mailhost/admin';
import { requireHostFile, writeHostFile } from '../mailhost/config';
import { addMailboxWithCert } from '../tests/support/mailhost-instance';
import type { TestIdentity } from '../tests/support/mailhost-client';

const CONCURRENCY = Number(process.env.BENCH_CONCURRENCY ?? 48);
const DURATION_MS = Number(process.env.BENCH_DURATION_MS ?? 6000);
const SENDERS = 8;
const root = resolve(import.meta.dirname, '..');

function deliver(
  port: number,
  identity: TestIdentity,
  request: string,
  session?: Buffer,
): Promise<{ status: string; session?: Buffer }> {
  return new Promise((resolvePromise, reject) => {
    const options: ConnectionOptions = {
      host: '127.0.0.1',
      port,
      servername: 'localhost',
      rejectUnauthorized: false,
      key: identity.keyPem,
      cert: identity.certPem,
      ...(session ? { session } : {}),
    };
    const socket = connect(options);
    let text = '';
    let ticket: Buffer | undefined;
    socket.once('session', (s: Buffer) => (ticket = s));
    socket.once('secureConnect', () => socket.write(request));
    socket.on('data', (chunk: Buffer) => (text += chunk.toString()));
    socket.once('end', () => {
      socket.end();
      resolvePromise({ status: text.slice(0, 2), ...(ticket ? { session: ticket } : {}) });
    });
    socket.once('error', reject);
  });
}

async function load(
  port: number,
  senders: TestIdentity[],
  resume: boolean,
): Promise<{ perSecond: number; failures: number; statuses: Map<string, number> }> {
  let done = 0;
  let failures = 0;
  const statuses = new Map<string, number>();
  const sessions: (Buffer | undefined)[] = [];
  const deadline = Date.now() + DURATION_MS;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async (_, worker) => {
      let n = 0;
      while (Date.now() < deadline) {
        const identity = senders[worker % senders.length]!;
        const request = `misfin://sink@localhost # Bench ${worker}-${n++}\nA message of a few words, as mail is.\r\n`;
        try {
          const result = await deliver(port, identity, request, resume ? sessions[worker] : undefined);
          if (resume && result.session) sessions[worker] = result.session;
          statuses.set(result.status, (statuses.get(result.status) ?? 0) + 1);
          if (result.status === '20') done++;
          else failures++;
        } catch {
          failures++;
        }
      }
    }),
  );
  const seconds = (performance.now() - started) / 1000;
  return { perSecond: done / seconds, failures, statuses };
}

async function main(): Promise<void> {
  const dir = await mkdtemp(join(tmpdir(), 'mailhost-bench-'));
  try {
    await initCommand(dir, 'localhost');
    const file = await requireHostFile(dir);
    file.settings.ipRate = { perSecond: 1e9, burst: 1e9 };
    file.settings.senderRate = { perSecond: 1e9, burst: 1e9 };
    file.settings.quota = { maxMessages: 1e9, maxBytes: 1e12 };
    await writeHostFile(dir, file);
    await addMailboxWithCert(dir, 'sink');
    const senders: TestIdentity[] = [];
    for (let i = 0; i < SENDERS; i++) senders.push(await addMailboxWithCert(dir, `sender${i}`));

    const child = spawn(
      process.execPath,
      [
        '--import',
        'tsx',
        join(root, 'mailhost/main.ts'),
        'serve',
        '--data',
        dir,
        '--listen',
        '127.0.0.1',
        '--port',
        '0',
      ],
      {
        cwd: root,
        stdio: ['ignore', 'pipe', 'inherit'],
      },
    );
    const port = await new Promise<number>((resolvePort, reject) => {
      let out = '';
      const timer = setTimeout(() => reject(new Error('host did not start')), 20_000);
      child.stdout!.on('data', (chunk: Buffer) => {
        out += chunk.toString();
        const match = /listening on \S+:(\d+)/.exec(out);
        if (match) {
          clearTimeout(timer);
          resolvePort(Number(match[1]));
        }
      });
    });
    child.stdout!.resume();
    // Warm up (JIT, first-contact caches).
    await load(port, senders, false).catch(() => undefined);
    const host = await load(port, senders, false);
    const hostResumed = await load(port, senders, true);
    child.kill('SIGTERM');

    const ca = await requireHostFile(dir)
      .then(() => import('node:fs/promises'))
      .then((fs) => fs.readFile(join(dir, 'domains/localhost/ca-cert.pem'), 'utf8'));
    const key = await import('node:fs/promises').then((fs) =>
      fs.readFile(join(dir, 'domains/localhost/ca-key.pem'), 'utf8'),
    );
    const bare = createServer({ key, cert: ca, requestCert: true, rejectUnauthorized: false }, (socket) => {
      socket.once('data', () => socket.end('20 0000\r\n'));
    });
    await new Promise<void>((r) => bare.listen(0, '127.0.0.1', () => r()));
    const barePort = (bare.address() as { port: number }).port;
    const ceiling = await load(barePort, senders, false);
    bare.close();

    console.log(
      `concurrency ${CONCURRENCY}, ${DURATION_MS} ms per run, fresh TLS connection with a client certificate per delivery`,
    );
    console.log(
      `mail host, full handshakes:      ${host.perSecond.toFixed(0)} deliveries/s (failures ${host.failures}) ${JSON.stringify([...host.statuses])}`,
    );
    console.log(
      `mail host, resumed TLS sessions: ${hostResumed.perSecond.toFixed(0)} deliveries/s (failures ${hostResumed.failures})`,
    );
    console.log(
      `bare node:tls server answering 20, in-process with the load generator: ${ceiling.perSecond.toFixed(0)} responses/s`,
    );
    console.log(`budget: 500 deliveries/s; every delivery fsynced (file + directory) before its 20`);
    console.log(
      JSON.stringify({
        bench: 'mailhost',
        deliveries_per_s: Math.round(host.perSecond),
        deliveries_per_s_resumed: Math.round(hostResumed.perSecond),
        bare_tls_per_s: Math.round(ceiling.perSecond),
        budget_per_s: 500,
        concurrency: CONCURRENCY,
        ok: host.perSecond >= 500,
      }),
    );
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

await main();
