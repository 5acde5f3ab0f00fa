// `npm run bench -- bridge`: the bridge against a direct TCP connection and against websockify, in one run
// on this machine. Measures throughput each way, the round-trip time the bridge adds, and the bridge's
// resident memory with 10,000 idle tunnels (design §6: at least 2x websockify, at most 300 MB).
//
// Every party runs in its own process: this one is the page (one client for all peers, bench/bridge/
// pipes.ts), bench/bridge/target.ts the TCP host, bench/bridge/idle-clients.ts the idle tunnels. Besides
// MB/s each transfer reports the CPU time per MB of the page, the server (bridge or websockify, with its
// forks) and the host, which shows where the shared cores went.
// BENCH_PROFILE=DIR writes a V8 CPU profile of the bridge process to DIR (node --cpu-prof);
// BENCH_BRIDGE_FLAGS="..." passes more node flags to the bridge.
// BENCH_ROUNDS=N and BENCH_MB=N change the number of rounds and the transfer size, BENCH_UP_KB=N the size
// of upload messages (default 64); BENCH_IDLE=0 skips the idle-tunnel memory figure (for quicker
// throughput runs; the JSON line then has no rss figures).
import { unmaskImplementation } from '../bridge/fast-unmask'; // before ws: the client masks natively, as browsers do
import { execFileSync, type ChildProcess } from 'node:child_process';
import { loadavg } from 'node:os';
import { clientKind, openTcp, openWs, type Pipe } from './bridge/pipes';
import { threadTimes, fileLimit, rssMb, spawnNode, waitFor } from './bridge/processes';
import {
  download,
  median,
  medianRtt,
  upload,
  uploadMessageBytes,
  type CpuMeter,
  type TransferResult,
} from './bridge/transfers';
import { startWebsockify } from './bridge/websockify';

const here = (path: string) => new URL(path, import.meta.url).pathname;
const transferBytes = Number(process.env.BENCH_MB ?? 64) * 1024 * 1024;
const roundTrips = 1_000;
const rounds = Number(process.env.BENCH_ROUNDS ?? 7);
const idleTunnels = 10_000;
const idleProcesses = 4;
const profileDir = process.env.BENCH_PROFILE;

// The page process collects its garbage before each transfer, so one peer's leftovers (read buffers of
// closed connections, frames) are not collected, and billed to the page, during the next peer's transfer.
// bench/run.ts starts benchmarks with --expose-gc.
const collectGarbage = () => (globalThis as { gc?: () => void }).gc?.();
const round = (n: number, places = 1) => Math.round(n * 10 ** places) / 10 ** places;
const load = () =>
  loadavg()
    .map((n) => n.toFixed(2))
    .join(' ');

interface Peer {
  name: 'direct' | 'bridge' | 'websockify';
  open(): Promise<Pipe>;
  /** The server process between page and host, if any. */
  pid?: number;
}

interface Samples {
  down: TransferResult[];
  up: TransferResult[];
  rtt: number[];
}

/** Per MB: CPU ms / ms waiting for a CPU / times scheduled in, for each process. */
function cpuLine(result: TransferResult): string {
  return Object.entries(result.perMb)
    .map(([name, m]) => `${name} ${m.cpuMs.toFixed(2)}/${m.waitMs.toFixed(2)}/${Math.round(m.slices)}`)
    .join(', ');
}

/** The median of a set of transfers, with the CPU figures of that same transfer. */
function medianTransfer(results: TransferResult[]): TransferResult {
  const sorted = [...results].sort((a, b) => a.mbps - b.mbps);
  return sorted[Math.floor(sorted.length / 2)]!;
}

async function startBridge(targetPort: number): Promise<{ child: ChildProcess; url: string }> {
  // The bridge as `npm run bridge` runs it: built by esbuild, not compiled on the fly by tsx (whose
  // keepNames gives every closure a name property, about 7 KB more per idle tunnel).
  execFileSync('npm', ['run', 'build:server', '--silent'], { cwd: here('..'), stdio: 'inherit' });
  const child = spawnNode(
    [
      here('../build-server/bridge/main.mjs'),
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
      '--rate-per-ip',
      '100000',
      '--idle-timeout',
      '600',
      '--max-message',
      String(4 * 1024 * 1024),
    ],
    {
      raiseFileLimit: true,
      javascript: true,
      nodeFlags: [
        ...(profileDir ? ['--cpu-prof', '--cpu-prof-dir', profileDir] : []),
        ...(process.env.BENCH_BRIDGE_FLAGS?.split(' ').filter(Boolean) ?? []),
      ],
    },
  );
  const url = (await waitFor(child, /serving the page at (\S+)/, 20_000, 'the bridge'))[1]!;
  return { child, url };
}

