// WebSocket framing for the bridge's side of a tunnel (RFC 6455 §5). The tunnel only carries a byte stream,
// so message boundaries do not matter to it: data frames are unmasked in place, slice by slice, and handed
// on as views into the chunks the socket read. Nothing is gathered into whole messages, so every uploaded
// byte is touched once (the unmask) instead of being copied into a message buffer first. The size limit
// still applies to whole messages: it is checked against each frame header before any of its payload is
// passed on.
import { CloseCode } from './close-codes';
import { unmaskFunction } from './fast-unmask';

export const Opcode = {
  continuation: 0x0,
  text: 0x1,
  binary: 0x2,
  close: 0x8,
  ping: 0x9,
  pong: 0xa,
} as const;

/** The page broke the protocol or a limit: the connection must be failed with `code` (RFC 6455 §7.1.7). */
export class FrameError extends Error {
  override name = 'FrameError';
  constructor(
    readonly code: number,
    message: string,
  ) {
    super(message);
  }
}

export interface FrameSink {
  /** Unmasked payload bytes of binary messages, in order; a view valid until the sink returns. */
  data(payload: Buffer): void;
  ping(payload: Buffer): void;
  /** A close frame: its status (1005 when it had none, §7.1.5) and reason. */
  close(code: number, reason: string): void;
}

/** §7.4.1/§7.4.2: codes a peer may send in a close frame (1004-1006 and 1015 are never sent). */
export function isSendableCloseCode(code: number): boolean {
  return (
    (code >= 1000 && code <= 1014 && code !== 1004 && code !== 1005 && code !== 1006) ||
    (code >= 3000 && code <= 4999)
  );
}

const strictUtf8 = new TextDecoder('utf-8', { fatal: true });
// Below this many bytes a JavaScript loop beats a call into the native unmask routine.
const nativeUnmaskFrom = 32;

/** Decodes the frames a page sends (client-to-server frames, which must be masked: §5.1). */
export class FrameDecoder {
  // The header being read: at most 2 + 8 (length) + 4 (mask) bytes.
  private readonly head = Buffer.allocUnsafe(14);
  private headLength = 0;
  private readonly key = Buffer.allocUnsafe(4);
  private readonly rotatedKey = Buffer.allocUnsafe(4);
  private opcode = 0;
  private fin = false;
  private payloadLeft = 0;
  private payloadOffset = 0;
  /** Bytes of the binary message in progress (for maxMessageBytes), or -1 when none is in progress. */
  private messageBytes = -1;
  // A control frame's payload, gathered because it is acted on as a whole (at most 125 bytes: §5.5).
  private control: Buffer[] = [];
  private stopped = false;

  constructor(
    private readonly sink: FrameSink,
    private readonly maxMessageBytes: number,
  ) {}

  /** Stops decoding: later bytes are ignored (after a close frame, or once the connection is failing). */
  stop(): void {
    this.stopped = true;
  }

  /** Decodes `chunk`, unmasking its data payload in place. Throws FrameError; decoding stops after one. */
  push(chunk: Buffer): void {
    let i = 0;
    const length = chunk.length;
    try {
      while (i < length && !this.stopped) {
        if (this.payloadLeft > 0) {
          const n = Math.min(this.payloadLeft, length - i);
          const payload = chunk.subarray(i, i + n);
          this.unmask(payload);
          this.payloadLeft -= n;
          this.payloadOffset += n;
          i += n;
          if (this.opcode === Opcode.binary || this.opcode === Opcode.continuation) this.sink.data(payload);
          // Copied: the chunk's memory may be reused once push() returns (ws-connection.ts).
          else this.control.push(Buffer.from(payload));
          if (this.payloadLeft === 0) this.endOfFrame();
          continue;
        }
        this.head[this.headLength++] = chunk[i++]!;
        // The first two bytes say enough to refuse a frame without waiting for the rest of its header.
        if (this.headLength === 2) this.checkFirstBytes();
        if (this.headLength >= this.headerSize()) this.startFrame();
      }
    } catch (error) {
      this.stopped = true;
      throw error;
    }
  }

  private headerSize(): number {
    if (this.headLength < 2) return 2;
    const length7 = this.head[1]! & 0x7f;
    return 2 + (length7 === 126 ? 2 : length7 === 127 ? 8 : 0) + 4;
  }

  private checkFirstBytes(): void {
    const b0 = this.head[0]!;
    const b1 = this.head[1]!;
    const opcode = b0 & 0x0f;
    // §5.2: RSV bits must be 0 unless an extension was negotiated; the bridge negotiates none.
    if (b0 & 0x70) throw new FrameError(CloseCode.protocolError, 'reserved bits set');
    if (!(b1 & 0x80)) throw new FrameError(CloseCode.protocolError, 'unmasked frame from the page');
    if ((opcode > Opcode.binary && opcode < Opcode.close) || opcode > Opcode.pong)
      throw new FrameError(CloseCode.protocolError, 'reserved opcode');
    // §5.5: control frames are never fragmented and carry at most 125 bytes.
    if (opcode >= Opcode.close && (!(b0 & 0x80) || (b1 & 0x7f) > 125))
      throw new FrameError(CloseCode.protocolError, 'bad control frame');
    if (opcode === Opcode.text) throw new FrameError(CloseCode.textFrame, 'binary frames only');
  }

