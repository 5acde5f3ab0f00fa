/// <reference no-default-lib="true"/>
/// <reference lib="esnext" />
/// <reference lib="webworker" />
/// <reference types="@sveltejs/kit" />
// Offline app shell (issue 8). Only a page in "This is my device" mode registers this worker and asks it to
// cache the shell (message `cache-shell`); a shared computer never gets a worker or a cache. Sign-out deletes the caches and unregisters the worker (state/sign-out.ts).
import { build, files, version } from '$service-worker';

const worker = globalThis as unknown as ServiceWorkerGlobalScope;
const CACHE = `shell-${version}`;
const SHELL = ['/', ...build, ...files];
/** Build output has content hashes in its names, so a cached copy is always the right one. */
const IMMUTABLE = new Set(build.filter((path) => path.includes('/immutable/')));

worker.addEventListener('install', () => void worker.skipWaiting());

worker.addEventListener('activate', (event) => {
  // Old versions' shells go; the current one stays only if a device page already asked for it.
  event.waitUntil(
    (async () => {
      for (const name of await caches.keys()) if (name !== CACHE) await caches.delete(name);
      // The page's request starts while the worker boots, instead of after (the first screen waits on it).
      await worker.registration.navigationPreload?.enable();
      await worker.clients.claim();
    })(),
  );
});

worker.addEventListener('message', (event) => {
  if ((event.data as { type?: string } | null)?.type !== 'cache-shell') return;
  event.waitUntil(
    (async () => {
      if (await caches.has(CACHE)) return;
      const cache = await caches.open(CACHE);
      await cache.addAll(SHELL);
    })(),
  );
});

worker.addEventListener('fetch', (event) => {
  const request = event.request;
  const url = new URL(request.url);
  if (request.method !== 'GET' || url.origin !== worker.location.origin) return;
  event.respondWith(
    (async () => {
      if (IMMUTABLE.has(url.pathname) && (await caches.has(CACHE))) {
        const cached = await (await caches.open(CACHE)).match(request);
        if (cached) return cached;
      }
      try {
        const preloaded =
          request.mode === 'navigate' ? ((await event.preloadResponse) as Response | undefined) : undefined;
        return preloaded ?? (await fetch(request));
      } catch (error) {
        // Offline: the shell from the cache, if this browser has one; every route is the same SPA page.
        if (!(await caches.has(CACHE))) throw error;
        const cache = await caches.open(CACHE);
        const hit = await cache.match(request.mode === 'navigate' ? '/' : request);
        if (hit) return hit;
        throw error;
      }
    })(),
  );
});
