// `npm start`: run the embedded mail host and the bridge serving the built page, both on loopback.
import { resolve } from 'node:path';
import { startBridge } from '../bridge/server';
import { startEmbeddedHost } from '../mailhost/embedded';

const port = Number(process.env.PORT ?? 8080);
const mailPort = Number(process.env.MAILHOST_PORT ?? 1958);
const dataDir = resolve(process.env.MISFIN_DATA ?? 'data');

let mailhost;
try {
  mailhost = await startEmbeddedHost({ dataDir, host: 'localhost', listen: '127.0.0.1', port: mailPort });
} catch (error) {
  console.error(
    `npm start: the mail host could not start on 127.0.0.1:${mailPort}: ${(error as Error).message}`,
  );
  console.error('Set MAILHOST_PORT to another port (0 picks a free one).');
  process.exit(1);
}
const mailAddress = mailhost.port === 1958 ? 'localhost' : `localhost:${mailhost.port}`;
const bridge = await startBridge({
  listen: '127.0.0.1',
  port,
  root: resolve('build'),
  allow: [`localhost:${mailhost.port}`, `127.0.0.1:${mailhost.port}`],
});

console.log(`Mail host for "localhost" is listening on 127.0.0.1:${mailhost.port} (data in ${dataDir}).`);
if (mailhost.inviteCode) {
  console.log(
    `First mailbox: register "${mailhost.mailbox}" on host ${mailAddress} with invite code ${mailhost.inviteCode}`,
  );
} else {
  console.log(`Make more invites with: npm run mailhost -- invite NAME --data ${dataDir}`);
}
console.log(
  `Misfin webmail is running. Open ${bridge.url.replace('127.0.0.1', 'localhost')} in your browser.`,
);
console.log('Press Ctrl+C to stop.');

const shutdown = async () => {
  await Promise.allSettled([bridge.close(), mailhost.stop()]);
  process.exit(0);
};
process.once('SIGINT', () => void shutdown());
process.once('SIGTERM', () => void shutdown());
