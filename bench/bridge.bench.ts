// `npm run bench -- bridge`: the bridge against a direct TCP connection and against websockify, in one run
// on this machine. Measures throughput each way, the round-trip time the bridge adds, and the bridge's
// resident memory with 10,000 idle tunnels (design §6: at least 2x websockify, at most 300 MB).
//
// The same file plays three roles so every party runs in its own process:
//   (no argument)      the conductor, which also acts as the page for throughput and latency
//   target             the TCP server behind the bridge: sends or swallows N bytes, or echoes
//   idle N URL PORT    a client process holding N idle tunnels open through the bridge
import { unmaskImplementation } from '../bridge/fast-unmask'; // before ws: clients mask natively, as browsers do
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { connect, createServer, type Socket } from 'node:net';
import { WebSocket } from 'ws';
import { openThinWebSocket } from '../bridge/bench-client';

const self = new URL(import.meta.url).pathname;
const transferBytes = 64 * 1024 * 1024;
const roundTrips = 1_000;
const rounds = 3;
const idleTunnels = 10_000;
const idleProcesses = 4;

// ---- role: target -----------------------------------------------------------------------------------
// First byte picks the mode: 'D' + u32 MB = send that many, 'U' + u32 MB = read that many then reply 1 byte,
// 'E' = echo. Idle tunnels send 'Ex', wait for the 'x' and then stay silent.
function runTarget(): void {
  const block = Buffer.alloc(256 * 1024, 0xab);
  const server = createServer((socket) => {
    socket.setNoDelay(true);
    socket.on('error', () => {});
    // The first data decides the mode; latency pings and idle tunnels use 'E', which echoes from then on.
    let mode = '';
    let remaining = 0;
    socket.on('data', (data: Buffer) => {
      if (mode === '') {
        mode = String.fromCharCode(data[0]!);
        if (mode !== 'E') remaining = data.readUInt32BE(1) * 1024 * 1024;
        data = data.subarray(mode === 'E' ? 1 : 5);
        if (mode === 'D') {
          let sent = 0;
          const pump = () => {
            while (sent < remaining) {
              sent += block.length;
              if (!socket.write(block)) return socket.once('drain', pump);
            }
            // No FIN: the client hangs up once it has everything. websockify 0.10 drops what it still has
            // queued for the page when the target closes, so a FIN here would cut its transfers short.
          };
          pump();
        }
      }
      if (mode === 'E') {
        if (data.length > 0) socket.write(data);
      } else if (mode === 'U') {
        remaining -= data.length;
        if (remaining <= 0) socket.end('k');
      }
    });
  });
  server.listen(0, '127.0.0.1', () => {
    const address = server.address();
    if (address && typeof address !== 'string') process.stdout.write(`target ${address.port}\n`);
  });
}

// ---- role: idle clients -----------------------------------------------------------------------------
async function runIdleClients(count: number, url: string, origin: string): Promise<void> {
  const sockets: WebSocket[] = [];
  let ready = 0;
  const openOne = () =>
    new Promise<void>((resolve, reject) => {
      const ws = new WebSocket(url, { origin, perMessageDeflate: false });
      sockets.push(ws);
      ws.once('open', () => ws.send(Buffer.from('Ex')));
      ws.once('message', () => {
        ready += 1;
        resolve();
      });
      ws.once('error', reject);
      ws.once('close', (code) => reject(new Error(`tunnel closed early with ${code}`)));
    });
  const queue = Array.from({ length: count }, (_, i) => i);
  const workers = Array.from({ length: 64 }, async () => {
    while (queue.pop() !== undefined) await openOne();
  });
  await Promise.all(workers);
  process.stdout.write(`ready ${ready}\n`);
  // Hold the tunnels until the conductor kills this process.
  setInterval(() => {}, 60_000);
}

// ---- conductor helpers ------------------------------------------------------------------------------
// Each tunnel holds two descriptors in the bridge (WebSocket and TCP). Where the hard limit cannot be
// raised (containers without CAP_SYS_RESOURCE) the soft limit goes as high as the hard one allows.
const raiseFileLimit = 'ulimit -n 65536 2>/dev/null || ulimit -Sn "$(ulimit -Hn)"';

function fileLimit(): number {
  return Number(execFileSync('bash', ['-c', `${raiseFileLimit}; ulimit -n`], { encoding: 'utf8' }).trim());
}

