// The three measurements made through every peer: a download (host -> page), an upload (page -> host) and
// round trips of a small message. Each transfer also reports the CPU time every process spent on it, so a
// slow figure can be traced to the process that was busy (all of them share the machine's cores).
import type { Pipe } from './pipes';
import { timesSpent, type ThreadTimes } from './processes';
import { targetRequest } from './target';

/** A process whose CPU time is read before and after each transfer. */
export interface CpuMeter {
  name: string;
  /** Scheduler figures so far, by thread (see processes.ts threadTimes). */
  read(): Map<number, ThreadTimes>;
}

export interface TransferResult {
  mbps: number;
  /** Per MB moved, by meter name: CPU ms, ms waiting for a CPU, and times scheduled in. */
  perMb: Record<string, { cpuMs: number; waitMs: number; slices: number }>;
}

/** Every transfer has a deadline, so a peer that loses bytes fails the run instead of hanging it. */
export function within<T>(promise: Promise<T>, what: string, ms = 120_000): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} did not finish within ${ms} ms`)), ms);
  });
  return Promise.race([promise, deadline]).finally(() => clearTimeout(timer));
}

async function measured(
  bytes: number,
  meters: CpuMeter[],
  run: () => Promise<void>,
): Promise<TransferResult> {
  const before = meters.map((meter) => meter.read());
  const started = process.hrtime.bigint();
  await run();
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  const megabytes = bytes / 1024 / 1024;
  const perMb: TransferResult['perMb'] = {};
  meters.forEach((meter, i) => {
    const spent = timesSpent(before[i]!, meter.read());
    perMb[meter.name] = {
      cpuMs: spent.run / 1e6 / megabytes,
      waitMs: spent.wait / 1e6 / megabytes,
      slices: spent.slices / megabytes,
    };
  });
  return { mbps: megabytes / seconds, perMb };
}

export async function download(pipe: Pipe, bytes: number, meters: CpuMeter[] = []): Promise<TransferResult> {
  const result = await measured(bytes, meters, () =>
    within(
      new Promise<void>((resolve) => {
        let got = 0;
        pipe.onData((data) => {
          got += data.length;
          if (got >= bytes) resolve();
        });
        pipe.send(targetRequest('D', bytes / 1024 / 1024));
      }),
      'download',
    ),
  );
  pipe.close();
  return result;
}

/** Upload message size: 64 KB by default; BENCH_UP_KB=16 sends TLS-record-sized messages, as the page does. */
export const uploadMessageBytes = Number(process.env.BENCH_UP_KB ?? 64) * 1024;

export async function upload(pipe: Pipe, bytes: number, meters: CpuMeter[] = []): Promise<TransferResult> {
  const block = Buffer.alloc(uploadMessageBytes, 0xcd);
  const result = await measured(bytes, meters, async () => {
    const acked = new Promise<void>((resolve) => pipe.onData(() => resolve()));
    pipe.send(targetRequest('U', bytes / 1024 / 1024));
    for (let sent = 0; sent < bytes; sent += block.length) {
      if (!pipe.send(block)) await pipe.whenWritable();
    }
    await within(acked, 'upload');
  });
  pipe.close();
  return result;
}

export async function medianRtt(pipe: Pipe, roundTrips: number): Promise<number> {
  const ping = Buffer.alloc(32, 1);
  let waiting: (() => void) | null = null;
  pipe.onData(() => waiting?.());
  pipe.send(targetRequest('E'));
  const times: number[] = [];
  for (let i = 0; i < roundTrips; i++) {
    const started = process.hrtime.bigint();
    await within(
      new Promise<void>((resolve) => {
        waiting = resolve;
        pipe.send(ping);
      }),
      'round trip',
      10_000,
    );
    times.push(Number(process.hrtime.bigint() - started) / 1e6);
  }
  pipe.close();
  return median(times);
}

export function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)]!;
}
