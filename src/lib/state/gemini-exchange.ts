/** A Gemini answer: `<STATUS><SPACE><META><CR><LF>` then, for 2x, the body (Gemini spec §3). */
export interface GeminiAnswer {
  status: number;
  meta: string;
  body: Uint8Array;
}

export class GeminiAnswerError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'GeminiAnswerError';
  }
}

const decoder = new TextDecoder();

export function parseGeminiAnswer(bytes: Uint8Array): GeminiAnswer {
  let end = -1;
  for (let i = 0; i + 1 < bytes.length && i < 1029; i++) {
    if (bytes[i] === 0x0d && bytes[i + 1] === 0x0a) {
      end = i;
      break;
    }
  }
  if (end < 0) throw new GeminiAnswerError('the host sent no complete response line');
  const line = decoder.decode(bytes.subarray(0, end));
  const match = /^([1-6][0-9])(?: (.*))?$/.exec(line);
  if (!match) throw new GeminiAnswerError(`the host sent a malformed response line "${line.slice(0, 60)}"`);
  return { status: Number(match[1]), meta: match[2] ?? '', body: bytes.subarray(end + 2) };
}

/** `gemini://host[:port]/path`: the port is written unless it is Gemini's default 1965. */
export function geminiUrl(host: string, port: number, pathAndQuery: string): string {
  const name = host.includes(':') ? `[${host}]` : host;
  return `gemini://${port === 1965 ? name : `${name}:${port}`}${pathAndQuery}`;
}

export function encodeGeminiRequest(url: string): Uint8Array {
  const bytes = new TextEncoder().encode(`${url}\r\n`);
  if (bytes.length > 1026) throw new GeminiAnswerError('the Gemini request is longer than 1024 bytes');
  return bytes;
}
