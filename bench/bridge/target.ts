// The TCP server behind the bridge, websockify and the direct connection, in its own process
// (`node --import tsx bench/bridge/target.ts`; prints `target PORT` once listening).
//
// The first bytes pick the mode: 'D' + u32 MB = send that many, 'U' + u32 MB = read that many then reply
// 1 byte, 'E' = echo from then on. Idle tunnels send 'Ex', wait for the 'x' and then stay silent.
import { createServer } from 'node:net';
import { withOwnReadBuffers } from '../../bridge/socket-reads';

/** The request a client sends first (see above). */
export function targetRequest(mode: 'D' | 'U' | 'E', megabytes = 0): Buffer {
  const head = Buffer.alloc(5);
  head.write(mode, 0, 'latin1');
  head.writeUInt32BE(megabytes, 1);
  return mode === 'E' ? head.subarray(0, 1) : head;
}

function runTarget(): void {
  const block = Buffer.alloc(256 * 1024, 0xab);
  const server = createServer({ pauseOnConnect: true }, (accepted) => {
    // Reads go into one reused buffer (Node's default is a fresh 64 KB buffer per read, which costs this
    // process, and so the cores it shares with the server being measured, about five times the CPU).
    const readBuffer = Buffer.allocUnsafe(1024 * 1024);
    const socket =
      withOwnReadBuffers(accepted, {
        buffer: readBuffer,
        callback: (length) => {
          onData(readBuffer.subarray(0, length));
          return true;
        },
      }) ?? accepted.on('data', (data: Buffer) => onData(data));
    socket.setNoDelay(true);
    socket.on('error', () => {});
    let mode = '';
    let remaining = 0;
    const onData = (data: Buffer) => {
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
        // A copy: the read buffer is reused by the next read, maybe before this write is done.
        if (data.length > 0) socket.write(Buffer.from(data));
      } else if (mode === 'U') {
        remaining -= data.length;
        // No FIN either: websockify's fork exits on it, before its CPU time can be read.
        if (remaining <= 0 && remaining + data.length > 0) socket.write('k');
      }
    };
    socket.resume();
  });
  server.listen(0, '127.0.0.1', () => {
    const address = server.address();
    if (address && typeof address !== 'string') process.stdout.write(`target ${address.port}\n`);
  });
}

if (process.argv[1] === new URL(import.meta.url).pathname) runTarget();
