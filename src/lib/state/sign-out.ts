import { deleteWebmailDatabase } from '../store';

/**
 * Removes everything this origin keeps in the browser (issue 8, anchors.md §5.5): the database, Web Storage,
 * Cache Storage and service workers, then asks the bridge for `Clear-Site-Data` (POST /sign-out), which
 * also covers anything the page could not reach itself (HTTP cache, cookies). Each step is best effort
 * and runs even when an earlier one failed; the failures are returned so the caller can say so.
 */
export async function clearEverything(): Promise<string[]> {
  const failures: string[] = [];
  const step = async (what: string, work: () => Promise<unknown>) => {
    try {
      await work();
    } catch (error) {
      failures.push(`${what}: ${(error as Error).message}`);
    }
  };
  await step('IndexedDB', () => deleteWebmailDatabase());
  await step('Web Storage', async () => {
    localStorage.clear();
    sessionStorage.clear();
  });
  if ('caches' in globalThis) {
    await step('Cache Storage', async () => {
      for (const name of await caches.keys()) await caches.delete(name);
    });
  }
  if ('serviceWorker' in navigator) {
    await step('service worker', async () => {
      for (const registration of await navigator.serviceWorker.getRegistrations()) {
        await registration.unregister();
      }
    });
  }
  await step('Clear-Site-Data', async () => {
    const response = await fetch('/sign-out', { method: 'POST', cache: 'no-store' });
    if (!response.ok) throw new Error(`the bridge answered ${response.status}`);
  });
  return failures;
}