function spawnRole(args: string[], ulimit = false): ChildProcess {
  const node = [process.execPath, '--import', 'tsx', ...args];
  return ulimit
    ? spawn('bash', ['-c', `${raiseFileLimit}; exec "$@"`, 'bash', ...node], {
        stdio: ['ignore', 'pipe', 'inherit'],
      })
    : spawn(node[0]!, node.slice(1), { stdio: ['ignore', 'pipe', 'inherit'] });
}

function waitFor(child: ChildProcess, pattern: RegExp, ms: number, what: string): Promise<RegExpExecArray> {
  return new Promise((resolve, reject) => {
    let output = '';
    const timer = setTimeout(() => reject(new Error(`timed out waiting for ${what}`)), ms);
    const onData = (data: Buffer) => {
      output += data.toString();
      if (output.length > 100_000) output = output.slice(-10_000);
      const match = pattern.exec(output);
      if (match) {
        clearTimeout(timer);
        child.stdout?.off('data', onData);
        child.stdout?.resume();
        resolve(match);
      }
    };
    child.stdout?.on('data', onData);
    child.once('exit', (code) => reject(new Error(`${what}: process exited with ${code}`)));
  });
}

function header(mode: 'D' | 'U' | 'E', megabytes = 0): Buffer {
  const head = Buffer.alloc(5);
  head.write(mode, 0, 'latin1');
  head.writeUInt32BE(megabytes, 1);
  return mode === 'E' ? head.subarray(0, 1) : head;
}

/** A minimal duplex view over either a TCP socket or a WebSocket, for the measurements below. */
interface Pipe {
  send(data: Buffer): boolean;
  onData(listener: (data: Buffer) => void): void;
  whenWritable(): Promise<void>;
  close(): void;
}

async function openTcp(port: number): Promise<Pipe> {
  const socket: Socket = await new Promise((resolve, reject) => {
    const s = connect(port, '127.0.0.1', () => resolve(s));
    s.once('error', reject);
  });
  socket.setNoDelay(true);
  return {
    send: (data) => socket.write(data),
    onData: (listener) => socket.on('data', listener),
    whenWritable: () => new Promise((resolve) => socket.once('drain', () => resolve())),
    close: () => socket.destroy(),
  };
}

/**
 * The page's side, the same for both bridges. By default a thin client (bridge/bench-client.ts) that
 * costs the shared CPU little; BENCH_CLIENT=ws uses the `ws` library's client instead, for comparison.
 */
const clientKind = process.env.BENCH_CLIENT === 'ws' ? 'ws' : 'thin';

async function openWs(url: string, origin?: string): Promise<Pipe> {
  if (clientKind === 'thin') return openThinWebSocket(url, origin);
  const ws = new WebSocket(url, { perMessageDeflate: false, ...(origin ? { origin } : {}) });
  await new Promise<void>((resolve, reject) => {
    ws.once('open', () => resolve());
    ws.once('error', reject);
  });
  return {
    send: (data) => {
      ws.send(data);
      return ws.bufferedAmount < 4 * 1024 * 1024;
    },
    onData: (listener) => ws.on('message', (data: Buffer) => listener(data)),
    whenWritable: async () => {
      while (ws.bufferedAmount >= 1024 * 1024) await new Promise((r) => setImmediate(r));
    },
    close: () => ws.close(),
  };
}

