// Property-based fuzzing of the parsers a hostile server can reach: record framing, handshake framing and
// every handshake message parser. Any input must either parse or fail with a typed error — never a
// TypeError, RangeError or hang.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ByteReaderError } from '../bytes/reader';
import { ecdsaDerToP1363, ecdsaP1363ToDer, EcdsaSignatureError } from './ecdsa-der';
import { TlsError } from './errors';
import { HandshakeBuffer } from './handshake-framing';
import {
  parseCertificate,
  parseCertificateRequest,
  parseCertificateVerify,
  parseEncryptedExtensions,
  parseKeyUpdate,
  parseNewSessionTicket,
} from './handshake-messages';
import { RecordReader } from './record-layer';
import { parseServerHello } from './server-hello';

function typedOnly(run: () => unknown): void {
  try {
    run();
  } catch (error) {
    const typed =
      error instanceof TlsError || error instanceof ByteReaderError || error instanceof EcdsaSignatureError;
    if (!typed) throw error;
  }
}

const bytes = fc.uint8Array({ maxLength: 600 });

describe('parser fuzzing', () => {
  it('record reader', () => {
    fc.assert(
      fc.property(fc.array(bytes, { maxLength: 5 }), (chunks) => {
        const reader = new RecordReader();
        typedOnly(() => {
          for (const chunk of chunks) {
            reader.push(chunk);
            for (let record = reader.next(); record; record = reader.next()) {
              expect(record.fragment.length).toBeLessThanOrEqual(16640);
            }
          }
        });
      }),
      { numRuns: 500 },
    );
  });

  it('handshake reassembly', () => {
    fc.assert(
      fc.property(fc.array(bytes, { maxLength: 5 }), (chunks) => {
        const buffer = new HandshakeBuffer();
        typedOnly(() => {
          for (const chunk of chunks) {
            buffer.push(chunk);
            for (let message = buffer.next(); message; message = buffer.next()) {
              expect(message.raw.length).toBe(message.body.length + 4);
            }
          }
        });
      }),
      { numRuns: 500 },
    );
  });

  it('handshake message parsers', () => {
    const offered = new Set([0, 10, 13, 43, 51, 28]);
    fc.assert(
      fc.property(bytes, (body) => {
        typedOnly(() =>
          parseServerHello(body, {
            sessionId: new Uint8Array(0),
            cipherSuites: [0x1301],
            extensionTypes: offered,
          }),
        );
        typedOnly(() => parseEncryptedExtensions(body, offered));
        typedOnly(() => parseCertificateRequest(body));
        typedOnly(() => parseCertificate(body));
        typedOnly(() => parseCertificateVerify(body));
        typedOnly(() => parseNewSessionTicket(body, 0));
        typedOnly(() => parseKeyUpdate(body));
        typedOnly(() => ecdsaDerToP1363(body, 32));
      }),
      { numRuns: 1000 },
    );
  });

  it('structured ServerHello-like inputs with valid lengths', () => {
    const extension = fc.record({
      type: fc.integer({ min: 0, max: 0xffff }),
      data: fc.uint8Array({ maxLength: 40 }),
    });
    fc.assert(
      fc.property(
        fc.uint8Array({ minLength: 32, maxLength: 32 }),
        fc.array(extension, { maxLength: 4 }),
        (random, exts) => {
          const extBytes = exts.flatMap((e) => [
            e.type >> 8,
            e.type & 0xff,
            e.data.length >> 8,
            e.data.length & 0xff,
            ...e.data,
          ]);
          const body = Uint8Array.from([
            3,
            3,
            ...random,
            0,
            0x13,
            0x01,
            0,
            extBytes.length >> 8,
            extBytes.length & 0xff,
            ...extBytes,
          ]);
          typedOnly(() =>
            parseServerHello(body, {
              sessionId: new Uint8Array(0),
              cipherSuites: [0x1301],
              extensionTypes: new Set([43, 51]),
            }),
          );
        },
      ),
      { numRuns: 500 },
    );
  });

  it('ECDSA DER ↔ P1363 round-trips', () => {
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 64, maxLength: 64 }), (raw) => {
        const der = ecdsaP1363ToDer(raw);
        expect([...ecdsaDerToP1363(der, 32)]).toEqual([...raw]);
      }),
      { numRuns: 500 },
    );
  });
});
