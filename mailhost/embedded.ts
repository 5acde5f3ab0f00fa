// The mail host `npm start` runs next to the page: a loopback host for `localhost` with its data in
// ./data, so a newcomer has something real to talk to (design.md §1). The first run creates the domain
// and an invite for the first mailbox, and returns its code so the start script can print it.
import { initCommand, inviteCommand } from './admin';
import { readHostFile } from './config';
import { startHost, type HostOptions } from './host';

export interface EmbeddedHostOptions {
  dataDir: string;
  host?: string;
  listen?: string;
  /** Default 1958; 0 picks a free port. */
  port?: number;
  /** Name of the first mailbox invited on the first run (default "me"). */
  firstMailbox?: string;
  log?: (line: string) => void;
  resolveHost?: HostOptions['resolveHost'];
}

export interface EmbeddedHost {
  port: number;
  host: string;
  /** Only on the first run: the registration invite for `mailbox`. */
  inviteCode?: string;
  mailbox?: string;
  stop(): Promise<void>;
}

export async function startEmbeddedHost(options: EmbeddedHostOptions): Promise<EmbeddedHost> {
  const host = options.host ?? 'localhost';
  let inviteCode: string | undefined;
  let mailbox: string | undefined;
  const existing = await readHostFile(options.dataDir);
  if (!existing) {
    await initCommand(options.dataDir, host);
    mailbox = options.firstMailbox ?? 'me';
    inviteCode = (await inviteCommand(options.dataDir, mailbox, {})).code;
  }
  const running = await startHost({
    dataDir: options.dataDir,
    listen: options.listen ?? '127.0.0.1',
    port: options.port ?? 1958,
    ...(options.log ? { log: options.log } : {}),
    ...(options.resolveHost ? { resolveHost: options.resolveHost } : {}),
  });
  return {
    port: running.port,
    host,
    ...(inviteCode ? { inviteCode, mailbox } : {}),
    stop: () => running.stop(),
  };
}
