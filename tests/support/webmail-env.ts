// Starts what the webmail end-to-end tests and benchmark talk to: the real mail host (mailhost/embedded.ts)
// on a free loopback port with its data in a temporary directory, and the real bridge serving build/ with
// an allow entry for that host.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { startBridge, type RunningBridge } from '../../bridge/server';
import { inviteCommand } from '../../mailhost/admin';
import { startEmbeddedHost, type EmbeddedHost } from '../../mailhost/embedded';

export interface WebmailEnv {
  /** The page, e.g. http://localhost:41234/ */
  url: string;
  /** `localhost:PORT`, what the Host field takes. */
  hostField: string;
  hostPort: number;
  dataDir: string;
  bridge: RunningBridge;
  host: EmbeddedHost | undefined;
  /** A one-use registration invite for `mailbox` on the running host. */
  invite(mailbox: string): Promise<string>;
  /** Stops the mail host (the bridge stays up). */
  stopHost(): Promise<void>;
  /** Starts the mail host again on the same port; `fresh` gives it a new data directory, so a new key. */
  startHost(options?: { fresh?: boolean }): Promise<void>;
  stop(): Promise<void>;
}

const quiet = () => undefined;

export async function startWebmailEnv(): Promise<WebmailEnv> {
  const dirs: string[] = [];
  const newDir = async () => {
    const dir = await mkdtemp(join(tmpdir(), 'webmail-host-'));
    dirs.push(dir);
    return dir;
  };
  let dataDir = await newDir();
  let host: EmbeddedHost | undefined = await startEmbeddedHost({ dataDir, port: 0, log: quiet });
  const hostPort = host.port;
  const bridge = await startBridge({
    listen: '127.0.0.1',
    port: 0,
    root: resolve('build'),
    allow: [`localhost:${hostPort}`, `127.0.0.1:${hostPort}`],
    log: quiet,
  });
  const env: WebmailEnv = {
    url: bridge.url.replace('127.0.0.1', 'localhost'),
    hostField: `localhost:${hostPort}`,
    hostPort,
    get dataDir() {
      return dataDir;
    },
    bridge,
    get host() {
      return host;
    },
    invite: async (mailbox) => (await inviteCommand(dataDir, mailbox, {})).code,
    stopHost: async () => {
      await host?.stop();
      host = undefined;
    },
    startHost: async (options = {}) => {
      if (options.fresh) dataDir = await newDir();
      host = await startEmbeddedHost({ dataDir, port: hostPort, log: quiet });
    },
    stop: async () => {
      await host?.stop();
      await bridge.close();
      for (const dir of dirs) await rm(dir, { recursive: true, force: true });
    },
  };
  return env;
}
