// One tunnel: one WebSocket from the page, one TCP connection to a checked IP address. Bytes pass through
// untouched (they are TLS records; the bridge cannot read them). Either side closing closes the other, and
// each direction is flow-controlled so neither a slow page nor a slow host makes the bridge buffer more
// than about `bufferLimitBytes` plus one read (at most 1 MB, read-buffers.ts) per direction and tunnel.
import { connect, type Socket } from 'node:net';
import { CloseCode, closeReason } from './close-codes';
import { checkDestination, type DestinationPolicy } from './destination';
import { formatTunnelLine, type TunnelRecord } from './log';
import type { HostPort } from './options';
import type { PageConnection } from './ws-connection';
import { frameRoom } from './ws-frames';
import { isSharedReadBuffer, ReadSize, recycleReadBuffer } from './read-buffers';

export interface TunnelSettings {
  policy: DestinationPolicy;
  connectTimeoutMs: number;
  idleTimeoutMs: number;
  maxLifetimeMs: number;
  bufferLimitBytes: number;
  log: (line: string) => void;
}

export interface Tunnel {
  /** Closes the tunnel from the bridge's side with 1001 (shutdown). */
  shutdown(): void;
}

// After the page closes, the host gets this long to take the last bytes before the socket is dropped.
const lingerMs = 2_000;
// What the page sent before the host connection is up is kept up to this much before the page is paused.
const pendingLimitBytes = 16 * 1024;
// Host chunks at least this big are framed on their own rather than gathered (see attach()).
const coalesceBelowBytes = 16 * 1024;

function refusalCode(error: NodeJS.ErrnoException): { code: number; reason: string } {
  const what = error.code ?? 'error';
  if (what === 'ETIMEDOUT') return { code: CloseCode.timeout, reason: 'connect timed out' };
  return { code: CloseCode.refused, reason: `connect failed: ${what}` };
}

