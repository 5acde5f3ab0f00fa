import type { ConnectionSource } from '../misfin/connect';
import type { Gemmail } from '../misfin/gemmail';
import { geminiRequest, type GeminiResult } from './client';
import { GmapError } from './errors';
import {
  gmapAddTagUrl,
  gmapDeleteUrl,
  gmapListUrl,
  gmapMessageUrl,
  gmapRemoveTagUrl,
  parseGmapIdList,
  parseGmapMessage,
  type GmapServer,
} from './gmap';
import { decodeGeminiText } from './response';

/** A GMAP request the host answered with something other than `20` (Titlani uses 30, 40, 51, 59, 60, 61). */
export class GmapStatusError extends GmapError {
  constructor(
    readonly status: number,
    readonly meta: string,
    readonly url: string,
  ) {
    super(`GMAP request ${url} failed: ${status} ${meta}`.trim());
  }
}

/** With a `connector`, `identity` is the account's Misfin identity certificate (doc §15). */
export type GmapClientOptions = ConnectionSource & {
  server: GmapServer;
  timeoutMs?: number;
  /** Cap for one message; a C message is at most 16384 bytes, GMAP may add little. Default 65536. */
  maxMessageBytes?: number;
  /** Cap for a list of ids. Default 4 MiB. */
  maxListBytes?: number;
};

export interface FetchedMessage {
  id: string;
  /** The message exactly as the host sent it (Misfin(C) form with all metadata). */
  raw: string;
  mail: Gemmail;
}

/** GMAP calls on top of single Gemini requests (each one its own TLS connection, doc §15). */
export class GmapClient {
  constructor(private readonly options: GmapClientOptions) {}

  private async call(url: string, maxBodyBytes: number): Promise<GeminiResult> {
    const { server: _server, maxMessageBytes: _m, maxListBytes: _l, ...source } = this.options;
    const result = await geminiRequest({ ...source, url, maxBodyBytes });
    if (result.header.status !== 20) throw new GmapStatusError(result.header.status, result.header.meta, url);
    return result;
  }

  /** Ids with `tag`; no tag = every message not in Trash; `since` = only newer ones. */
  async listIds(tag?: string, since?: Date): Promise<string[]> {
    const result = await this.call(
      gmapListUrl(this.options.server, tag, since),
      this.options.maxListBytes ?? 4 << 20,
    );
    return parseGmapIdList(decodeGeminiText(result));
  }

  async fetchMessage(id: string): Promise<FetchedMessage> {
    const raw = await this.fetchRaw(id);
    return { id, raw, mail: parseGmapMessage(raw) };
  }

  /** The message text only, unparsed: the page keeps a message it cannot read rather than lose it. */
  async fetchRaw(id: string): Promise<string> {
    const url = gmapMessageUrl(this.options.server, id);
    return decodeGeminiText(await this.call(url, this.options.maxMessageBytes ?? 65536));
  }

  async addTag(id: string, tag: string): Promise<void> {
    await this.call(gmapAddTagUrl(this.options.server, tag, id), 4096);
  }

  async removeTag(id: string, tag: string): Promise<void> {
    await this.call(gmapRemoveTagUrl(this.options.server, tag, id), 4096);
  }

  /** Deletes a message; refused locally unless `currentTags` contains Trash (the host has the same rule). */
  async deleteMessage(id: string, currentTags: readonly string[]): Promise<void> {
    await this.call(gmapDeleteUrl(this.options.server, id, currentTags), 4096);
  }
}
