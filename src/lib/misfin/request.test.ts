import { describe, expect, it } from 'vitest';
import { parseAddress } from './address';
import { MisfinRequestError } from './errors';
import { composeMessage } from './gemmail-format';
import {
  B_REQUEST_LIMIT,
  C_BODY_LIMIT,
  encodeProbe,
  encodeRequest,
  encodeRequestB,
  encodeRequestC,
  requestBudget,
} from './request';

const text = (bytes: Uint8Array) => new TextDecoder().decode(bytes);
const queen = parseAddress('queen@hive.com');

describe('Misfin(B) encoding', () => {
  it('matches the byte-exact vectors of the doc (§3, §22)', () => {
    expect(text(encodeRequestB(queen, "Where's the flowers at"))).toBe(
      "misfin://queen@hive.com Where's the flowers at\r\n",
    );
    expect(text(encodeRequestB(parseAddress('hello@misfin.org'), "What's up?"))).toBe(
      "misfin://hello@misfin.org What's up?\r\n",
    );
    expect(text(encodeRequestB(parseAddress('queen@localhost'), "# Hello\nWhere's the flowers at"))).toBe(
      "misfin://queen@localhost # Hello\nWhere's the flowers at\r\n",
    );
    expect(text(encodeRequestB(parseAddress('a@host:1960'), 'x'))).toBe('misfin://a@host:1960 x\r\n');
  });

  it('probes with one SP before CRLF (§19 #4)', () => {
    expect(text(encodeProbe(parseAddress('queen@localhost')))).toBe('misfin://queen@localhost \r\n');
  });

  it('refuses a CR in the message', () => {
    expect(() => encodeRequestB(queen, 'a\rb')).toThrow(MisfinRequestError);
    expect(() => encodeRequestB(queen, 'a\r\nb')).toThrow(/no carriage return/);
  });

  it('counts UTF-8 bytes of the whole request against 2048 (§19 #1)', () => {
    const overhead = 'misfin://queen@hive.com \r\n'.length;
    const fits = 'x'.repeat(B_REQUEST_LIMIT - overhead);
    expect(encodeRequestB(queen, fits).length).toBe(2048);
    try {
      encodeRequestB(queen, fits.slice(2) + 'é'.repeat(2) /* 2 bytes each: 2 over */);
      expect.unreachable();
    } catch (error) {
      expect(error).toBeInstanceOf(MisfinRequestError);
      expect((error as MisfinRequestError).excessBytes).toBe(2);
      expect((error as MisfinRequestError).message).toMatch(/cut 2 bytes/);
    }
  });
});

describe('Misfin(C) encoding', () => {
  it('writes address, TAB, byte length, CRLF, message (doc §4)', () => {
    expect(text(encodeRequestC(parseAddress('a@host'), ''))).toBe('misfin://a@host\t0\r\n');
    expect(text(encodeRequestC(queen, '\n\n\nhé\r\n'))).toBe('misfin://queen@hive.com\t8\r\n\n\n\nhé\r\n');
  });

  it('allows CRLF but refuses a bare CR', () => {
    expect(() => encodeRequestC(queen, 'a\rb')).toThrow(/not followed by a line feed/);
  });

  it('refuses more than 16384 message bytes and says how many to cut', () => {
    expect(encodeRequestC(queen, 'x'.repeat(C_BODY_LIMIT)).length).toBe(
      C_BODY_LIMIT + 'misfin://queen@hive.com\t16384\r\n'.length,
    );
    expect(() => encodeRequestC(queen, 'x'.repeat(C_BODY_LIMIT + 5))).toThrow(/cut 5 bytes/);
  });
});

describe('encodeRequest and requestBudget', () => {
  it('uses B when the whole request fits, with the budget of the whole request', () => {
    const mail = composeMessage({ subject: 'Hi', body: 'short', to: ['queen@hive.com'] });
    const budget = requestBudget(queen, mail);
    const used = 'misfin://queen@hive.com # Hi\nshort\r\n'.length;
    expect(budget).toEqual({ form: 'B', used, limit: 2048, remaining: 2048 - used, over: 0 });
    expect(text(encodeRequest(queen, mail).bytes)).toBe('misfin://queen@hive.com # Hi\nshort\r\n');
  });

  it('switches to C with the three metadata lines when B would be too long (doc §4.1)', () => {
    const body = 'y'.repeat(3000);
    const mail = composeMessage({ subject: 'Long', body, to: ['queen@hive.com', 'bee@hive.com'] });
    const budget = requestBudget(queen, mail);
    const message = `\nqueen@hive.com,bee@hive.com\n\n# Long\n${body}`;
    expect(budget).toEqual({
      form: 'C',
      used: message.length,
      limit: 16384,
      remaining: 16384 - message.length,
      over: 0,
    });
    const encoded = encodeRequest(queen, mail);
    expect(encoded.form).toBe('C');
    expect(text(encoded.bytes)).toBe(`misfin://queen@hive.com\t${message.length}\r\n${message}`);
  });

  it('reports how far over the C limit a message is, and refuses to encode it', () => {
    const mail = composeMessage({ body: 'z'.repeat(C_BODY_LIMIT), to: ['queen@hive.com'] });
    expect(requestBudget(queen, mail)).toMatchObject({ form: 'C', over: 3, remaining: 0 });
    expect(() => encodeRequest(queen, mail)).toThrow(/cut 3 bytes/);
  });

  it('turns CRLF line ends from a text area into LF so the message fits B', () => {
    const mail = composeMessage({ body: 'one\r\ntwo\rthree', to: ['queen@hive.com'] });
    expect(text(encodeRequest(queen, mail).bytes)).toBe('misfin://queen@hive.com one\ntwo\nthree\r\n');
  });
});
