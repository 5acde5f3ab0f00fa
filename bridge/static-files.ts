import { createHash } from 'node:crypto';
import { createReadStream, readFileSync } from 'node:fs';
import { stat } from 'node:fs/promises';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { extname, join, normalize, sep } from 'node:path';

const contentTypes: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json',
  '.webmanifest': 'application/manifest+json',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.txt': 'text/plain; charset=utf-8',
  '.woff2': 'font/woff2',
};

/**
 * SvelteKit's SPA fallback boots from one inline script. Rather than allow 'unsafe-inline', the bridge
 * allows exactly the inline scripts of the built index.html, by hash (CSP Level 3 §8.3).
 */
export function inlineScriptHashes(html: string): string[] {
  const hashes: string[] = [];
  for (const match of html.matchAll(/<script(?![^>]*\bsrc=)[^>]*>([\s\S]*?)<\/script>/g)) {
    const body = match[1] ?? '';
    hashes.push(`'sha256-${createHash('sha256').update(body).digest('base64')}'`);
  }
  return hashes;
}

/** Headers every response from the bridge carries. */
export function securityHeaders(scriptHashes: string[] = []): Record<string, string> {
  return {
    'Content-Security-Policy': [
      "default-src 'self'",
      ["script-src 'self'", ...scriptHashes].join(' '),
      // Svelte 5 sets style: directives through the CSSOM, which CSP does not govern; no inline <style> or
      // style attributes remain in the built page, so no 'unsafe-inline' (anchors.md §5.1).
      "style-src 'self'",
      // ... except the one style attribute SvelteKit's root gives its screen-reader route announcer
      // (#svelte-announcer), allowed by the hash of its exact value (CSP3 'unsafe-hashes', not 'unsafe-inline').
      "style-src-attr 'unsafe-hashes' 'sha256-S8qMpvofolR8Mpjy4kQvEm7m1q8clzU4dfDH0AmvZjo='",
      "img-src 'self' data:",
      "connect-src 'self'",
      "object-src 'none'",
      "base-uri 'none'",
      "form-action 'self'",
      "frame-ancestors 'none'",
      // Trusted Types (anchors.md §5.2): DOM-XSS sinks take only policy-made values. Svelte builds its
      // templates through the 'svelte-trusted-html' policy, SvelteKit has 'sveltekit-trusted-url', and
      // the page registers its service worker through 'misfin-service-worker'; no other policy may exist.
      "require-trusted-types-for 'script'",
      'trusted-types svelte-trusted-html sveltekit-trusted-url misfin-service-worker',
    ].join('; '),
    'X-Content-Type-Options': 'nosniff',
    'Referrer-Policy': 'no-referrer',
    'Cross-Origin-Opener-Policy': 'same-origin',
    'Permissions-Policy': 'camera=(), microphone=(), geolocation=()',
  };
}

/**
 * Serves the built single-page app from `root`. Hashed assets under `_app/immutable/` are cached for a
 * year; everything else is revalidated. Unknown paths fall back to index.html so client routes work.
 */
export function createStaticHandler(root: string, options: { hsts?: boolean } = {}) {
  const rootPath = normalize(root + sep);
  // Over HTTPS, tell the browser never to fall back to plain HTTP (RFC 6797).
  const transport: Record<string, string> = options.hsts
    ? { 'Strict-Transport-Security': 'max-age=31536000' }
    : {};
  let scriptHashes: string[] = [];
  try {
    scriptHashes = inlineScriptHashes(readFileSync(join(rootPath, 'index.html'), 'utf8'));
  } catch {
    // Not built yet; requests get a 503 below.
  }
  return async function serveStatic(req: IncomingMessage, res: ServerResponse): Promise<void> {
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.writeHead(405, { ...securityHeaders(), Allow: 'GET, HEAD', 'Content-Type': 'text/plain' });
      res.end('method not allowed\n');
      return;
    }
    let pathname: string;
    try {
      pathname = decodeURIComponent(new URL(req.url ?? '/', 'http://localhost').pathname);
    } catch {
      res.writeHead(400, { ...securityHeaders(), 'Content-Type': 'text/plain' });
      res.end('bad request path\n');
      return;
    }
    let filePath = normalize(join(rootPath, pathname));
    if (!filePath.startsWith(rootPath)) {
      res.writeHead(403, { ...securityHeaders(), 'Content-Type': 'text/plain' });
      res.end('forbidden\n');
      return;
    }
    let info = await stat(filePath).catch(() => null);
    if (info?.isDirectory()) {
      filePath = join(filePath, 'index.html');
      info = await stat(filePath).catch(() => null);
    }
    if (!info?.isFile()) {
      // Paths that look like files get a 404; anything else is a client-side route.
      if (extname(pathname)) {
        res.writeHead(404, { ...securityHeaders(), 'Content-Type': 'text/plain' });
        res.end('not found\n');
        return;
      }
      filePath = join(rootPath, 'index.html');
      info = await stat(filePath).catch(() => null);
      if (!info?.isFile()) {
        res.writeHead(503, { ...securityHeaders(), 'Content-Type': 'text/plain' });
        res.end('the page is not built yet: run npm run build\n');
        return;
      }
    }
    const immutable = pathname.startsWith('/_app/immutable/');
    res.writeHead(200, {
      ...securityHeaders(scriptHashes),
      ...transport,
      'Content-Type': contentTypes[extname(filePath)] ?? 'application/octet-stream',
      'Content-Length': String(info.size),
      'Cache-Control': immutable ? 'public, max-age=31536000, immutable' : 'no-cache',
    });
    if (req.method === 'HEAD') {
      res.end();
      return;
    }
    createReadStream(filePath).pipe(res);
  };
}
