// The page's end of one tunnel: a server-side WebSocket connection (RFC 6455) on the socket the HTTP server
// handed over after the 101. Only what a byte tunnel needs: binary data both ways with flow control, ping
// answers, and the closing handshake with a deadline. Frames are decoded by ws-frames.ts without gathering
// messages; frames to the page are written as header + payload in one writev, without copying the payload.
// Reads from the page go into reused buffers where the connection allows it (socket-reads.ts), lent out as
// views (read-leases.ts).
import type { Socket } from 'node:net';
import { withOwnReadBuffers } from './socket-reads';
import { ReadLeases } from './read-leases';
import {
  closePayload,
  frameHeader,
  FrameDecoder,
  FrameError,
  frameRoom,
  headerSize,
  Opcode,
  writeHeader,
} from './ws-frames';

export interface PageConnectionEvents {
  /**
   * Payload bytes of binary messages from the page, as they arrive (message boundaries are not kept). The
   * view is valid until this returns: keep() gives one that may be kept longer.
   */
  data(chunk: Buffer): void;
  /** Everything one read from the page held has been delivered (a chance to write it on as one batch). */
  readDone?(): void;
  /** A read buffer held through keep() has been let go of (heldReadBytes went down). */
  readsReleased?(): void;
  /** The page broke the protocol or a limit; a close frame with `code` has been sent (RFC 6455 §7.1.7). */
  failed(code: number, reason: string): void;
  /** The socket has closed: with the page's close status, or 1006 when no close frame came (§7.1.5). */
  closed(code: number, reason: string): void;
}

// Payloads smaller than this are copied behind their header and written as one buffer; larger ones go out
// as two buffers in one writev, so their bytes are never copied in user space.
const copyBelowBytes = 4096;
// Pings are not answered while more than this is waiting to be written to the page.
const unansweredPingBytes = 64 * 1024;

export class PageConnection {
  private readonly socket: Socket;
  /** Whether reads go into buffers from read-buffers.ts (else Node's own, one fresh buffer per read). */
  readonly ownsReadBuffers: boolean;
  private readonly reads = new ReadLeases(() => this.events?.readsReleased?.());
  private head: Buffer | null = null;
  private state: 'open' | 'closing' | 'closed' = 'open';
  private closeSent = false;
  private closeReceived = false;
  private peerCode = 1006;
  private peerReason = '';
  private paused = false;
  private deadline: NodeJS.Timeout | undefined;
  private readonly decoder: FrameDecoder;
  private events: PageConnectionEvents | undefined;

  /**
   * @param head bytes that arrived after the handshake, already read by the HTTP parser
   * @param closeTimeoutMs how long the closing handshake may take before the socket is dropped
   */
  constructor(
    socket: Socket,
    head: Buffer,
    maxMessageBytes: number,
    private readonly closeTimeoutMs = 10_000,
  ) {
    const adopted = withOwnReadBuffers(socket, {
      buffer: () => this.reads.nextBuffer(),
      callback: (length, buffer) => {
        this.reads.deliver(length, buffer as Buffer, (chunk) => this.onChunk(chunk));
        return true;
      },
    });
    this.socket = adopted ?? socket;
    this.ownsReadBuffers = adopted !== null;
    socket = this.socket;
    this.decoder = new FrameDecoder(
      {
        data: (payload) => {
          if (this.state === 'open') this.events?.data(payload);
        },
        ping: (payload) => {
          // §5.5.3 lets an endpoint skip pongs for pings it has not answered yet: a page that sends pings
          // and never reads must not make the bridge queue answers without bound.
          if (this.socket.writableLength <= unansweredPingBytes) this.writeControl(Opcode.pong, payload);
        },
        close: (code, reason) => this.onCloseFrame(code, reason),
      },
      maxMessageBytes,
    );
    socket.on('error', () => {}); // 'close' follows and reports 1006
    socket.setTimeout(0);
    socket.setNoDelay(true);
    // Decoded in start(), once listeners are in place and before anything read later.
    if (head.length > 0) this.head = head;
    socket.pause();
  }

  /** Writes the server's handshake response (the 101), ahead of any frame. */
  acceptUpgrade(response: string): void {
    this.socket.write(response);
  }

  /** Starts reading; nothing is delivered before this. */
  start(events: PageConnectionEvents): void {
    this.events = events;
    const socket = this.socket;
    if (!this.ownsReadBuffers) socket.on('data', (chunk: Buffer) => this.onChunk(chunk));
    socket.on('end', () => {
      // A FIN without a close frame is an abnormal closure; after one, the closing handshake is done.
      if (this.closeReceived) socket.end();
      else socket.destroy();
    });
    socket.on('close', () => this.reportClosed());
    if (this.head) {
      const head = this.head;
      this.head = null;
      this.onChunk(head);
    }
    // A socket that closed before start() (the page hung up at once) emits no further 'close'.
    if (socket.closed) queueMicrotask(() => this.reportClosed());
    else if (!this.paused) socket.resume();
  }

