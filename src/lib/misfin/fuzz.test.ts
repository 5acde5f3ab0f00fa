import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseAddress, parseMisfinLink } from './address';
import { AddressError, GemmailError, MisfinProtocolError, MisfinRequestError } from './errors';
import { parseGemmailB, parseGemmailC } from './gemmail';
import { formatGemmailB, formatGemmailC } from './gemmail-format';
import { makeForward, makeReply, threadKey } from './reply';
import { encodeRequest } from './request';
import { parseRequest } from './request-parser';
import { parseResponse } from './response';

const typed = [AddressError, GemmailError, MisfinProtocolError, MisfinRequestError];

/** Runs fn; only a result or one of our typed errors is acceptable. */
function resultOrTyped(fn: () => unknown): void {
  try {
    fn();
  } catch (error) {
    if (!typed.some((t) => error instanceof t)) throw error;
  }
}

const RUNS = { numRuns: 500 };
const text = fc.string({ unit: 'binary', maxLength: 300 });
const markerText = fc
  .array(fc.constantFrom('< ', ': ', '@ ', 'a@b', ',', ' ', '\n', '\r\n', '#', 'x', 'é', '[::1]', ':1958'), {
    maxLength: 40,
  })
  .map((parts) => parts.join(''));
const requestLike = fc
  .tuple(
    fc.constantFrom('misfin://', 'MISFIN://', 'misfin:', ''),
    fc.array(fc.constantFrom('a', '@', 'h', ' ', '\t', '\r', '\n', '1', '0', '9', ':', 'é'), {
      maxLength: 30,
    }),
  )
  .map(([p, parts]) => new TextEncoder().encode(p + parts.join('')));

describe('fuzzing: parsers return a result or a typed error', () => {
  it('parseAddress / parseMisfinLink', () => {
    fc.assert(
      fc.property(fc.oneof(text, markerText), (s) => resultOrTyped(() => parseAddress(s))),
      RUNS,
    );
    fc.assert(
      fc.property(fc.oneof(text, markerText), (s) => resultOrTyped(() => parseMisfinLink(s))),
      RUNS,
    );
  });

  it('parseRequest on random and request-like bytes', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 300 }), (b) => resultOrTyped(() => parseRequest(b))),
      RUNS,
    );
    fc.assert(
      fc.property(requestLike, (b) => resultOrTyped(() => parseRequest(b))),
      RUNS,
    );
  });

  it('parseResponse on random and response-like bytes', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 300 }), (b) => resultOrTyped(() => parseResponse(b))),
      RUNS,
    );
    const line = fc
      .tuple(fc.integer({ min: 0, max: 99 }), fc.constantFrom('', ' '), markerText)
      .map(([n, sp, rest]) => new TextEncoder().encode(`${String(n).padStart(2, '0')}${sp}${rest}\r\n`));
    fc.assert(
      fc.property(line, (b) => resultOrTyped(() => parseResponse(b))),
      RUNS,
    );
  });

  it('gemmail parsers, and reply/forward/thread on whatever they return', () => {
    fc.assert(
      fc.property(fc.oneof(text, markerText), (s) => {
        for (const parse of [parseGemmailB, parseGemmailC]) {
          resultOrTyped(() => {
            const mail = parse(s);
            makeReply(mail, 'me@h', { all: true });
            makeForward(mail);
            threadKey(mail, 'me@h');
          });
        }
      }),
      RUNS,
    );
  });
});

describe('fuzzing: round trips', () => {
  const address = fc
    .tuple(fc.stringMatching(/^[a-z0-9._-]{1,10}$/), fc.stringMatching(/^[a-z0-9]{1,10}(\.[a-z]{2,5})?$/))
    .map(([m, h]) => `${m}@${h}`);
  const mail = fc.record({
    senders: fc.array(
      fc.record({
        address,
        name: fc.option(fc.stringMatching(/^[A-Za-z][A-Za-z ]{0,10}[A-Za-z]$/), { nil: undefined }),
      }),
      { maxLength: 3 },
    ),
    recipients: fc.array(address, { maxLength: 3 }),
    timestamps: fc.array(
      fc.date({ min: new Date(0), max: new Date(4e12), noInvalidDate: true }).map((d) => d.toISOString()),
      { maxLength: 2 },
    ),
    body: fc.string({ maxLength: 200 }).map((s) => s.replace(/\r/g, '')),
  });

  it('parse(format(mail)) gives the metadata back in both forms', () => {
    fc.assert(
      fc.property(mail, (m) => {
        const clean = {
          ...m,
          senders: m.senders.map((s) => (s.name === undefined ? { address: s.address } : s)),
        };
        const c = parseGemmailC(formatGemmailC(clean));
        expect(c.senders).toEqual(clean.senders);
        expect(c.recipients).toEqual(clean.recipients);
        expect(c.timestamps).toEqual(clean.timestamps);
        expect(c.body).toBe(clean.body);
        const b = parseGemmailB(formatGemmailB(clean));
        expect(b.senders).toEqual(clean.senders);
        if (!/^[<:@]/.test(clean.body)) expect(b.body).toBe(clean.body);
      }),
      RUNS,
    );
  });

  it('every proper prefix of an encoded request asks for more bytes', () => {
    fc.assert(
      fc.property(address, fc.string({ maxLength: 3000 }), fc.nat(), (to, body, cut) => {
        const { bytes } = encodeRequest(parseAddress(to), { body: body.replace(/\r/g, '') });
        expect(parseRequest(bytes.subarray(0, cut % bytes.length))).toEqual({ kind: 'need-more' });
      }),
      { numRuns: 200 },
    );
  });

  it('encodeRequest output parses back to the same address and message', () => {
    fc.assert(
      fc.property(address, fc.string({ maxLength: 4000 }), (to, body) => {
        const target = parseAddress(to);
        const out = { body: body.replace(/\r/g, '') };
        const encoded = encodeRequest(target, out);
        const parsed = parseRequest(encoded.bytes);
        expect(parsed.kind).toBe('parsed');
        if (parsed.kind === 'parsed') {
          expect(parsed.form).toBe(encoded.form);
          expect(parsed.address).toEqual(target);
          expect(parsed.message).toBe(encoded.form === 'B' ? formatGemmailB(out) : formatGemmailC(out));
        }
      }),
      { numRuns: 200 },
    );
  });
});
