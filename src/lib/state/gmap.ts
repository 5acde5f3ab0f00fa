import { encodeGeminiRequest, geminiUrl, parseGeminiAnswer } from './gemini-exchange';
import type { NetIdentity, Network } from './network';

/** A GMAP request answered with something other than 20 (mailhost API: 51 unknown id, 60/61 cert, 59). */
export class GmapError extends Error {
  constructor(
    readonly status: number,
    readonly meta: string,
    readonly path: string,
  ) {
    super(`the host answered ${status} ${meta} to ${path}`);
    this.name = 'GmapError';
  }
}

/** A whole message is at most 16384 bytes plus metadata (doc §5); id lists can be long. */
const MAX_ANSWER = 4 * 1024 * 1024;
const decoder = new TextDecoder();

/** The GMAP endpoints (protocol doc §15, mailhost API), one TLS connection per request. */
export class GmapClient {
  constructor(
    private readonly net: Network,
    private readonly host: string,
    private readonly port: number,
    private readonly identity: NetIdentity,
  ) {}

  async call(path: string): Promise<string> {
    const request = encodeGeminiRequest(geminiUrl(this.host, this.port, path));
    const bytes = await this.net.exchange(this.host, this.port, request, {
      identity: this.identity,
      maxBytes: MAX_ANSWER,
    });
    const answer = parseGeminiAnswer(bytes);
    if (answer.status !== 20) throw new GmapError(answer.status, answer.meta, path);
    return decoder.decode(answer.body);
  }

  /** Ids with `tag`; the empty tag lists every id not in Trash. */
  async list(tag: string): Promise<string[]> {
    const body = await this.call(`/tag/${encodeURIComponent(tag)}`);
    return body
      .split(',')
      .map((id) => id.trim())
      .filter((id) => id !== '');
  }

  /** The message in Misfin(C) wire form. */
  fetch(id: string): Promise<string> {
    return this.call(`/msgid/${encodeURIComponent(id)}`);
  }

  async tag(tag: string, id: string): Promise<void> {
    await this.call(`/tag/${encodeURIComponent(tag)}?${encodeURIComponent(id)}`);
  }

  async untag(tag: string, id: string): Promise<void> {
    await this.call(`/untag/${encodeURIComponent(tag)}?${encodeURIComponent(id)}`);
  }

  /** Only allowed for messages tagged Trash. */
  async delete(id: string): Promise<void> {
    await this.call(`/delete?${encodeURIComponent(id)}`);
  }
}

/** Runs `work` over `items` with at most `limit` in flight, in order of start; rejects on the first failure. */
export async function runPool<T, R>(
  items: readonly T[],
  limit: number,
  work: (item: T, index: number) => Promise<R>,
): Promise<R[]> {
  const results: R[] = new Array(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const index = next++;
      results[index] = await work(items[index] as T, index);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return results;
}
