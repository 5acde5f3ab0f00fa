import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startBridge, type RunningBridge } from '../../bridge/server';
import {
  closed,
  connectTunnel,
  opened,
  receive,
  startTcpServer,
  within,
  type TcpServer,
} from '../../bridge/test-support';

// A stand-in for build/: the page tests must not depend on `npm run build` having run first.
let root: string;
const inlineScript = 'console.log("boot")';

beforeAll(() => {
  root = mkdtempSync(join(tmpdir(), 'bridge-page-'));
  writeFileSync(
    join(root, 'index.html'),
    `<!doctype html><html><body><script>${inlineScript}</script></body></html>`,
  );
  mkdirSync(join(root, '_app', 'immutable'), { recursive: true });
  writeFileSync(join(root, '_app', 'immutable', 'entry.abc123.js'), 'export {};');
});

afterAll(() => rmSync(root, { recursive: true, force: true }));

function rawGet(base: string, path: string): Promise<{ status: number; body: string }> {
  const { hostname, port } = new URL(base);
  return within(
    new Promise((resolve, reject) => {
      const req = httpRequest({ hostname, port, path }, (res) => {
        let body = '';
        res.on('data', (chunk) => (body += chunk));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
      });
      req.on('error', reject);
      req.end();
    }),
    5_000,
    path,
  );
}

describe('the page over HTTP', () => {
  let bridge: RunningBridge;
  beforeAll(async () => {
    bridge = await startBridge({ listen: '127.0.0.1', port: 0, root, log: () => {} });
  });
  afterAll(() => bridge.close());

  it('sends the security headers, with the inline boot script allowed by hash', async () => {
    const response = await fetch(bridge.url);
    expect(response.status).toBe(200);
    const csp = response.headers.get('content-security-policy') ?? '';
    expect(csp).toContain("frame-ancestors 'none'");
    expect(csp).toContain("connect-src 'self'");
    expect(csp).toContain("default-src 'self'");
    const hash = createHash('sha256').update(inlineScript).digest('base64');
    expect(csp).toContain(`'sha256-${hash}'`);
    expect(csp).not.toContain('unsafe-eval');
    expect(response.headers.get('x-content-type-options')).toBe('nosniff');
    expect(response.headers.get('referrer-policy')).toBe('no-referrer');
    expect(response.headers.get('cache-control')).toBe('no-cache');
    expect(response.headers.get('strict-transport-security')).toBeNull();
  });

  it('caches hashed assets for a year and falls back to index.html for client routes', async () => {
    const asset = await fetch(new URL('/_app/immutable/entry.abc123.js', bridge.url));
    expect(asset.headers.get('cache-control')).toBe('public, max-age=31536000, immutable');
    expect(asset.headers.get('content-type')).toMatch(/^text\/javascript/);
    const route = await fetch(new URL('/inbox/42', bridge.url));
    expect(route.status).toBe(200);
    expect(await route.text()).toContain('<script>');
    expect((await fetch(new URL('/missing.js', bridge.url))).status).toBe(404);
    // An encoded traversal must not leave the root (the raw path reaches the server undecoded).
    const escaped = await rawGet(bridge.url, '/..%2f..%2f..%2fetc%2fpasswd');
    expect(escaped.status).toBe(403);
    expect(escaped.body).not.toContain('root:');
  });

  it('clears site data on POST /sign-out only', async () => {
    const out = await fetch(new URL('/sign-out', bridge.url), { method: 'POST' });
    expect(out.status).toBe(204);
    expect(out.headers.get('clear-site-data')).toBe('"cache", "cookies", "storage"');
    expect(out.headers.get('cache-control')).toBe('no-store');
    expect((await fetch(new URL('/sign-out', bridge.url))).status).toBe(405);
  });

  it('answers a plain GET on /tunnel with 426', async () => {
    const response = await fetch(new URL('/tunnel?host=a.example&port=1958', bridge.url));
    expect(response.status).toBe(426);
    expect(response.headers.get('upgrade')).toBe('websocket');
  });
});

describe('HTTPS and WSS', () => {
  let bridge: RunningBridge;
  let echo: TcpServer;
  let cert: Buffer;
  let certDir: string;

  beforeAll(async () => {
    certDir = mkdtempSync(join(tmpdir(), 'bridge-tls-'));
    // A real certificate made by OpenSSL for 127.0.0.1, trusted by the test client only.
    execFileSync(
      'openssl',
      [
        'req',
        '-x509',
        '-newkey',
        'ec',
        '-pkeyopt',
        'ec_paramgen_curve:P-256',
        '-nodes',
        '-days',
        '1',
        '-subj',
        '/CN=127.0.0.1',
        '-addext',
        'subjectAltName=IP:127.0.0.1,DNS:localhost',
        '-keyout',
        join(certDir, 'key.pem'),
        '-out',
        join(certDir, 'cert.pem'),
      ],
      { stdio: 'ignore' },
    );
    cert = readFileSync(join(certDir, 'cert.pem'));
    echo = await startTcpServer();
    bridge = await startBridge({
      listen: '127.0.0.1',
      port: 0,
      root,
      allow: [`127.0.0.1:${echo.port}`],
      tls: { cert, key: readFileSync(join(certDir, 'key.pem')) },
      log: () => {},
    });
  });

  afterAll(async () => {
    await bridge?.close();
    await echo?.close();
    rmSync(certDir, { recursive: true, force: true });
  });

  it('serves the page over HTTPS with HSTS', async () => {
    expect(bridge.url).toMatch(/^https:\/\/127\.0\.0\.1:\d+\/$/);
    const headers = await within(
      new Promise<Record<string, string | string[] | undefined>>((resolve, reject) => {
        const req = httpsRequest(bridge.url, { ca: cert }, (res) => {
          res.resume();
          resolve(res.headers);
        });
        req.on('error', reject);
        req.end();
      }),
      5_000,
      'the HTTPS response',
    );
    expect(headers['strict-transport-security']).toBe('max-age=31536000');
    expect(headers['content-security-policy']).toContain("frame-ancestors 'none'");
  });

  it('tunnels over WSS, checking the https origin', async () => {
    const ws = connectTunnel(bridge.url, '127.0.0.1', echo.port, { ca: cert });
    await opened(ws);
    ws.send(Buffer.from('over wss'));
    expect((await receive(ws, 8)).toString()).toBe('over wss');
    ws.close();
    await closed(ws);
    const http = connectTunnel(bridge.url, '127.0.0.1', echo.port, {
      ca: cert,
      origin: bridge.url.replace('https:', 'http:').replace(/\/$/, ''),
    });
    const status = await within(
      new Promise<number>((resolve) =>
        http.once('unexpected-response', (_q, res) => resolve(res.statusCode ?? 0)),
      ),
      5_000,
      'the refusal',
    );
    expect(status).toBe(403);
  });
});