  private startFrame(): void {
    const b0 = this.head[0]!;
    const b1 = this.head[1]!;
    this.headLength = 0;
    this.fin = (b0 & 0x80) !== 0;
    this.opcode = b0 & 0x0f;
    const length7 = b1 & 0x7f;
    let length = length7;
    let at = 2;
    if (length7 === 126) {
      length = this.head.readUInt16BE(2);
      at = 4;
      // §5.2: "the minimal number of bytes MUST be used to encode the length".
      if (length < 126) throw new FrameError(CloseCode.protocolError, 'length encoding not minimal');
    } else if (length7 === 127) {
      const high = this.head.readUInt32BE(2);
      // §5.2: the most significant bit must be 0.
      if (high >= 0x80000000)
        throw new FrameError(CloseCode.protocolError, 'most significant bit of length set');
      // Anything past 2^32 is far beyond any allowed size anyway.
      if (high !== 0) throw new FrameError(CloseCode.messageTooBig, 'message too big');
      length = this.head.readUInt32BE(6);
      at = 10;
      if (length < 65536) throw new FrameError(CloseCode.protocolError, 'length encoding not minimal');
    }
    this.head.copy(this.key, 0, at, at + 4);
    this.payloadLeft = length;
    this.payloadOffset = 0;
    if (this.opcode >= Opcode.close) this.control = [];
    else {
      // Only binary and continuation frames get here (checkFirstBytes refused the rest).
      if (this.opcode === Opcode.continuation) {
        if (this.messageBytes < 0) throw new FrameError(CloseCode.protocolError, 'continuation of nothing');
      } else {
        if (this.messageBytes >= 0)
          throw new FrameError(CloseCode.protocolError, 'new message inside a message');
        this.messageBytes = 0;
      }
      this.messageBytes += length;
      if (this.messageBytes > this.maxMessageBytes)
        throw new FrameError(CloseCode.messageTooBig, 'message too big');
    }
    if (length === 0) this.endOfFrame();
  }

  private endOfFrame(): void {
    if (this.opcode < Opcode.close) {
      if (this.fin) this.messageBytes = -1;
      return;
    }
    const payload = this.control.length === 1 ? this.control[0]! : Buffer.concat(this.control);
    this.control = [];
    if (this.opcode === Opcode.ping) this.sink.ping(payload);
    else if (this.opcode === Opcode.close) {
      this.stopped = true;
      if (payload.length === 0) return this.sink.close(1005, '');
      if (payload.length === 1) throw new FrameError(CloseCode.protocolError, 'close frame of one byte');
      const code = payload.readUInt16BE(0);
      if (!isSendableCloseCode(code))
        throw new FrameError(CloseCode.protocolError, `invalid close code ${code}`);
      let reason: string;
      try {
        reason = strictUtf8.decode(payload.subarray(2));
      } catch {
        throw new FrameError(CloseCode.invalidPayload, 'close reason is not UTF-8');
      }
      this.sink.close(code, reason);
    }
    // Pongs need no answer (§5.5.3).
  }

  /** XORs `payload` with the frame's key, lined up with where the payload sits in the frame (§5.3). */
  private unmask(payload: Buffer): void {
    const shift = this.payloadOffset & 3;
    const key = this.key;
    if (payload.length < nativeUnmaskFrom) {
      for (let j = 0; j < payload.length; j++) payload[j]! ^= key[(shift + j) & 3]!;
      return;
    }
    if (shift === 0) return unmaskFunction(payload, key);
    const rotated = this.rotatedKey;
    for (let j = 0; j < 4; j++) rotated[j] = key[(shift + j) & 3]!;
    unmaskFunction(payload, rotated);
  }
}

/** The largest server-to-client frame header: room to leave in front of a payload for sendInPlace. */
export const frameRoom = 10;

/** Bytes of the header of an unmasked frame carrying `length` bytes (§5.2). */
export function headerSize(length: number): number {
  return length < 126 ? 2 : length < 65536 ? 4 : 10;
}

/** The header of an unmasked server-to-client frame with FIN set (§5.2). */
export function frameHeader(opcode: number, length: number): Buffer {
  const header = Buffer.allocUnsafe(headerSize(length));
  writeHeader(header, opcode, length);
  return header;
}

/** Writes that header at the start of `header`, which has exactly headerSize(length) bytes or more. */
export function writeHeader(header: Buffer, opcode: number, length: number): void {
  const size = headerSize(length);
  header[0] = 0x80 | opcode;
  if (size === 2) header[1] = length;
  else if (size === 4) {
    header[1] = 126;
    header.writeUInt16BE(length, 2);
  } else {
    header[1] = 127;
    header.writeUInt32BE(Math.floor(length / 2 ** 32), 2);
    header.writeUInt32BE(length >>> 0, 6);
  }
}

/** A close frame's payload: the status code and a reason of at most 123 bytes (§5.5.1). */
export function closePayload(code: number, reason: string): Buffer {
  const text = Buffer.from(reason, 'utf8');
  const payload = Buffer.allocUnsafe(2 + Math.min(text.length, 123));
  payload.writeUInt16BE(code, 0);
  text.copy(payload, 2, 0, 123);
  return payload;
}
