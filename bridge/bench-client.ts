// A deliberately thin WebSocket client (RFC 6455) for bench/bridge.bench.ts. The benchmark runs the page,
// the bridge (or websockify) and the TCP target on the same small machine, so every cycle the client spends
// is taken from the server being measured. `ws` as a client re-assembles each frame into one Buffer (a copy
// of every downloaded byte) and emits an event per message; a browser does that work natively on its own
// thread. This client only walks frame headers and hands out views into the socket's chunks, and masks
// uploads with the same native routine `ws` uses, so both servers face the same, cheap client.
import { randomBytes, randomFillSync } from 'node:crypto';
import { connect, type Socket } from 'node:net';
import { maskFunction } from './fast-unmask';

export interface ThinWebSocket {
  /** Sends one binary frame; false when enough is queued that the caller should wait for whenWritable(). */
  send(data: Buffer): boolean;
  /** Payload bytes of data frames, as views into the read buffer, valid until the listener returns. */
  onData(listener: (data: Buffer) => void): void;
  whenWritable(): Promise<void>;
  close(): void;
}

const OPCODE_CLOSE = 0x8;
const readBufferBytes = 1024 * 1024;

/** Opens ws://host:port/path and completes the opening handshake (RFC 6455 §4.1). */
export function openThinWebSocket(url: string, origin?: string, timeoutMs = 10_000): Promise<ThinWebSocket> {
  const target = new URL(url);
  // Every read lands in one reused buffer and is walked before the next read: no allocation per read, and
  // far fewer reads than Node's default 64 KB ones. What a read held is handed to `onRead`.
  let onRead: (chunk: Buffer) => void = () => {};
  const socket: Socket = connect({
    port: Number(target.port),
    host: target.hostname,
    onread: {
      buffer: Buffer.allocUnsafe(readBufferBytes),
      callback: (length, buffer) => {
        onRead((buffer as Buffer).subarray(0, length));
        return true;
      },
    },
  });
  socket.setNoDelay(true);
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      socket.destroy();
      reject(new Error(`WebSocket handshake with ${url} timed out`));
    }, timeoutMs);
    socket.once('error', (error) => {
      clearTimeout(timer);
      reject(error);
    });
    socket.once('connect', () => {
      socket.write(
        `GET ${target.pathname}${target.search} HTTP/1.1\r\nHost: ${target.host}\r\n` +
          `Upgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Version: 13\r\n` +
          `Sec-WebSocket-Key: ${randomBytes(16).toString('base64')}\r\n` +
          (origin ? `Origin: ${origin}\r\n` : '') +
          '\r\n',
      );
    });
    let response = Buffer.alloc(0);
    onRead = (chunk: Buffer) => {
      response = Buffer.concat([response, chunk]);
      const end = response.indexOf('\r\n\r\n');
      if (end < 0) return;
      clearTimeout(timer);
      onRead = () => {};
      const statusLine = response.subarray(0, response.indexOf('\r\n')).toString('latin1');
      if (!/^HTTP\/1\.1 101 /.test(statusLine)) {
        socket.destroy();
        return reject(new Error(`WebSocket handshake refused: ${statusLine}`));
      }
      resolve(framed(socket, response.subarray(end + 4), (handler) => (onRead = handler)));
    };
  });
}

