// The CLI's host-key pins (design.md §4: trust on first use, pinned per host:port) live in a known-hosts
// file; the store itself is shared with the mail host (src/lib/node/known-hosts-file.ts).
import { homedir } from 'node:os';
import { join } from 'node:path';

export { FileHostPinStore, KnownHostsError } from '../src/lib/node/known-hosts-file';

/** $XDG_CONFIG_HOME/misfin/known_hosts, else ~/.config/misfin/known_hosts (XDG Base Directory spec). */
export function defaultKnownHostsPath(env: NodeJS.ProcessEnv = process.env): string {
  const config =
    env.XDG_CONFIG_HOME && env.XDG_CONFIG_HOME.startsWith('/')
      ? env.XDG_CONFIG_HOME
      : join(homedir(), '.config');
  return join(config, 'misfin', 'known_hosts');
}
