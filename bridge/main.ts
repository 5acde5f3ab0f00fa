import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { startBridge } from './server';

const usage = `Usage: npm run bridge -- [options]

  --listen ADDR   address to listen on (default 127.0.0.1, env BRIDGE_LISTEN)
  --port N        port to listen on (default 8080, env BRIDGE_PORT)
  --root DIR      directory with the built page (default build)
  --help          show this help`;

const { values } = parseArgs({
  options: {
    listen: { type: 'string', default: process.env.BRIDGE_LISTEN ?? '127.0.0.1' },
    port: { type: 'string', default: process.env.BRIDGE_PORT ?? '8080' },
    root: { type: 'string', default: 'build' },
    help: { type: 'boolean', default: false },
  },
});

if (values.help) {
  console.log(usage);
  process.exit(0);
}
const port = Number(values.port);
if (!Number.isInteger(port) || port < 0 || port > 65535) {
  console.error(`bridge: --port must be a number from 0 to 65535, got ${values.port}`);
  process.exit(2);
}
const bridge = await startBridge({ listen: values.listen, port, root: resolve(values.root) });
console.log(`bridge: serving the page at ${bridge.url}`);
