import { browser } from '$app/environment';
import { FIRST_ROWS } from '$lib/state/mailbox.svelte';
import { beginStartup } from '$lib/store/boot';

// The page is a static single-page app: everything runs in the browser.
export const ssr = false;
export const prerender = false;

// Evaluated with the app's code, before the router loads the page and the components mount: the storage
// reads for the first screen start now and run alongside that work (issue 8; Webmail.init takes them).
if (browser) beginStartup(FIRST_ROWS);
