// The bridge's settings: their types, defaults, and how flags and environment variables map onto them.
// Flags win over environment variables, which win over defaults.
import { parseArgs } from 'node:util';

/** Resolves a host name to every address it has, like dns.promises.lookup(name, { all: true }). */
export type LookupFunction = (hostname: string) => Promise<{ address: string; family: number }[]>;

export interface BridgeOptions {
  listen: string;
  port: number;
  /** Directory holding the built page; without it the bridge only tunnels. */
  root?: string;
  /** Destinations allowed even when not public, as HOST:PORT ('127.0.0.1:1958', 'localhost:1958', '[::1]:1958'). */
  allow?: string[];
  /** Destination ports allowed for public hosts. Default 1958 and 1965. */
  ports?: number[];
  /** Origins allowed to open tunnels. Default: the origin the bridge itself serves (loopback or IP-literal hosts). */
  origins?: string[];
  /** Allow `host=` to be an IP literal; by default only DNS names (tls-notes §10.2). */
  allowIpLiterals?: boolean;
  /** Most open tunnels in total. */
  maxTunnels?: number;
  /** Most open tunnels per client IP. */
  maxTunnelsPerIp?: number;
  /** New tunnels per client IP (IPv6: per /64) per minute, with a burst of as many (rate-limit.ts). */
  newTunnelsPerMinute?: number;
  /** Resolving and connecting together may take this long. */
  connectTimeoutMs?: number;
  /** A tunnel with no traffic either way for this long is closed. */
  idleTimeoutMs?: number;
  /** A tunnel is closed after this long whatever happens. */
  maxLifetimeMs?: number;
  /** Largest WebSocket message accepted from the page. */
  maxMessageBytes?: number;
  /** Take the client IP from the last X-Forwarded-For entry (only behind a proxy you run). */
  trustProxy?: boolean;
  /** Serve HTTPS and WSS with this PEM certificate chain and key. */
  tls?: { cert: string | Buffer; key: string | Buffer };
  /** Name resolution; tests inject their own. Default dns.promises.lookup with all: true. */
  lookup?: LookupFunction;
  /** Where the one line per tunnel goes. Default stdout. */
  log?: (line: string) => void;
  /** Bytes queued towards one side before the other side is paused. */
  bufferLimitBytes?: number;
}

export const defaults = {
  listen: '127.0.0.1',
  port: 8080,
  ports: [1958, 1965],
  maxTunnels: 10_000,
  maxTunnelsPerIp: 32,
  newTunnelsPerMinute: 1200,
  connectTimeoutMs: 10_000,
  idleTimeoutMs: 120_000,
  maxLifetimeMs: 30 * 60_000,
  maxMessageBytes: 1024 * 1024,
  bufferLimitBytes: 512 * 1024,
} as const;

export class OptionsError extends Error {
  override name = 'OptionsError';
}

export interface HostPort {
  host: string;
  port: number;
}

/** Parses HOST:PORT, with IPv6 literals in brackets. Host names are lower-cased without a trailing dot. */
export function parseHostPort(text: string): HostPort {
  const match = /^(?:\[([0-9a-fA-F:.]+)\]|([^:[\]\s]+)):(\d{1,5})$/.exec(text.trim());
  const port = Number(match?.[3]);
  if (!match || port < 1 || port > 65535) throw new OptionsError(`expected HOST:PORT, got "${text}"`);
  return { host: normaliseHost(match[1] ?? match[2] ?? ''), port };
}

export function normaliseHost(host: string): string {
  return host.toLowerCase().replace(/\.$/, '');
}

function integer(name: string, text: string, min: number, max: number): number {
  const value = Number(text);
  if (!/^\d+$/.test(text.trim()) || value < min || value > max)
    throw new OptionsError(`${name} must be a whole number from ${min} to ${max}, got "${text}"`);
  return value;
}

function seconds(name: string, text: string): number {
  const value = Number(text);
  if (text.trim() === '' || !Number.isFinite(value) || value <= 0)
    throw new OptionsError(`${name} must be a positive number of seconds, got "${text}"`);
  return Math.round(value * 1000);
}

function list(text: string): string[] {
  return text
    .split(',')
    .map((item) => item.trim())
    .filter((item) => item !== '');
}

export const usage = `Usage: npm run bridge -- [options]

Serves the webmail page and tunnels WebSockets at /tunnel?host=HOST&port=PORT to TCP.
Every option can also be set by the environment variable in brackets.

  --listen ADDR           address to listen on (BRIDGE_LISTEN, default ${defaults.listen})
  --port N                port to listen on, 0 picks one (BRIDGE_PORT, default ${defaults.port})
  --root DIR              the built page to serve (BRIDGE_ROOT, default build)
  --allow HOST:PORT       let this destination through even if not public; repeatable
                          (BRIDGE_ALLOW, comma-separated)
  --origin ORIGIN         page origin allowed to open tunnels; repeatable (BRIDGE_ORIGIN, comma-separated;
                          default: the bridge's own origin when reached by localhost or an IP address)
  --ports LIST            destination ports allowed, comma-separated (BRIDGE_PORTS, default 1958,1965)
  --allow-ip-literals     accept IP addresses as host= (BRIDGE_ALLOW_IP_LITERALS=1; default: names only)
  --max-tunnels N         open tunnels in total (BRIDGE_MAX_TUNNELS, default ${defaults.maxTunnels})
  --max-per-ip N          open tunnels per client IP (BRIDGE_MAX_PER_IP, default ${defaults.maxTunnelsPerIp})
  --rate-per-ip N         new tunnels per client IP (IPv6: per /64) per minute, burst of as many; more get
                          HTTP 429 (BRIDGE_RATE_PER_IP, default ${defaults.newTunnelsPerMinute})
  --connect-timeout SEC   time to resolve and connect (BRIDGE_CONNECT_TIMEOUT, default ${defaults.connectTimeoutMs / 1000})
  --idle-timeout SEC      close a tunnel idle this long (BRIDGE_IDLE_TIMEOUT, default ${defaults.idleTimeoutMs / 1000})
  --max-lifetime SEC      close any tunnel after this long (BRIDGE_MAX_LIFETIME, default ${defaults.maxLifetimeMs / 1000})
  --max-message BYTES     largest WebSocket message (BRIDGE_MAX_MESSAGE, default ${defaults.maxMessageBytes})
  --trust-proxy           client IP from the last X-Forwarded-For entry, scheme from X-Forwarded-Proto
                          (BRIDGE_TRUST_PROXY=1); only behind a proxy you run
  --tls-cert FILE         serve HTTPS/WSS with this PEM certificate chain (BRIDGE_TLS_CERT)
  --tls-key FILE          ... and this PEM private key (BRIDGE_TLS_KEY)
  --help                  show this help`;

