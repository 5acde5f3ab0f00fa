// `npm run mailhost -- <command>`: the admin CLI and `serve`. Errors are printed plainly, exit code 1.
import { parseArgs } from 'node:util';
import { inviteCommand, initCommand, listCommand, mailboxAddCommand, USAGE } from './admin';
import { ConfigError } from './config';
import { startHost } from './host';

function fail(message: string): never {
  console.error(`mailhost: ${message}`);
  process.exit(1);
}

async function main(argv: string[]): Promise<void> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      help: { type: 'boolean', short: 'h' },
      data: { type: 'string' },
      host: { type: 'string' },
      blurb: { type: 'string' },
      'cert-out': { type: 'string' },
      list: { type: 'boolean' },
      fingerprint: { type: 'string' },
      ttl: { type: 'string' },
      listen: { type: 'string' },
      port: { type: 'string' },
      peer: { type: 'string', multiple: true },
    },
  });
  const [command, ...rest] = positionals;
  if (values.help || !command) {
    console.log(USAGE);
    return;
  }
  const data = values.data ?? fail('--data DIR is required');
  switch (command) {
    case 'init':
      console.log(await initCommand(data, values.host ?? fail('--host HOSTNAME is required')));
      return;
    case 'mailbox': {
      const [sub, name] = rest;
      if (sub !== 'add' || !name) fail('usage: mailbox add NAME --data DIR');
      console.log(
        await mailboxAddCommand(data, name, {
          ...(values.host ? { host: values.host } : {}),
          ...(values.blurb ? { blurb: values.blurb } : {}),
          ...(values['cert-out'] ? { certOut: values['cert-out'] } : {}),
          ...(values.fingerprint ? { fingerprint: values.fingerprint } : {}),
          list: values.list ?? false,
        }),
      );
      return;
    }
    case 'invite': {
      const [name] = rest;
      if (!name) fail('usage: invite NAME --data DIR');
      const ttl = values.ttl === undefined ? undefined : Number(values.ttl);
      if (ttl !== undefined && !(ttl > 0)) fail('--ttl must be a positive number of seconds');
      const result = await inviteCommand(data, name, {
        ...(values.host ? { host: values.host } : {}),
        ...(ttl !== undefined ? { ttlSeconds: ttl } : {}),
      });
      console.log(result.text);
      return;
    }
    case 'list':
      console.log(await listCommand(data));
      return;
    case 'serve': {
      const port = values.port === undefined ? 1958 : Number(values.port);
      if (!Number.isInteger(port) || port < 0 || port > 65535) fail('--port must be 0-65535');
      const peers: Record<string, string> = {};
      for (const entry of values.peer ?? []) {
        const eq = entry.indexOf('=');
        if (eq < 1) fail(`--peer ${entry}: expected HOST=ADDR:PORT`);
        peers[entry.slice(0, eq)] = entry.slice(eq + 1);
      }
      const host = await startHost({ dataDir: data, listen: values.listen ?? '0.0.0.0', port, peers });
      // Tests and supervisors read this line to learn the port when --port 0 is used.
      console.log(`listening on ${host.address}:${host.port}`);
      const shutdown = () => {
        void host.stop().then(() => process.exit(0));
      };
      process.once('SIGINT', shutdown);
      process.once('SIGTERM', shutdown);
      return;
    }
    default:
      fail(`unknown command "${command}"; see --help`);
  }
}

main(process.argv.slice(2)).catch((error: unknown) => {
  if (error instanceof ConfigError || (error as { code?: string }).code?.startsWith('ERR_PARSE_ARGS')) {
    fail((error as Error).message);
  }
  fail((error as Error).stack ?? String(error));
});
