// The bridge's WebSocket server against a real browser: Chromium (started here, headless) opens a tunnel
// from a page the bridge serves, sends binary messages of several sizes and reads a bulk download, then
// closes. Chromium offers permessage-deflate, which the bridge must decline by not answering it.
// (scripts/ensure-test-tools.sh installs chromium for `npm test`.)
import { chromium, type Browser } from '@playwright/test';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startBridge, type RunningBridge } from '../../bridge/server';
import { startTcpServer, type TcpServer } from '../../bridge/test-support';

const executablePath = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const downloadBytes = 8 * 1024 * 1024;

let browser: Browser | undefined;
let bridge: RunningBridge | undefined;
let echo: TcpServer | undefined;
let source: TcpServer | undefined;

beforeAll(async () => {
  echo = await startTcpServer();
  // Sends downloadBytes of a counting pattern to whoever connects, then waits for the page to hang up.
  source = await startTcpServer((socket) => {
    const block = Buffer.alloc(downloadBytes);
    for (let i = 0; i < block.length; i++) block[i] = (i * 13) & 0xff;
    socket.write(block);
    socket.on('data', () => {});
  });
  bridge = await startBridge({
    listen: '127.0.0.1',
    port: 0,
    allow: [`127.0.0.1:${echo.port}`, `127.0.0.1:${source.port}`],
    log: () => {},
  });
  browser = await chromium.launch({ executablePath, args: ['--no-sandbox'] });
}, 60_000);

afterAll(async () => {
  await browser?.close();
  await bridge?.close();
  await echo?.close();
  await source?.close();
});

describe('the bridge with Chromium', () => {
  it('carries binary messages both ways and a bulk download, and closes cleanly', async () => {
    const page = await browser!.newPage();
    // The bridge's own origin (no page is built here, so it answers 404; the origin is what counts).
    await page.goto(bridge!.url);
    const base = bridge!.url.replace(/^http/, 'ws');
    const result = await page.evaluate(
      async ({ base, echoPort, sourcePort, downloadBytes }) => {
        const open = (port: number) =>
          new Promise<WebSocket>((resolve, reject) => {
            const ws = new WebSocket(`${base}tunnel?host=127.0.0.1&port=${port}`);
            ws.binaryType = 'arraybuffer';
            ws.onopen = () => resolve(ws);
            ws.onerror = () => reject(new Error('tunnel failed'));
          });
        const echo = await open(echoPort);
        const extensions = echo.extensions;
        const sizes = [1, 125, 126, 65535, 65536, 300_000];
        const sent = sizes.map((n) => Uint8Array.from({ length: n }, (_, i) => (i * 7 + n) & 0xff));
        const total = sizes.reduce((a, b) => a + b, 0);
        const received = new Uint8Array(total);
        let got = 0;
        const echoed = new Promise<void>((resolve) => {
          echo.onmessage = (event) => {
            received.set(new Uint8Array(event.data as ArrayBuffer), got);
            got += (event.data as ArrayBuffer).byteLength;
            if (got >= total) resolve();
          };
        });
        for (const message of sent) echo.send(message);
        await echoed;
        let offset = 0;
        let echoOk = true;
        for (const message of sent) {
          for (let i = 0; i < message.length; i++) if (received[offset + i] !== message[i]) echoOk = false;
          offset += message.length;
        }
        const closed = new Promise<{ code: number; clean: boolean }>((resolve) => {
          echo.onclose = (event) => resolve({ code: event.code, clean: event.wasClean });
        });
        echo.close(1000);
        const echoClose = await closed;

        const download = await open(sourcePort);
        let downloaded = 0;
        let downloadOk = true;
        await new Promise<void>((resolve) => {
          download.onmessage = (event) => {
            const bytes = new Uint8Array(event.data as ArrayBuffer);
            for (let i = 0; i < bytes.length; i++)
              if (bytes[i] !== ((downloaded + i) * 13) % 256) downloadOk = false;
            downloaded += bytes.length;
            if (downloaded >= downloadBytes) resolve();
          };
        });
        download.close();
        return { extensions, echoOk, echoClose, downloaded, downloadOk };
      },
      { base, echoPort: echo!.port, sourcePort: source!.port, downloadBytes },
    );
    expect(result).toEqual({
      extensions: '',
      echoOk: true,
      echoClose: { code: 1000, clean: true },
      downloaded: downloadBytes,
      downloadOk: true,
    });
    await page.close();
  }, 60_000);
});
