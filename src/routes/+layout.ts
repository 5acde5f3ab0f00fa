// The page is a static single-page app: everything runs in the browser.
export const ssr = false;
export const prerender = false;
