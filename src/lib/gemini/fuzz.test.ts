import fc from 'fast-check';
import { describe, it } from 'vitest';
import { GemmailError } from '../misfin/errors';
import { GeminiProtocolError, GmapError } from './errors';
import { gemtextToPlain, parseGemtext } from './gemtext';
import { parseGmapIdList, parseGmapMessage } from './gmap';
import { encodeGeminiRequest, geminiTarget } from './request';
import { decodeGeminiText, parseGeminiResponse, parseMimeType } from './response';

const typed = [GeminiProtocolError, GmapError, GemmailError];

function resultOrTyped(fn: () => unknown): void {
  try {
    fn();
  } catch (error) {
    if (!typed.some((t) => error instanceof t)) throw error;
  }
}

const RUNS = { numRuns: 500 };
const text = fc.string({ unit: 'binary', maxLength: 300 });
const gemtextLike = fc
  .array(fc.constantFrom('#', '##', '=>', '* ', '>', '```', ' ', '\n', '\r\n', 'x', 'gemini://h/', 'é'), {
    maxLength: 40,
  })
  .map((p) => p.join(''));

describe('fuzzing: Gemini parsers return a result or a typed error', () => {
  it('gemtext never throws', () => {
    fc.assert(
      fc.property(fc.oneof(text, gemtextLike), (s) => {
        parseGemtext(s);
        gemtextToPlain(s);
      }),
      RUNS,
    );
  });

  it('responses, MIME types and text decoding', () => {
    const headerLike = fc
      .tuple(
        fc.integer({ min: 0, max: 99 }),
        fc.constantFrom('', ' '),
        gemtextLike,
        fc.uint8Array({ maxLength: 20 }),
      )
      .map(([n, sp, meta, body]) => {
        const head = new TextEncoder().encode(`${String(n).padStart(2, '0')}${sp}${meta}\r\n`);
        return new Uint8Array([...head, ...body]);
      });
    for (const input of [fc.uint8Array({ maxLength: 300 }), headerLike]) {
      fc.assert(
        fc.property(input, (b) => resultOrTyped(() => decodeGeminiText(parseGeminiResponse(b, 10)))),
        RUNS,
      );
    }
    fc.assert(
      fc.property(text, (s) => resultOrTyped(() => parseMimeType(s))),
      RUNS,
    );
  });

  it('request encoding and GMAP answers', () => {
    fc.assert(
      fc.property(fc.oneof(text, gemtextLike), (s) => resultOrTyped(() => encodeGeminiRequest(s))),
      RUNS,
    );
    fc.assert(
      fc.property(fc.oneof(text, gemtextLike), (s) => resultOrTyped(() => geminiTarget(s))),
      RUNS,
    );
    fc.assert(
      fc.property(text, (s) => resultOrTyped(() => parseGmapIdList(s))),
      RUNS,
    );
    fc.assert(
      fc.property(text, (s) => resultOrTyped(() => parseGmapMessage(s))),
      RUNS,
    );
  });
});
