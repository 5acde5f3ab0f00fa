// One tunnel: one WebSocket from the page, one TCP connection to a checked IP address. Bytes pass through
// untouched (they are TLS records; the bridge cannot read them). Either side closing closes the other, and
// each direction is flow-controlled so neither a slow page nor a slow host makes the bridge buffer more
// than about `bufferLimitBytes` plus one message per tunnel.
import { connect, type Socket } from 'node:net';
import type { RawData, WebSocket } from 'ws';
import { CloseCode, closeReason } from './close-codes';
import { checkDestination, type DestinationPolicy } from './destination';
import { formatTunnelLine, type TunnelRecord } from './log';
import type { HostPort } from './options';

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
// Host chunks at least this big are framed on their own rather than gathered (see attach()).
const coalesceBelowBytes = 16 * 1024;

function refusalCode(error: NodeJS.ErrnoException): { code: number; reason: string } {
  const what = error.code ?? 'error';
  if (what === 'ETIMEDOUT') return { code: CloseCode.timeout, reason: 'connect timed out' };
  return { code: CloseCode.refused, reason: `connect failed: ${what}` };
}

export function openTunnel(
  ws: WebSocket,
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
  let inFlightDown = 0;
  let tcpPaused = false;

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
    // A paused WebSocket would never read the page's answering close frame and would hold its slot until
    // ws's 30 s close timeout.
    if (ws.isPaused) ws.resume();
    if (ws.readyState === ws.OPEN || ws.readyState === ws.CONNECTING) ws.close(code, closeReason(reason));
  }

  ws.on('message', (data: RawData, isBinary: boolean) => {
    if (finished) return;
    if (!isBinary) return finish(CloseCode.textFrame, 'binary frames only');
    // ws hands over a Buffer (binaryType 'nodebuffer'); Buffer.from() on it would copy every uploaded byte.
    const chunk = Buffer.isBuffer(data)
      ? data
      : Array.isArray(data)
        ? Buffer.concat(data)
        : Buffer.from(data);
    if (!tcp) {
      // Not connected yet: hold what the page sent (usually its ClientHello) and stop reading more.
      pending.push(chunk);
      ws.pause();
      return;
    }
    record.bytesUp += chunk.length;
    if (!tcp.write(chunk)) ws.pause();
  });

  ws.on('error', (error: Error & { code?: string }) => {
    // `ws` closes the connection itself after protocol errors; remember why for the log line.
    if (error.code === 'WS_ERR_UNSUPPORTED_MESSAGE_LENGTH')
      finish(CloseCode.messageTooBig, 'message too big');
    else finish(CloseCode.internalError, `websocket error: ${error.code ?? error.message}`);
  });

  ws.on('close', (code: number, reason: Buffer) => {
    if (!finished) {
      // The page closed first. A clean close ends TCP after the last bytes; an abrupt one resets it.
      finished = true;
      record.closeCode = code;
      record.closeReason = `page closed${reason.length > 0 ? `: ${reason.toString('utf8')}` : ''}`;
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
    onClosed();
  });

  function attach(socket: Socket, address: string): void {
    tcp = socket;
    record.address = address;
    clearTimeout(connectTimer);
    socket.setNoDelay(true);
    socket.setTimeout(settings.idleTimeoutMs);
    // Host -> page. While a frame is still on its way into the kernel, later *small* chunks wait and leave
    // together as one frame: under load that means fewer frames (fewer writes here, fewer message events in
    // the page) and never an added delay when the path is idle. Large chunks go out as they are: copying
    // them into one buffer would cost a memcpy of every byte for no fewer syscalls (net.Socket already
    // writes queued frames with one writev).
    let waiting: Buffer[] = [];
    let waitingBytes = 0;
    let framesInFlight = 0;
    const sendDown = (data: Buffer) => {
      framesInFlight += 1;
      // The callback runs once `ws` has handed the frame to the kernel; until then it counts as queued.
      ws.send(data, { binary: true, compress: false, fin: true }, () => {
        framesInFlight -= 1;
        inFlightDown -= data.length;
        if (waitingBytes > 0 && framesInFlight === 0 && ws.readyState === ws.OPEN) flushWaiting();
        if (tcpPaused && inFlightDown <= settings.bufferLimitBytes / 2) {
          tcpPaused = false;
          socket.resume();
        }
      });
    };
    const flushWaiting = () => {
      const data = waiting.length === 1 ? waiting[0]! : Buffer.concat(waiting, waitingBytes);
      waiting = [];
      waitingBytes = 0;
      sendDown(data);
    };
    socket.on('data', (chunk: Buffer) => {
      if (finished || ws.readyState !== ws.OPEN) return;
      record.bytesDown += chunk.length;
      inFlightDown += chunk.length;
      if (framesInFlight === 0) sendDown(chunk);
      else if (chunk.length >= coalesceBelowBytes) {
        if (waitingBytes > 0) flushWaiting();
        sendDown(chunk);
      } else {
        waiting.push(chunk);
        waitingBytes += chunk.length;
      }
      if (!tcpPaused && inFlightDown > settings.bufferLimitBytes) {
        tcpPaused = true;
        socket.pause();
      }
    });
    socket.on('drain', () => ws.resume());
    socket.on('timeout', () => {
      if (finished) socket.destroy();
      else finish(CloseCode.timeout, 'idle timeout');
    });
    socket.on('error', (error: NodeJS.ErrnoException) =>
      finish(CloseCode.peerReset, `connection to host failed: ${error.code ?? 'error'}`),
    );
    socket.on('close', () => {
      // Whatever the host sent before its FIN goes out ahead of the close frame.
      if (!finished && waitingBytes > 0 && ws.readyState === ws.OPEN) flushWaiting();
      finish(CloseCode.peerClosed, 'peer closed', true);
    });
    const held = pending;
    pending = [];
    let flowing = true;
    for (const chunk of held) {
      record.bytesUp += chunk.length;
      flowing = socket.write(chunk);
    }
    if (flowing) ws.resume();
  }

  function tryConnect(addresses: { address: string; family: number }[], index: number): void {
    const next = addresses[index];
    if (finished || !next) return;
    const socket = connect({
      host: next.address,
      port: target.port,
      family: next.family,
      allowHalfOpen: false,
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