  /** A chunk from data() in a form that may be kept after data() returns (see ReadLeases.keep). */
  keep(chunk: Buffer): { bytes: Buffer; release: () => void } {
    return this.reads.keep(chunk);
  }

  /** Bytes of read buffers held by chunks from keep() that are not released yet. */
  get heldReadBytes(): number {
    return this.reads.heldBytes;
  }

  private reportClosed(): void {
    if (this.state === 'closed') return;
    this.state = 'closed';
    clearTimeout(this.deadline);
    const code = this.closeReceived ? this.peerCode : 1006;
    this.events?.closed(code, this.closeReceived ? this.peerReason : '');
  }

  get isOpen(): boolean {
    return this.state === 'open';
  }

  get isPaused(): boolean {
    return this.paused;
  }

  /** Stops reading from the page (flow control towards the host). */
  pause(): void {
    this.paused = true;
    if (this.state === 'open') this.socket.pause();
  }

  resume(): void {
    this.paused = false;
    if (this.events) this.socket.resume();
  }

  /**
   * Sends `data` as one binary frame. `written` runs once the frame has been handed to the kernel; frames
   * offered after the connection started closing are dropped and their callback never runs.
   */
  send(data: Buffer, written: () => void): void {
    if (this.state !== 'open') return;
    const header = frameHeader(Opcode.binary, data.length);
    if (data.length < copyBelowBytes) {
      this.socket.write(Buffer.concat([header, data], header.length + data.length), () => written());
      return;
    }
    this.socket.cork();
    this.socket.write(header);
    this.socket.write(data, () => written());
    this.socket.uncork();
  }

  /**
   * Like send(), for a payload that has frameRoom spare bytes in front of it in its buffer (the tunnel's
   * read buffers): the header is written there and header + payload leave as one contiguous write.
   */
  sendInPlace(payload: Buffer, written: () => void): void {
    if (this.state !== 'open') return;
    const size = headerSize(payload.length);
    if (payload.byteOffset < frameRoom) throw new RangeError('no room for the frame header');
    const frame = Buffer.from(payload.buffer, payload.byteOffset - size, size + payload.length);
    writeHeader(frame, Opcode.binary, payload.length);
    this.socket.write(frame, () => written());
  }

  /** Starts the closing handshake (§7.1.2): sends a close frame and waits for the page's, within the deadline. */
  close(code: number, reason: string): void {
    if (this.state !== 'open') return;
    this.state = 'closing';
    this.writeClose(code, reason);
    // The page's close frame may sit behind data the bridge stopped reading: read on, and drop the data.
    this.socket.resume();
    this.armDeadline();
  }

  /** Drops the connection without a closing handshake. */
  terminate(): void {
    this.socket.destroy();
  }

  private onChunk(chunk: Buffer): void {
    try {
      this.decoder.push(chunk);
    } catch (error) {
      if (!(error instanceof FrameError)) throw error;
      this.fail(error.code, error.message);
    } finally {
      this.events?.readDone?.();
    }
  }

  private fail(code: number, reason: string): void {
    const wasOpen = this.state === 'open';
    this.state = 'closing';
    this.decoder.stop();
    this.writeClose(code, reason);
    // §7.1.7: after failing, the connection is closed without waiting for the page's close frame.
    this.socket.end();
    this.armDeadline();
    if (wasOpen) this.events?.failed(code, reason);
  }

  private onCloseFrame(code: number, reason: string): void {
    this.closeReceived = true;
    this.peerCode = code;
    this.peerReason = reason;
    this.state = 'closing';
    // §5.5.1: answer with a close frame echoing the status, then the server closes TCP first (§7.1.1).
    if (!this.closeSent) this.writeClose(code === 1005 ? 0 : code, '');
    this.socket.end();
    this.armDeadline();
  }

  private writeClose(code: number, reason: string): void {
    if (this.closeSent) return;
    this.closeSent = true;
    this.writeControl(Opcode.close, code === 0 ? Buffer.alloc(0) : closePayload(code, reason));
  }

  private writeControl(opcode: number, payload: Buffer): void {
    if (this.socket.writable && (opcode === Opcode.close || !this.closeSent))
      this.socket.write(Buffer.concat([frameHeader(opcode, payload.length), payload]));
  }

  private armDeadline(): void {
    if (this.deadline) return;
    this.deadline = setTimeout(() => this.socket.destroy(), this.closeTimeoutMs);
  }
}
