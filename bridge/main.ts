// `npm run bridge -- [options]`: runs the bridge from flags and environment (see options.ts for the list).
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { OptionsError, parseCommandLine, usage } from './options';
import { startBridge } from './server';

let parsed;
try {
  parsed = parseCommandLine(process.argv.slice(2), process.env);
} catch (error) {
  if (!(error instanceof OptionsError)) throw error;
  console.error(`bridge: ${error.message}\n\n${usage}`);
  process.exit(2);
}
if (parsed.help) {
  console.log(usage);
  process.exit(0);
}
const options = parsed.options;
if (parsed.tlsFiles) {
  try {
    options.tls = { cert: readFileSync(parsed.tlsFiles.cert), key: readFileSync(parsed.tlsFiles.key) };
  } catch (error) {
    console.error(`bridge: cannot read the TLS certificate or key: ${(error as Error).message}`);
    process.exit(2);
  }
}
if (options.root) options.root = resolve(options.root);
const loopback = /^(127\.|::1$|localhost$)/.test(options.listen);
if (!loopback && !options.origins && !options.trustProxy)
  console.error(
    'bridge: listening beyond loopback without --origin; only pages reached by an IP address can open tunnels',
  );
const bridge = await startBridge(options);
console.log(`bridge: serving the page at ${bridge.url}`);

const stop = () => {
  bridge.close().then(() => process.exit(0));
};
process.once('SIGINT', stop);
process.once('SIGTERM', stop);
