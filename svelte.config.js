import adapter from '@sveltejs/adapter-static';
import { vitePreprocess } from '@sveltejs/vite-plugin-svelte';

/** @type {import('@sveltejs/kit').Config} */
const config = {
  preprocess: vitePreprocess(),
  kit: {
    // A single-page app: the bridge serves build/ and falls back to index.html.
    adapter: adapter({ pages: 'build', assets: 'build', fallback: 'index.html', strict: true }),
    // Registered by the page only in "This is my device" mode (state/webmail.svelte.ts), never on a
    // shared computer.
    serviceWorker: { register: false },
    // One script and one stylesheet for the whole app: a returning user's first screen waits for no chain of
    // dynamic imports (entry -> app -> layout node -> page node), only for one cached file (issue 8, design §6).
    output: { bundleStrategy: 'single' },
  },
};

export default config;