export function openTunnel(
  ws: PageConnection,
  target: HostPort,
  clientIp: string,
  settings: TunnelSettings,
  onClosed: () => void,
): Tunnel {
  const record: TunnelRecord = {
    start: Date.now(),
    clientIp,
    host: target.host,
    port: target.port,
    bytesUp: 0,
    bytesDown: 0,
    closeCode: 0,
    closeReason: '',
  };
  let tcp: Socket | null = null;
  let attempt: Socket | null = null;
  let finished = false;
  let pending: Buffer[] = [];
  let pendingBytes = 0;
  let inFlightDown = 0;
  let tcpPaused = false;
  let tcpCorked = false;
  let uncorkScheduled = false;
  const uncork = () => {
    uncorkScheduled = false;
    if (tcpCorked) {
      tcpCorked = false;
      tcp?.uncork();
    }
  };

  const lifetime = setTimeout(
    () => finish(CloseCode.limit, 'maximum tunnel lifetime reached'),
    settings.maxLifetimeMs,
  );
  const connectTimer = setTimeout(() => {
    attempt?.destroy();
    finish(CloseCode.timeout, 'connect timed out');
  }, settings.connectTimeoutMs);

  /** The bridge ends the tunnel: record why, tell the page with a close code, drop the TCP side. */
  function finish(code: number, reason: string, tcpEndsGracefully = false): void {
    if (finished) return;
    finished = true;
    record.closeCode = code;
    record.closeReason = reason;
    clearTimeout(connectTimer);
    clearTimeout(lifetime);
    attempt?.destroy();
    if (tcp && !tcpEndsGracefully) tcp.destroy();
    // The connection reads on while closing, so the page's answering close frame is seen even if it was paused.
    ws.close(code, closeReason(reason));
  }

  ws.start({
    data(chunk) {
      if (finished) return;
      if (!tcp) {
        // Not connected yet: keep a copy of what the page sent (usually its ClientHello). Reading goes on
        // up to a bound, so a page that hangs up while the host is looked up and dialled is noticed (a
        // paused connection reads nothing, not even the close).
        pending.push(Buffer.from(chunk));
        pendingBytes += chunk.length;
        if (pendingBytes > pendingLimitBytes) ws.pause();
        return;
      }
      record.bytesUp += chunk.length;
      // One read from the page usually ends one frame and starts the next: corked, its pieces leave in one
      // writev, so the host wakes once per read rather than once per piece.
      if (!tcpCorked) {
        tcpCorked = true;
        tcp.cork();
      }
      // The chunk is a view into the page connection's read buffer: kept from reuse (or copied) until written.
      const kept = ws.keep(chunk);
      tcp.write(kept.bytes, kept.release);
      // Not on write() returning false: that happens for any chunk above the socket's 16 KB high-water
      // mark, and pausing and resuming the page around every read costs two syscalls each time. What counts
      // is the memory held: the queued bytes, and the whole read buffers their views keep from reuse.
      if (!hostHasRoom(tcp)) ws.pause();
    },
    readsReleased() {
      // The host took bytes whose read buffers held the page back, without a 'drain' (which only comes
      // after a write that returned false).
      if (tcp && ws.isPaused && !finished) resumePageIfRoom(tcp);
    },
    readDone() {
      if (tcpCorked && !uncorkScheduled) {
        uncorkScheduled = true;
        setImmediate(uncork);
      }
    },
    // The connection has already sent its close frame (protocol error, text frame, message too big).
    failed: (code, reason) => finish(code, reason),
    closed(code, reason) {
      if (!finished) {
        // The page closed first. A clean close ends TCP after the last bytes; an abrupt one resets it.
        finished = true;
        record.closeCode = code;
        record.closeReason = `page closed${reason.length > 0 ? `: ${reason}` : ''}`;
        clearTimeout(connectTimer);
        clearTimeout(lifetime);
        attempt?.destroy();
        if (tcp && code !== 1006) {
          tcp.end();
          tcp.setTimeout(lingerMs);
        } else tcp?.destroy();
      }
      settings.log(formatTunnelLine(record, Date.now()));
      pending = [];
      pendingBytes = 0;
      onClosed();
    },
  });

  // Host -> page bytes as the reads deliver them (set by attach()).
  let onHostBytes: (buffer: Buffer, length: number) => void = () => {};
  const readSize = new ReadSize();
  // Reads from the host go into buffers that grow while reads fill them and shrink while they do not: bulk
  // transfers move up to 1 MB per read (one syscall and one frame where 64 KB reads took sixteen; in the
  // bridge benchmark the bridge's CPU per downloaded MB fell from 0.76 ms with 256 KB reads to 0.45 ms),
  // while an idle tunnel keeps only a small buffer waiting. Each has frameRoom spare bytes in front, where
  // the frame header is written, so a large read goes to the page as one write with no copy
  // (read-buffers.ts).
  const hostReads = {
    buffer: () => readSize.take(),
    callback: (length: number, buffer: Buffer) => {
      readSize.adjust(length, buffer.length);
      onHostBytes(buffer, length);
      return true;
    },
  };

  function attach(socket: Socket, address: string): void {
    tcp = socket;
    record.address = address;
    clearTimeout(connectTimer);
    socket.setNoDelay(true);
    socket.setTimeout(settings.idleTimeoutMs);
    // Host -> page. While a frame is still on its way into the kernel, later *small* chunks wait and leave
    // together as one frame: under load that means fewer frames (fewer writes here, fewer message events in
    // the page) and never an added delay when the path is idle. Large chunks go out as they are, framed in
    // place in their read buffer.
    let waiting: Buffer[] = [];
    let waitingBytes = 0;
    let framesInFlight = 0;
    /**
     * `held`: the memory the frame keeps alive until written, what counts against bufferLimitBytes.
     * `readBuffer`: the read buffer `data` is framed in place in, recycled once written.
     */
    const sendDown = (data: Buffer, held: number, readBuffer?: Buffer) => {
      framesInFlight += 1;
      // The callback runs once the frame is in the kernel (or dropped); until then it counts as queued.
      const written = () => {
        if (readBuffer) recycleReadBuffer(readBuffer);
        framesInFlight -= 1;
        inFlightDown -= held;
        if (waitingBytes > 0 && framesInFlight === 0 && ws.isOpen) flushWaiting();
        if (tcpPaused && inFlightDown <= settings.bufferLimitBytes / 2) {
          tcpPaused = false;
          socket.resume();
        }
      };
      if (readBuffer) ws.sendInPlace(data, written);
      else ws.send(data, written);
    };
    const flushWaiting = () => {
      const data = waiting.length === 1 ? waiting[0]! : Buffer.concat(waiting, waitingBytes);
      const held = waitingBytes;
      waiting = [];
      waitingBytes = 0;
      sendDown(data, held);
    };
    onHostBytes = (buffer, length) => {
      if (finished || !ws.isOpen) return;
      record.bytesDown += length;
      if (length >= coalesceBelowBytes && !isSharedReadBuffer(buffer)) {
        // Keeps its whole read buffer alive until written, so that is what it counts.
        const held = frameRoom + buffer.length;
        inFlightDown += held;
        if (waitingBytes > 0) flushWaiting();
        sendDown(buffer.subarray(0, length), held, buffer);
      } else {
        // A small read is copied out, so a mostly empty read buffer is not held while it waits (and the
        // buffer small reads share is free for the next read).
        const chunk = Buffer.from(buffer.subarray(0, length));
        recycleReadBuffer(buffer);
        inFlightDown += length;
        if (framesInFlight === 0) sendDown(chunk, length);
        else {
          waiting.push(chunk);
          waitingBytes += length;
        }
      }
      if (!tcpPaused && inFlightDown > settings.bufferLimitBytes) {
        tcpPaused = true;
        socket.pause();
      }
    };
    socket.on('drain', () => resumePageIfRoom(socket));
    socket.on('timeout', () => {
      if (finished) socket.destroy();
      else finish(CloseCode.timeout, 'idle timeout');
    });
    socket.on('error', (error: NodeJS.ErrnoException) =>
      finish(CloseCode.peerReset, `connection to host failed: ${error.code ?? 'error'}`),
    );
    socket.on('close', () => {
      // Whatever the host sent before its FIN goes out ahead of the close frame.
      if (!finished && waitingBytes > 0 && ws.isOpen) flushWaiting();
      finish(CloseCode.peerClosed, 'peer closed', true);
    });
    const held = pending;
    pending = [];
    pendingBytes = 0;
    for (const chunk of held) {
      record.bytesUp += chunk.length;
      socket.write(chunk);
    }
    resumePageIfRoom(socket);
  }

  /** Whether the page's bytes on their way to the host hold less memory than the limit. */
  function hostHasRoom(socket: Socket): boolean {
    return (
      socket.writableLength <= settings.bufferLimitBytes && ws.heldReadBytes <= settings.bufferLimitBytes
    );
  }

  function resumePageIfRoom(socket: Socket): void {
    if (hostHasRoom(socket)) ws.resume();
  }

  function tryConnect(addresses: { address: string; family: number }[], index: number): void {
    const next = addresses[index];
    if (finished || !next) return;
    const socket = connect({
      host: next.address,
      port: target.port,
      family: next.family,
      allowHalfOpen: false,
      onread: hostReads,
    });
    attempt = socket;
    socket.once('connect', () => {
      socket.removeAllListeners('error');
      attempt = null;
      if (finished) socket.destroy();
      else attach(socket, next.address);
    });
    socket.once('error', (error: NodeJS.ErrnoException) => {
      attempt = null;
      if (index + 1 < addresses.length) return tryConnect(addresses, index + 1);
      const { code, reason } = refusalCode(error);
      finish(code, reason);
    });
  }

  checkDestination(target, settings.policy).then(
    (destination) => {
      if (finished) return;
      if (!destination.ok) return finish(destination.code, destination.reason);
      tryConnect(destination.addresses, 0);
    },
    () => finish(CloseCode.internalError, 'destination check failed'),
  );

  return { shutdown: () => finish(CloseCode.goingAway, 'bridge shutting down') };
}