/** Every transfer has a deadline, so a peer that loses bytes fails the run instead of hanging it. */
function within<T>(promise: Promise<T>, what: string, ms = 120_000): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} did not finish within ${ms} ms`)), ms);
  });
  return Promise.race([promise, deadline]).finally(() => clearTimeout(timer));
}

async function download(pipe: Pipe): Promise<number> {
  const started = process.hrtime.bigint();
  let got = 0;
  await within(
    new Promise<void>((resolve) => {
      pipe.onData((data) => {
        got += data.length;
        if (got >= transferBytes) resolve();
      });
      pipe.send(header('D', transferBytes / 1024 / 1024));
    }),
    'download',
  );
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  pipe.close();
  return transferBytes / 1024 / 1024 / seconds;
}

async function upload(pipe: Pipe): Promise<number> {
  const block = Buffer.alloc(64 * 1024, 0xcd);
  const started = process.hrtime.bigint();
  const acked = new Promise<void>((resolve) => pipe.onData(() => resolve()));
  pipe.send(header('U', transferBytes / 1024 / 1024));
  for (let sent = 0; sent < transferBytes; sent += block.length) {
    if (!pipe.send(block)) await pipe.whenWritable();
  }
  await within(acked, 'upload');
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  pipe.close();
  return transferBytes / 1024 / 1024 / seconds;
}

async function medianRtt(pipe: Pipe): Promise<number> {
  const ping = Buffer.alloc(32, 1);
  let waiting: (() => void) | null = null;
  pipe.onData(() => waiting?.());
  pipe.send(header('E'));
  const times: number[] = [];
  for (let i = 0; i < roundTrips; i++) {
    const started = process.hrtime.bigint();
    await new Promise<void>((resolve) => {
      waiting = resolve;
      pipe.send(ping);
    });
    times.push(Number(process.hrtime.bigint() - started) / 1e6);
  }
  pipe.close();
  return median(times);
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)]!;
}

function rssMb(pid: number): number {
  const match = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return Number(match?.[1] ?? 0) / 1024;
}

function ensureWebsockify(): void {
  try {
    execFileSync('websockify', ['--help'], { stdio: 'ignore' });
    return;
  } catch {
    if (process.getuid?.() !== 0) throw new Error('websockify is missing: sudo apt-get install websockify');
  }
  console.log('installing websockify with apt-get');
  execFileSync('apt-get', ['update', '-qq'], { stdio: 'inherit' });
  execFileSync('apt-get', ['install', '-y', '-qq', '--no-install-recommends', 'websockify'], {
    stdio: 'inherit',
    env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' },
  });
}

const round = (n: number, places = 1) => Math.round(n * 10 ** places) / 10 ** places;

// ---- conductor ----------------------------------------------------------------------------------------
async function conduct(): Promise<void> {
  ensureWebsockify();
  const children: ChildProcess[] = [];
  const stopAll = () => children.forEach((child) => child.kill('SIGKILL'));
  process.on('exit', stopAll);
  try {
    const target = spawnRole([self, 'target'], true);
    children.push(target);
    const targetPort = Number((await waitFor(target, /target (\d+)/, 20_000, 'the target'))[1]);

    const bridge = spawnRole(
      [
        'bridge/main.ts',
        '--listen',
        '127.0.0.1',
        '--port',
        '0',
        '--allow',
        `127.0.0.1:${targetPort}`,
        '--max-tunnels',
        '20000',
        '--max-per-ip',
        '20000',
        '--idle-timeout',
        '600',
        '--max-message',
        String(4 * 1024 * 1024),
      ],
      true,
    );
    children.push(bridge);
    const bridgeUrl = (await waitFor(bridge, /serving the page at (\S+)/, 20_000, 'the bridge'))[1]!;
    const origin = new URL(bridgeUrl).origin;
    const tunnel = `${bridgeUrl.replace(/^http/, 'ws')}tunnel?host=127.0.0.1&port=${targetPort}`;

    const websockifyPort = await new Promise<number>((resolve) => {
      const probe = createServer().listen(0, '127.0.0.1', () => {
        const address = probe.address();
        probe.close(() => resolve(typeof address === 'object' && address ? address.port : 0));
      });
    });
    const websockify = spawn('websockify', [`127.0.0.1:${websockifyPort}`, `127.0.0.1:${targetPort}`], {
      stdio: ['ignore', 'ignore', 'ignore'],
    });
    children.push(websockify);
    const websockifyUrl = `ws://127.0.0.1:${websockifyPort}/`;
    for (let i = 0; ; i++) {
      try {
        (await openTcp(websockifyPort)).close();
        break;
      } catch (error) {
        if (i > 100) throw error;
        await new Promise((r) => setTimeout(r, 100));
      }
    }

    const peers = {
      direct: () => openTcp(targetPort),
      bridge: () => openWs(tunnel, origin),
      websockify: () => openWs(websockifyUrl),
    };
    // Rounds alternate between the three peers so that load from elsewhere on the machine hits them alike;
    // each figure is the median over the rounds.
    const samples: Record<string, { down: number[]; up: number[]; rtt: number[] }> = {};
    for (const name of Object.keys(peers)) samples[name] = { down: [], up: [], rtt: [] };
    console.log(
      `throughput: ${transferBytes / 1024 / 1024} MB each way; latency: ${roundTrips} round trips; ` +
        `client: ${clientKind}; unmasking in the bridge: ${unmaskImplementation}; load average ${loadavg()
          .map((n) => n.toFixed(2))
          .join(' ')}; ` +
        `median of ${rounds} alternating rounds`,
    );
    for (const [name, open] of Object.entries(peers)) {
      // Warm-up both ways, twice: a bridge in service runs for days, so its JIT-compiled steady state is
      // what counts (websockify forks a fresh process per connection either way).
      for (let i = 0; i < 2; i++) {
        await download(await open());
        await upload(await open());
      }
      console.log(`  warmed up ${name}`);
    }
    for (let pass = 0; pass < rounds; pass++) {
      for (const [name, open] of Object.entries(peers)) {
        const down = await download(await open());
        const up = await upload(await open());
        const rtt = await medianRtt(await open());
        samples[name]!.down.push(down);
        samples[name]!.up.push(up);
        samples[name]!.rtt.push(rtt);
        console.log(
          `  round ${pass + 1} ${name}: down ${round(down)} MB/s, up ${round(up)} MB/s, rtt ${round(rtt, 3)} ms`,
        );
      }
    }
    const results: Record<string, { down: number; up: number; rtt: number }> = {};
    for (const [name, sample] of Object.entries(samples)) {
      results[name] = { down: median(sample.down), up: median(sample.up), rtt: median(sample.rtt) };
      const r = results[name]!;
      console.log(
        `  ${name.padEnd(10)} down ${round(r.down).toString().padStart(7)} MB/s   ` +
          `up ${round(r.up).toString().padStart(7)} MB/s   rtt ${round(r.rtt, 3)} ms`,
      );
    }

    const limit = fileLimit();
    const idleCount = Math.min(idleTunnels, Math.floor((limit - 200) / 2));
    if (idleCount < idleTunnels)
      console.log(
        `open-file limit is ${limit} and cannot be raised here: measuring ${idleCount} tunnels and scaling`,
      );
    const baseline = rssMb(bridge.pid!);
    const perProcess = Math.ceil(idleCount / idleProcesses);
    const clients = Array.from({ length: idleProcesses }, () => {
      const child = spawnRole([self, 'idle', String(perProcess), tunnel, origin], true);
      children.push(child);
      return waitFor(child, /ready (\d+)/, 120_000, 'idle tunnels');
    });
    const opened = (await Promise.all(clients)).reduce((sum, match) => sum + Number(match[1]), 0);
    await new Promise((r) => setTimeout(r, 3_000));
    const rssMeasured = rssMb(bridge.pid!);
    // Scaled linearly from the tunnels actually held when the file limit kept them under 10,000.
    const rss10k = baseline + ((rssMeasured - baseline) * idleTunnels) / opened;
    console.log(
      `idle tunnels: ${opened} open; bridge RSS ${round(baseline)} MB before, ${round(rssMeasured)} MB with them ` +
        `(${round(((rssMeasured - baseline) * 1024) / opened)} KB per tunnel; ${round(rss10k)} MB for ${idleTunnels})`,
    );

    const mean = (r: { down: number; up: number }) => (r.down + r.up) / 2;
    const bridgeMbps = mean(results.bridge!);
    const websockifyMbps = mean(results.websockify!);
    const summary = {
      bench: 'bridge',
      client: clientKind,
      mbps: round(bridgeMbps),
      websockify_mbps: round(websockifyMbps),
      direct_mbps: round(mean(results.direct!)),
      ratio: round(bridgeMbps / websockifyMbps, 2),
      added_rtt_ms: round(results.bridge!.rtt - results.direct!.rtt, 3),
      websockify_added_rtt_ms: round(results.websockify!.rtt - results.direct!.rtt, 3),
      rss_mb_10k: round(rss10k),
      rss_mb_measured: round(rssMeasured),
      tunnels_measured: opened,
    };
    console.log(
      `budgets: throughput ${summary.ratio}x websockify (need >= 2): ${summary.ratio >= 2 ? 'ok' : 'MISSED'}; ` +
        `${idleTunnels} idle tunnels in ${summary.rss_mb_10k} MB (need <= 300): ${summary.rss_mb_10k <= 300 ? 'ok' : 'MISSED'}`,
    );
    console.log(JSON.stringify(summary));
  } finally {
    stopAll();
  }
}

const [role, ...args] = process.argv.slice(2);
if (role === 'target') runTarget();
else if (role === 'idle') await runIdleClients(Number(args[0]), args[1]!, args[2]!);
else {
  await conduct();
  process.exit(0);
}
