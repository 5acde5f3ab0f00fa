// `npm start`: serve the built page through the bridge on loopback.
import { resolve } from 'node:path';
import { startBridge } from '../bridge/server';

const port = Number(process.env.PORT ?? 8080);
const bridge = await startBridge({ listen: '127.0.0.1', port, root: resolve('build') });
console.log(
  `Misfin webmail is running. Open ${bridge.url.replace('127.0.0.1', 'localhost')} in your browser.`,
);
console.log('Press Ctrl+C to stop.');
