// Mail host throughput (design.md §6: "at least 500 deliveries per second on 2 cores with every message on
// disk before its 20"). The host runs as its own process (`mailhost/main.ts serve`). Load comes from
// separate generator processes (this file with `--generate`): concurrent loopback node:tls clients, each
// delivery a fresh TLS connection with a client certificate. In the same run, the same generators hit a
// bare node:tls server (`--bare`) that answers `20` and does nothing else: the TLS ceiling of this box.
import { spawn } from 'node:child_process';
import { constants } from 'node:crypto';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { connect, createSecureContext, createServer, type SecureContext } from 'node:tls';
import { initCommand } from '../mailhost/admin';
import { requireHostFile, writeHostFile } from '../mailhost/config';
import { addMailboxWithCert } from '../tests/support/mailhost-instance';
import type { TestIdentity } from '../tests/support/mailhost-client';

const CONCURRENCY = Number(process.env.BENCH_CONCURRENCY ?? 48);
const DURATION_MS = Number(process.env.BENCH_DURATION_MS ?? 6000);
const GENERATORS = Number(process.env.BENCH_GENERATORS ?? 2);
const SENDERS = 8;
const root = resolve(import.meta.dirname, '..');
const self = join(root, 'bench/mailhost.bench.ts');

interface GeneratorJob {
  port: number;
  senders: TestIdentity[];
  concurrency: number;
  durationMs: number;
  resume: boolean;
  /** GMAP requests instead of deliveries. */
  gmap: boolean;
  worker: number;
}

interface GeneratorResult {
  ok: number;
  /** Connections whose TLS session was resumed (the resumed run only). */
  reused: number;
  failures: number;
  seconds: number;
}

function deliver(
  port: number,
  context: SecureContext,
  request: string,
  session?: Buffer,
): Promise<{ status: string; session?: Buffer; reused: boolean }> {
  return new Promise((resolvePromise, reject) => {
    const socket = connect({
      host: '127.0.0.1',
      port,
      servername: 'localhost',
      rejectUnauthorized: false,
      // One secure context per sender identity, made once: parsing the key per connection is client cost.
      secureContext: context,
      ...(session ? { session } : {}),
    });
    let text = '';
    let ticket: Buffer | undefined;
    // The newest ticket: the one the host keeps for a GMAP connection (mailhost/resumption.ts).
    socket.on('session', (s: Buffer) => (ticket = s));
    socket.once('secureConnect', () => socket.write(request));
    socket.on('data', (chunk: Buffer) => (text += chunk.toString()));
    socket.once('end', () => {
      socket.end();
      resolvePromise({
        status: text.slice(0, 2),
        reused: socket.isSessionReused(),
        ...(ticket ? { session: ticket } : {}),
      });
    });
    socket.once('error', reject);
  });
}

/** Generator process: runs the load and prints one JSON result line. */
async function generate(jobFile: string): Promise<void> {
  const job = JSON.parse(await readFile(jobFile, 'utf8')) as GeneratorJob;
  const contexts = job.senders.map((s) => createSecureContext({ key: s.keyPem, cert: s.certPem }));
  let ok = 0;
  let reused = 0;
  let failures = 0;
  const sessions: (Buffer | undefined)[] = [];
  const deadline = Date.now() + job.durationMs;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: job.concurrency }, async (_, slot) => {
      let n = 0;
      while (Date.now() < deadline) {
        // GMAP runs are a client syncing (the host keeps sessions of GMAP connections only).
        const request = job.gmap
          ? 'gemini://localhost/tag/Drafts\r\n'
          : `misfin://sink@localhost # Bench ${job.worker}-${slot}-${n++}\nA message of a few words, as mail is.\r\n`;
        try {
          const result = await deliver(
            job.port,
            contexts[slot % contexts.length]!,
            request,
            job.resume ? sessions[slot] : undefined,
          );
          if (job.resume && result.session) sessions[slot] = result.session;
          if (result.reused) reused++;
          if (result.status === '20') ok++;
          else failures++;
        } catch {
          failures++;
        }
      }
    }),
  );
  const result: GeneratorResult = { ok, reused, failures, seconds: (performance.now() - started) / 1000 };
  console.log(JSON.stringify(result));
}

