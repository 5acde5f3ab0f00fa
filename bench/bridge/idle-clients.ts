// A process holding N idle tunnels open through the bridge, for the resident-memory figure
// (`node --import tsx bench/bridge/idle-clients.ts N URL ORIGIN`; prints `ready N`, then waits to be killed).
import { WebSocket } from 'ws';

async function runIdleClients(count: number, url: string, origin: string): Promise<void> {
  // Referenced until the process is killed, so nothing about them is ever collected.
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

const [count, url, origin] = process.argv.slice(2);
await runIdleClients(Number(count), url!, origin!);