export interface ParsedCommandLine {
  help: boolean;
  options: BridgeOptions;
  tlsFiles?: { cert: string; key: string };
}

/** Turns argv (without node and script) and the environment into bridge options. Throws OptionsError. */
export function parseCommandLine(argv: string[], env: NodeJS.ProcessEnv): ParsedCommandLine {
  let values;
  try {
    ({ values } = parseArgs({
      args: argv,
      strict: true,
      options: {
        listen: { type: 'string' },
        port: { type: 'string' },
        root: { type: 'string' },
        allow: { type: 'string', multiple: true },
        origin: { type: 'string', multiple: true },
        ports: { type: 'string' },
        'allow-ip-literals': { type: 'boolean' },
        'max-tunnels': { type: 'string' },
        'max-per-ip': { type: 'string' },
        'rate-per-ip': { type: 'string' },
        'connect-timeout': { type: 'string' },
        'idle-timeout': { type: 'string' },
        'max-lifetime': { type: 'string' },
        'max-message': { type: 'string' },
        'trust-proxy': { type: 'boolean' },
        'tls-cert': { type: 'string' },
        'tls-key': { type: 'string' },
        help: { type: 'boolean' },
      },
    }));
  } catch (error) {
    throw new OptionsError((error as Error).message);
  }
  const pick = (flag: string | undefined, name: string) => flag ?? env[name];
  const yes = (flag: boolean | undefined, name: string) => flag ?? /^(1|true|yes)$/i.test(env[name] ?? '');
  const options: BridgeOptions = {
    listen: pick(values.listen, 'BRIDGE_LISTEN') ?? defaults.listen,
    port: integer('--port', pick(values.port, 'BRIDGE_PORT') ?? String(defaults.port), 0, 65535),
    root: pick(values.root, 'BRIDGE_ROOT') ?? 'build',
    allow: values.allow ?? list(env.BRIDGE_ALLOW ?? ''),
    allowIpLiterals: yes(values['allow-ip-literals'], 'BRIDGE_ALLOW_IP_LITERALS'),
    trustProxy: yes(values['trust-proxy'], 'BRIDGE_TRUST_PROXY'),
  };
  for (const entry of options.allow ?? []) parseHostPort(entry);
  const origins = values.origin ?? list(env.BRIDGE_ORIGIN ?? '');
  if (origins.length > 0) options.origins = origins.map(parseOrigin);
  const ports = pick(values.ports, 'BRIDGE_PORTS');
  if (ports !== undefined) options.ports = list(ports).map((p) => integer('--ports', p, 1, 65535));
  const numbers: [string, keyof BridgeOptions, (name: string, text: string) => number][] = [
    ['max-tunnels', 'maxTunnels', (n, t) => integer(n, t, 1, 10_000_000)],
    ['max-per-ip', 'maxTunnelsPerIp', (n, t) => integer(n, t, 1, 10_000_000)],
    ['rate-per-ip', 'newTunnelsPerMinute', (n, t) => integer(n, t, 1, 10_000_000)],
    ['connect-timeout', 'connectTimeoutMs', seconds],
    ['idle-timeout', 'idleTimeoutMs', seconds],
    ['max-lifetime', 'maxLifetimeMs', seconds],
    ['max-message', 'maxMessageBytes', (n, t) => integer(n, t, 1024, 256 * 1024 * 1024)],
  ];
  for (const [flag, key, parse] of numbers) {
    const envName = `BRIDGE_${flag.replace(/-/g, '_').toUpperCase()}`;
    const text = pick((values as Record<string, string | undefined>)[flag], envName);
    if (text !== undefined) (options as unknown as Record<string, number>)[key] = parse(`--${flag}`, text);
  }
  const cert = pick(values['tls-cert'], 'BRIDGE_TLS_CERT');
  const key = pick(values['tls-key'], 'BRIDGE_TLS_KEY');
  if ((cert === undefined) !== (key === undefined))
    throw new OptionsError('--tls-cert and --tls-key go together');
  return {
    help: values.help ?? false,
    options,
    ...(cert !== undefined && key !== undefined ? { tlsFiles: { cert, key } } : {}),
  };
}

/** Checks an origin is scheme://host[:port] and returns it in the browser's serialisation. */
export function parseOrigin(text: string): string {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw new OptionsError(`expected an origin like https://mail.example.org, got "${text}"`);
  }
  if ((url.protocol !== 'http:' && url.protocol !== 'https:') || url.pathname.length > 1 || url.search)
    throw new OptionsError(`expected an origin like https://mail.example.org, got "${text}"`);
  return url.origin;
}