/** Bare TLS server process: answers `20` to anything, prints its port. */
async function bare(dir: string): Promise<void> {
  const server = createServer(
    {
      key: await readFile(join(dir, 'domains/localhost/ca-key.pem'), 'utf8'),
      cert: await readFile(join(dir, 'domains/localhost/ca-cert.pem'), 'utf8'),
      requestCert: true,
      rejectUnauthorized: false,
      // The same TLS settings as the host (mailhost/listener.ts), so the ratio shows the host's own work.
      secureOptions: constants.SSL_OP_NO_TICKET,
    },
    (socket) => socket.once('data', () => socket.end('20 0000\r\n')),
  );
  server.listen(0, '127.0.0.1', () =>
    console.log(`listening on 127.0.0.1:${(server.address() as { port: number }).port}`),
  );
  process.once('SIGTERM', () => process.exit(0));
}

/**
 * BENCH_PROFILE=DIR writes a V8 CPU profile of every server and generator process into DIR/<role>/. Node's
 * default file names carry the pid and thread id: a fixed --cpu-prof-name would let tsx's loader thread
 * overwrite the main thread's profile.
 */
function profileFlags(role: string): string[] {
  const dir = process.env.BENCH_PROFILE;
  return dir ? ['--cpu-prof', `--cpu-prof-dir=${join(resolve(dir), role)}`] : [];
}

function startProcess(
  role: string,
  args: string[],
): Promise<{ port: number; pid: number; stop: () => void }> {
  const child = spawn(process.execPath, ['--import', 'tsx', ...profileFlags(role), ...args], {
    cwd: root,
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  return new Promise((resolvePromise, reject) => {
    let out = '';
    const timer = setTimeout(() => reject(new Error(`did not start: ${args.join(' ')}`)), 30_000);
    child.stdout.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      const match = /listening on \S+:(\d+)/.exec(out);
      if (match) {
        clearTimeout(timer);
        child.stdout.resume();
        resolvePromise({ port: Number(match[1]), pid: child.pid!, stop: () => child.kill('SIGTERM') });
      }
    });
  });
}

async function runLoad(
  dir: string,
  port: number,
  senders: TestIdentity[],
  resume: boolean,
  durationMs = DURATION_MS,
  gmap = resume,
): Promise<{ perSecond: number; failures: number; reused: number }> {
  const jobs = await Promise.all(
    Array.from({ length: GENERATORS }, async (_, worker) => {
      const file = join(dir, `job-${worker}.json`);
      const job: GeneratorJob = {
        port,
        senders,
        concurrency: Math.ceil(CONCURRENCY / GENERATORS),
        durationMs,
        resume,
        gmap,
        worker,
      };
      await writeFile(file, JSON.stringify(job));
      return file;
    }),
  );
  const results = await Promise.all(
    jobs.map(
      (file) =>
        new Promise<GeneratorResult>((resolvePromise, reject) => {
          const child = spawn(
            process.execPath,
            ['--import', 'tsx', ...profileFlags('generator'), self, '--generate', file],
            {
              cwd: root,
              stdio: ['ignore', 'pipe', 'inherit'],
            },
          );
          let out = '';
          child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
          child.once('exit', (code) => {
            if (code !== 0) return reject(new Error(`generator exited with ${code}`));
            resolvePromise(JSON.parse(out.trim().split('\n').at(-1)!) as GeneratorResult);
          });
        }),
    ),
  );
  const seconds = Math.max(...results.map((r) => r.seconds));
  return {
    perSecond: results.reduce((sum, r) => sum + r.ok, 0) / seconds,
    failures: results.reduce((sum, r) => sum + r.failures, 0),
    reused: results.reduce((sum, r) => sum + r.reused, 0),
  };
}