function framed(
  socket: Socket,
  early: Buffer,
  setReader: (handler: (chunk: Buffer) => void) => void,
): ThinWebSocket {
  const listeners: ((data: Buffer) => void)[] = [];
  // Frame header being read (at most 2 + 8 + 4 bytes), then how much payload of that frame is left.
  const head = Buffer.alloc(14);
  let headLength = 0;
  let payloadLeft = 0;
  let isData = false;
  const headerSize = () => {
    if (headLength < 2) return 2;
    const length7 = head[1]! & 0x7f;
    return 2 + (length7 === 126 ? 2 : length7 === 127 ? 8 : 0) + (head[1]! & 0x80 ? 4 : 0);
  };
  const onChunk = (chunk: Buffer) => {
    let i = 0;
    while (i < chunk.length) {
      if (payloadLeft > 0) {
        const n = Math.min(payloadLeft, chunk.length - i);
        if (isData) for (const listener of listeners) listener(chunk.subarray(i, i + n));
        payloadLeft -= n;
        i += n;
        continue;
      }
      head[headLength++] = chunk[i++]!;
      if (headLength < headerSize()) continue;
      const length7 = head[1]! & 0x7f;
      payloadLeft =
        length7 === 126 ? head.readUInt16BE(2) : length7 === 127 ? Number(head.readBigUInt64BE(2)) : length7;
      isData = (head[0]! & 0x0f) < OPCODE_CLOSE;
      headLength = 0;
    }
  };
  setReader(onChunk);
  const frames = new FrameSlabs();
  let corked = false;
  return {
    send(data) {
      const extended = data.length < 126 ? 0 : data.length < 65536 ? 2 : 8;
      const headerBytes = 2 + extended + 4;
      const { frame, written } = frames.take(headerBytes + data.length);
      frame[0] = 0x82; // FIN + binary
      if (extended === 0) frame[1] = 0x80 | data.length;
      else if (extended === 2) {
        frame[1] = 0x80 | 126;
        frame.writeUInt16BE(data.length, 2);
      } else {
        frame[1] = 0x80 | 127;
        frame.writeBigUInt64BE(BigInt(data.length), 2);
      }
      // §5.3: a fresh unpredictable key per frame, as a browser does.
      const key = frames.maskKey();
      key.copy(frame, 2 + extended);
      maskFunction(data, key, frame, headerBytes, data.length);
      // Frames sent in one turn of the event loop leave together, in one writev.
      if (!corked) {
        corked = true;
        socket.cork();
        process.nextTick(() => {
          corked = false;
          socket.uncork();
        });
      }
      socket.write(frame, written);
      // Keep a few frames queued so the pipe never runs dry while waiting for 'drain' (which only fires
      // once everything queued is in the kernel).
      return socket.writableLength < 1024 * 1024;
    },
    onData(listener) {
      listeners.push(listener);
      if (early.length > 0) {
        const pending = early;
        early = Buffer.alloc(0);
        onChunk(pending);
      }
    },
    whenWritable: () => new Promise((resolve) => socket.once('drain', () => resolve())),
    close() {
      // A masked close frame with no status, then FIN.
      socket.end(Buffer.from([0x88, 0x80, 0, 0, 0, 0]));
      setTimeout(() => socket.destroy(), 1_000).unref();
    },
  };
}

/**
 * Outgoing frames are built in reused 1 MB slabs instead of one new buffer per frame: a fresh 64 KB buffer
 * per frame costs an allocation, page faults on first touch and garbage collection, all on the CPU the
 * server being measured shares. A full slab is reused once every frame cut from it has been written.
 */
class FrameSlabs {
  private static readonly slabBytes = 1024 * 1024;
  private readonly spare: Slab[] = [];
  private current: Slab = { bytes: Buffer.allocUnsafe(FrameSlabs.slabBytes), used: 0, unwritten: 0 };
  // Mask keys are cut from a block of random bytes filled in one call.
  private readonly keys = Buffer.allocUnsafe(4096);
  private keyOffset = this.keys.length;

  /** Room for one frame, and the callback to run once the frame has been written. */
  take(size: number): { frame: Buffer; written: () => void } {
    if (size > FrameSlabs.slabBytes) return { frame: Buffer.allocUnsafe(size), written: () => {} };
    if (this.current.used + size > FrameSlabs.slabBytes) {
      const full = this.current;
      this.current = this.spare.pop() ?? {
        bytes: Buffer.allocUnsafe(FrameSlabs.slabBytes),
        used: 0,
        unwritten: 0,
      };
      this.current.used = 0;
      if (full.unwritten === 0) this.spare.push(full);
    }
    const slab = this.current;
    const frame = slab.bytes.subarray(slab.used, slab.used + size);
    slab.used += size;
    slab.unwritten += 1;
    return {
      frame,
      written: () => {
        slab.unwritten -= 1;
        if (slab.unwritten === 0 && slab !== this.current) this.spare.push(slab);
      },
    };
  }

  /** A fresh 4-byte masking key (valid until the next call). */
  maskKey(): Buffer {
    if (this.keyOffset === this.keys.length) {
      randomFillSync(this.keys);
      this.keyOffset = 0;
    }
    this.keyOffset += 4;
    return this.keys.subarray(this.keyOffset - 4, this.keyOffset);
  }
}

interface Slab {
  bytes: Buffer;
  used: number;
  /** Frames cut from it that are not written yet. */
  unwritten: number;
}
