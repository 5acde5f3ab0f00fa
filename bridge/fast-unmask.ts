// Unmasks WebSocket frames from the page. RFC 6455 §5.3 has every client frame XORed with a 4-byte key, so
// the bridge touches every uploaded byte once (ws-frames.ts, in place). The native `bufferutil` addon (a
// dependency, loaded from its prebuilt binary) is used when it loads; otherwise a JavaScript loop four bytes
// at a time. Masking (the client side, used by the benchmark's clients) goes the same way. The `ws` library,
// still used as a client by tests and the benchmark, looks for a runtime-provided
// `websocketMask`/`websocketUnmask` on node:http when it loads, so importing this module before `ws` gives
// those clients the same routines.
import http from 'node:http';
import { createRequire } from 'node:module';
import { endianness } from 'node:os';

type MaskFunction = (source: Buffer, mask: Buffer, output: Buffer, offset: number, length: number) => void;
type UnmaskFunction = (buffer: Buffer, mask: Buffer) => void;

/** XORs `buffer` in place with the repeating 4-byte `mask`. */
export function unmaskInPlace(buffer: Uint8Array, mask: Uint8Array): void {
  const length = buffer.length;
  let i = 0;
  const head = Math.min((4 - (buffer.byteOffset & 3)) & 3, length);
  for (; i < head; i++) buffer[i]! ^= mask[i & 3]!;
  const words = (length - i) >>> 2;
  if (words > 0) {
    // The key as one word in the machine's own byte order, rotated to line up with byte i.
    const keyBytes = new Uint8Array(4);
    for (let k = 0; k < 4; k++) keyBytes[k] = mask[(i + k) & 3]!;
    const key = new Uint32Array(keyBytes.buffer)[0]!;
    const view = new Uint32Array(buffer.buffer, buffer.byteOffset + i, words);
    for (let k = 0; k < words; k++) view[k]! ^= key;
    i += words * 4;
  }
  for (; i < length; i++) buffer[i]! ^= mask[i & 3]!;
}

/** Writes `source` XOR the repeating `mask` into `output` at `offset` (what a WebSocket client does). */
export function maskInto(
  source: Uint8Array,
  mask: Uint8Array,
  output: Uint8Array,
  offset: number,
  length: number,
) {
  const target = output.subarray(offset, offset + length);
  // XOR is its own inverse: copy, then reuse the in-place loop (a copy is far cheaper than a byte loop).
  target.set(source.subarray(0, length));
  unmaskInPlace(target, mask);
}

/** The native addon, or null when it is missing or only its JavaScript fallback would load. */
function nativeBufferUtil(): { mask: MaskFunction; unmask: UnmaskFunction } | null {
  try {
    const addon = createRequire(import.meta.url)('bufferutil') as {
      mask: MaskFunction;
      unmask: UnmaskFunction;
    };
    // bufferutil falls back to a byte loop in JavaScript when its binary cannot load; ours is faster then.
    return /\[native code\]/.test(Function.prototype.toString.call(addon.unmask)) ? addon : null;
  } catch {
    return null;
  }
}

const hooks = http as unknown as { websocketMask?: MaskFunction; websocketUnmask?: UnmaskFunction };
const native = nativeBufferUtil();
/** Which unmask routine `ws` will use (printed by the benchmark). */
export const unmaskImplementation = native ? 'bufferutil (native)' : 'JavaScript, 4 bytes at a time';
if (!hooks.websocketMask && !hooks.websocketUnmask) {
  if (native) {
    hooks.websocketMask = native.mask;
    hooks.websocketUnmask = native.unmask;
  } else if (endianness() === 'LE') {
    hooks.websocketMask = maskInto;
    hooks.websocketUnmask = unmaskInPlace;
  }
}

/** The masking routine in use, for clients that build frames themselves (bridge/bench-client.ts). */
export const maskFunction: MaskFunction = native ? native.mask : maskInto;
/** The unmasking routine in use, for the bridge's own frame decoder (bridge/ws-frames.ts). */
export const unmaskFunction: UnmaskFunction = native ? native.unmask : unmaskInPlace;