/** CPU time (user + system, ms) a process has used so far, from /proc (Linux; 100 ticks per second). */
async function cpuMs(pid: number): Promise<number> {
  const fields = (await readFile(`/proc/${pid}/stat`, 'utf8')).split(') ')[1]!.split(' ');
  return (Number(fields[11]) + Number(fields[12])) * 10;
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

    const host = await startProcess('host', [
      join(root, 'mailhost/main.ts'),
      'serve',
      '--data',
      dir,
      '--listen',
      '127.0.0.1',
      '--port',
      '0',
    ]);
    await runLoad(dir, host.port, senders, false, 1500); // warm-up
    const cpuBefore = await cpuMs(host.pid);
    const full = await runLoad(dir, host.port, senders, false);
    const cpuPerDelivery =
      ((await cpuMs(host.pid)) - cpuBefore) / Math.max(1, full.perSecond * (DURATION_MS / 1000));
    const gmapFull = await runLoad(dir, host.port, senders, false, DURATION_MS, true);
    const resumed = await runLoad(dir, host.port, senders, true);
    host.stop();

    const ceilingServer = await startProcess('bare', [self, '--bare', dir]);
    const bareCpuBefore = await cpuMs(ceilingServer.pid);
    const ceiling = await runLoad(dir, ceilingServer.port, senders, false);
    const bareCpuPerResponse =
      ((await cpuMs(ceilingServer.pid)) - bareCpuBefore) /
      Math.max(1, ceiling.perSecond * (DURATION_MS / 1000));
    ceilingServer.stop();

    console.log(
      `${GENERATORS} generator processes, ${CONCURRENCY} concurrent clients, ${DURATION_MS} ms per run`,
    );
    console.log(
      'each delivery: fresh TLS connection with a client certificate; message file fsynced, renamed, directory fsynced, then 20',
    );
    console.log(
      `mail host, full handshakes:      ${full.perSecond.toFixed(0)} deliveries/s (failures ${full.failures})`,
    );
    console.log(
      `mail host, GMAP requests on resumed TLS sessions: ${resumed.perSecond.toFixed(0)}/s (failures ${resumed.failures}; ${resumed.reused} connections resumed)`,
    );
    console.log(
      `mail host, GMAP requests, full handshakes: ${gmapFull.perSecond.toFixed(0)}/s (failures ${gmapFull.failures})`,
    );
    console.log(
      `bare node:tls server (answers 20, stores nothing): ${ceiling.perSecond.toFixed(0)} responses/s`,
    );
    console.log(`mail host / bare TLS: ${(full.perSecond / ceiling.perSecond).toFixed(2)}`);
    console.log(
      `mail host CPU per delivery: ${cpuPerDelivery.toFixed(2)} ms (user + system of the host process)`,
    );
    console.log('budget: 500 deliveries/s on 2 cores');
    console.log(
      JSON.stringify({
        bench: 'mailhost',
        deliveries_per_s: Math.round(full.perSecond),
        gmap_full_per_s: Math.round(gmapFull.perSecond),
        gmap_resumed_per_s: Math.round(resumed.perSecond),
        gmap_resumed_connections: resumed.reused,
        bare_tls_per_s: Math.round(ceiling.perSecond),
        ratio_to_bare_tls: Number((full.perSecond / ceiling.perSecond).toFixed(3)),
        host_cpu_ms_per_delivery: Number(cpuPerDelivery.toFixed(3)),
        bare_cpu_ms_per_response: Number(bareCpuPerResponse.toFixed(3)),
        budget_per_s: 500,
        ok: full.perSecond >= 500,
      }),
    );
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

if (process.argv[2] === '--generate') await generate(process.argv[3]!);
else if (process.argv[2] === '--bare') await bare(process.argv[3]!);
else await main();