async function measureThroughput(peers: Peer[], targetPid: number): Promise<Record<string, Samples>> {
  const metersOf = (peer: Peer): CpuMeter[] => [
    { name: 'page', read: () => threadTimes(process.pid, false) },
    ...(peer.pid ? [{ name: peer.name, read: () => threadTimes(peer.pid!, true) }] : []),
    { name: 'host', read: () => threadTimes(targetPid, false) },
  ];
  // Warm-up both ways, twice: a bridge in service runs for days, so its JIT-compiled steady state is what
  // counts (websockify forks a fresh process per connection either way).
  for (const peer of peers) {
    for (let i = 0; i < 2; i++) {
      await download(await peer.open(), transferBytes);
      await upload(await peer.open(), transferBytes);
    }
  }
  console.log(`  warmed up; load average ${load()}`);
  // Rounds alternate between the peers so that load from elsewhere on the machine hits them alike.
  const samples: Record<string, Samples> = {};
  for (const peer of peers) samples[peer.name] = { down: [], up: [], rtt: [] };
  for (let pass = 0; pass < rounds; pass++) {
    for (const peer of peers) {
      collectGarbage();
      const down = await download(await peer.open(), transferBytes, metersOf(peer));
      collectGarbage();
      const up = await upload(await peer.open(), transferBytes, metersOf(peer));
      const rtt = await medianRtt(await peer.open(), roundTrips);
      samples[peer.name]!.down.push(down);
      samples[peer.name]!.up.push(up);
      samples[peer.name]!.rtt.push(rtt);
      console.log(
        `  round ${pass + 1} ${peer.name.padEnd(10)} down ${round(down.mbps)} MB/s (per MB cpu ms/wait ms/slices: ${cpuLine(down)}); ` +
          `up ${round(up.mbps)} MB/s (${cpuLine(up)}); rtt ${round(rtt, 3)} ms`,
      );
    }
  }
  return samples;
}

async function measureIdleMemory(
  bridgePid: number,
  tunnel: string,
  origin: string,
  children: ChildProcess[],
) {
  const limit = fileLimit();
  const idleCount = Math.min(idleTunnels, Math.floor((limit - 200) / 2));
  if (idleCount < idleTunnels)
    console.log(
      `open-file limit is ${limit} and cannot be raised here: measuring ${idleCount} tunnels and scaling`,
    );
  const baseline = rssMb(bridgePid);
  const perProcess = Math.ceil(idleCount / idleProcesses);
  const clients = Array.from({ length: idleProcesses }, () => {
    const child = spawnNode([here('./bridge/idle-clients.ts'), String(perProcess), tunnel, origin], {
      raiseFileLimit: true,
    });
    children.push(child);
    return waitFor(child, /ready (\d+)/, 120_000, 'idle tunnels');
  });
  const opened = (await Promise.all(clients)).reduce((sum, match) => sum + Number(match[1]), 0);
  await new Promise((r) => setTimeout(r, 3_000));
  const measured = rssMb(bridgePid);
  // Scaled linearly from the tunnels actually held when the file limit kept them under 10,000.
  const rss10k = baseline + ((measured - baseline) * idleTunnels) / opened;
  console.log(
    `idle tunnels: ${opened} open; bridge RSS ${round(baseline)} MB before, ${round(measured)} MB with them ` +
      `(${round(((measured - baseline) * 1024) / opened)} KB per tunnel; ${round(rss10k)} MB for ${idleTunnels})`,
  );
  return { rss10k, measured, opened };
}

