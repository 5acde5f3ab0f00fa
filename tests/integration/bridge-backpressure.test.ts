import { spawn, type ChildProcess } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import type { Socket } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import {
  closed,
  connectTunnel,
  opened,
  startTcpServer,
  within,
  type TcpServer,
} from '../../bridge/test-support';

// The bridge runs in its own process so that its resident memory can be watched on its own.
const total = 100 * 1024 * 1024;
const chunk = 64 * 1024;
const allowedGrowth = 64 * 1024 * 1024;

let child: ChildProcess | undefined;
let tcp: TcpServer | undefined;

afterEach(async () => {
  child?.kill('SIGKILL');
  child = undefined;
  await tcp?.close();
  tcp = undefined;
});

function rssBytes(pid: number): number {
  const match = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return Number(match?.[1] ?? 0) * 1024;
}

async function startBridgeProcess(allow: string): Promise<{ url: string; pid: number }> {
  const proc = spawn(
    process.execPath,
    ['--import', 'tsx', 'bridge/main.ts', '--listen', '127.0.0.1', '--port', '0', '--allow', allow],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  child = proc;
  let output = '';
  const url = await within(
    new Promise<string>((resolve, reject) => {
      const onData = (data: Buffer) => {
        output += data.toString();
        const match = /serving the page at (\S+)/.exec(output);
        if (match?.[1]) resolve(match[1]);
      };
      proc.stdout?.on('data', onData);
      proc.stderr?.on('data', onData);
      proc.once('exit', (code) => reject(new Error(`bridge exited with ${code}: ${output}`)));
    }),
    20_000,
    'the bridge process to start',
  );
  return { url, pid: proc.pid! };
}

/** Samples the bridge's RSS until stopped and returns the peak. */
function watchMemory(pid: number) {
  let peak = rssBytes(pid);
  const timer = setInterval(() => (peak = Math.max(peak, rssBytes(pid))), 25);
  return () => {
    clearInterval(timer);
    return peak;
  };
}

/** Reads in bursts of 1 MB with a pause after each: far slower than the other side can write. */
function readSlowly(pause: () => void, resume: () => void, onByte: (n: number) => void) {
  let sinceBreak = 0;
  return (data: Buffer) => {
    onByte(data.length);
    sinceBreak += data.length;
    if (sinceBreak >= 1024 * 1024) {
      sinceBreak = 0;
      pause();
      setTimeout(resume, 15);
    }
  };
}

describe('backpressure', () => {
  it('keeps bridge memory bounded while the host writes 100 MB to a slow page', async () => {
    const block = randomBytes(chunk);
    const sent = createHash('sha256');
    tcp = await startTcpServer((socket: Socket) => {
      let written = 0;
      const pump = () => {
        while (written < total) {
          written += block.length;
          sent.update(block);
          if (!socket.write(block)) return socket.once('drain', pump);
        }
        socket.end();
      };
      pump();
    });
    const { url, pid } = await startBridgeProcess(`127.0.0.1:${tcp.port}`);
    const baseline = rssBytes(pid);
    const stop = watchMemory(pid);
    const ws = connectTunnel(url, '127.0.0.1', tcp.port);
    const received = createHash('sha256');
    let count = 0;
    ws.on(
      'message',
      readSlowly(
        () => ws.pause(),
        () => ws.resume(),
        (n) => (count += n),
      ),
    );
    ws.on('message', (data: Buffer) => received.update(data));
    const close = closed(ws, 60_000);
    await opened(ws);
    expect((await close).code).toBe(1000);
    const peak = stop();
    expect(count).toBe(total);
    expect(received.digest('hex')).toBe(sent.digest('hex'));
    expect(peak - baseline).toBeLessThan(allowedGrowth);
  }, 90_000);

  it('keeps bridge memory bounded while the page writes 100 MB to a slow host', async () => {
    let count = 0;
    const received = createHash('sha256');
    let done: () => void = () => {};
    const allIn = new Promise<void>((resolve) => (done = resolve));
    tcp = await startTcpServer((socket: Socket) => {
      socket.on(
        'data',
        readSlowly(
          () => socket.pause(),
          () => socket.resume(),
          (n) => {
            count += n;
            if (count >= total) done();
          },
        ),
      );
      socket.on('data', (data: Buffer) => received.update(data));
    });
    const { url, pid } = await startBridgeProcess(`127.0.0.1:${tcp.port}`);
    const baseline = rssBytes(pid);
    const stop = watchMemory(pid);
    const ws = connectTunnel(url, '127.0.0.1', tcp.port);
    await opened(ws);
    const block = randomBytes(chunk);
    const sent = createHash('sha256');
    // The page side writes as fast as its own socket lets it (it keeps at most 4 MB queued locally).
    for (let written = 0; written < total; written += block.length) {
      while (ws.bufferedAmount > 4 * 1024 * 1024) await new Promise((r) => setTimeout(r, 1));
      sent.update(block);
      ws.send(block);
    }
    await within(allIn, 60_000, 'all bytes at the host');
    const peak = stop();
    ws.close();
    await closed(ws);
    expect(count).toBe(total);
    expect(received.digest('hex')).toBe(sent.digest('hex'));
    expect(peak - baseline).toBeLessThan(allowedGrowth);
  }, 90_000);
});
