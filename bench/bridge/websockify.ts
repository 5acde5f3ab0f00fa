// websockify (the Debian package, Python, with numpy for unmasking) as the peer the bridge is compared
// against. Started by the benchmark itself on a free loopback port, in its default mode: one forked process
// per connection, which is how it is deployed.
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';
import { openTcp } from './pipes';

export function ensureWebsockify(): void {
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

function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const probe = createServer().listen(0, '127.0.0.1', () => {
      const address = probe.address();
      probe.close(() => resolve(typeof address === 'object' && address ? address.port : 0));
    });
  });
}

/** Starts websockify in front of 127.0.0.1:targetPort and waits until it accepts connections. */
export async function startWebsockify(targetPort: number): Promise<{ child: ChildProcess; url: string }> {
  ensureWebsockify();
  const port = await freePort();
  const child = spawn('websockify', [`127.0.0.1:${port}`, `127.0.0.1:${targetPort}`], {
    stdio: ['ignore', 'ignore', 'ignore'],
  });
  for (let i = 0; ; i++) {
    try {
      (await openTcp(port)).close();
      break;
    } catch (error) {
      if (i > 100) {
        child.kill('SIGKILL');
        throw error;
      }
      await new Promise((r) => setTimeout(r, 100));
    }
  }
  return { child, url: `ws://127.0.0.1:${port}/` };
}