async function conduct(): Promise<void> {
  const children: ChildProcess[] = [];
  const stopAll = () => children.forEach((child) => child.kill('SIGKILL'));
  process.on('exit', stopAll);
  try {
    const target = spawnNode([here('./bridge/target.ts')], { raiseFileLimit: true });
    children.push(target);
    const targetPort = Number((await waitFor(target, /target (\d+)/, 20_000, 'the target'))[1]);
    const bridge = await startBridge(targetPort);
    children.push(bridge.child);
    const origin = new URL(bridge.url).origin;
    const tunnel = `${bridge.url.replace(/^http/, 'ws')}tunnel?host=127.0.0.1&port=${targetPort}`;
    const websockify = await startWebsockify(targetPort);
    children.push(websockify.child);

    const peers: Peer[] = [
      { name: 'direct', open: () => openTcp(targetPort) },
      { name: 'bridge', open: () => openWs(tunnel, origin), pid: bridge.child.pid! },
      { name: 'websockify', open: () => openWs(websockify.url), pid: websockify.child.pid! },
    ];
    console.log(
      `throughput: ${transferBytes / 1024 / 1024} MB each way, uploads in ${uploadMessageBytes / 1024} KB messages; ` +
        `latency: ${roundTrips} round trips; ` +
        `client: ${clientKind}; unmasking: ${unmaskImplementation}; median of ${rounds} alternating rounds; ` +
        `load average ${load()}`,
    );
    const samples = await measureThroughput(peers, target.pid!);
    const results: Record<string, { down: TransferResult; up: TransferResult; rtt: number }> = {};
    for (const [name, sample] of Object.entries(samples)) {
      const r = (results[name] = {
        down: medianTransfer(sample.down),
        up: medianTransfer(sample.up),
        rtt: median(sample.rtt),
      });
      console.log(
        `  ${name.padEnd(10)} down ${round(r.down.mbps).toString().padStart(7)} MB/s   ` +
          `up ${round(r.up.mbps).toString().padStart(7)} MB/s   rtt ${round(r.rtt, 3)} ms`,
      );
    }
    const b = results.bridge!;
    const w = results.websockify!;
    const d = results.direct!;
    console.log(
      `  bridge / websockify: down ${round(b.down.mbps / w.down.mbps, 2)}x, up ${round(b.up.mbps / w.up.mbps, 2)}x; ` +
        `load average ${load()}`,
    );
    // CPU per MB does not depend on what else the machine is running, unlike MB/s: the median over rounds.
    const serverCpu = (name: 'bridge' | 'websockify', direction: 'down' | 'up') =>
      median(samples[name]![direction].map((transfer) => transfer.perMb[name]?.cpuMs ?? NaN));
    const cpu = {
      bridge: { down: serverCpu('bridge', 'down'), up: serverCpu('bridge', 'up') },
      websockify: { down: serverCpu('websockify', 'down'), up: serverCpu('websockify', 'up') },
    };
    console.log(
      `  server CPU per MB (median): bridge down ${cpu.bridge.down.toFixed(2)} ms, up ${cpu.bridge.up.toFixed(2)} ms; ` +
        `websockify down ${cpu.websockify.down.toFixed(2)} ms, up ${cpu.websockify.up.toFixed(2)} ms`,
    );

    const idle =
      process.env.BENCH_IDLE === '0'
        ? { rss10k: NaN, measured: NaN, opened: 0 }
        : await measureIdleMemory(bridge.child.pid!, tunnel, origin, children);

    // The budget's figure: the mean of the two rates. Also reported: the same bytes each way in sequence,
    // total bytes over total time (a harmonic mean, so the slower direction weighs more).
    const mean = (r: { down: TransferResult; up: TransferResult }) => (r.down.mbps + r.up.mbps) / 2;
    const sameBytes = (r: { down: TransferResult; up: TransferResult }) =>
      2 / (1 / r.down.mbps + 1 / r.up.mbps);
    const summary = {
      bench: 'bridge',
      client: clientKind,
      mbps: round(mean(b)),
      websockify_mbps: round(mean(w)),
      direct_mbps: round(mean(d)),
      ratio: round(mean(b) / mean(w), 2),
      down_mbps: round(b.down.mbps),
      up_mbps: round(b.up.mbps),
      websockify_down_mbps: round(w.down.mbps),
      websockify_up_mbps: round(w.up.mbps),
      same_bytes_ratio: round(sameBytes(b) / sameBytes(w), 2),
      down_ratio: round(b.down.mbps / w.down.mbps, 2),
      up_ratio: round(b.up.mbps / w.up.mbps, 2),
      bridge_cpu_ms_per_mb: { down: round(cpu.bridge.down, 2), up: round(cpu.bridge.up, 2) },
      websockify_cpu_ms_per_mb: { down: round(cpu.websockify.down, 2), up: round(cpu.websockify.up, 2) },
      added_rtt_ms: round(b.rtt - d.rtt, 3),
      websockify_added_rtt_ms: round(w.rtt - d.rtt, 3),
      rss_mb_10k: round(idle.rss10k),
      rss_mb_measured: round(idle.measured),
      tunnels_measured: idle.opened,
      load_average: Number(loadavg()[0]!.toFixed(2)),
    };
    console.log(
      `budgets: throughput ${summary.ratio}x websockify (need >= 2): ${summary.ratio >= 2 ? 'ok' : 'MISSED'}; ` +
        `${idleTunnels} idle tunnels in ${summary.rss_mb_10k} MB (need <= 300): ${summary.rss_mb_10k <= 300 ? 'ok' : 'MISSED'}`,
    );
    if (profileDir) {
      // The profile is written when the bridge exits on its own (it does on SIGINT).
      bridge.child.kill('SIGINT');
      await new Promise((r) => bridge.child.once('exit', r));
      console.log(`CPU profile of the bridge written to ${profileDir}`);
    }
    console.log(JSON.stringify(summary));
  } finally {
    stopAll();
  }
}

await conduct();
process.exit(0);
