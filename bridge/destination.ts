// Turns `?host=&port=` into the exact IP addresses a tunnel may connect to. The name is resolved once
// here and the tunnel connects to these addresses, never to the name, so a DNS answer that changes
// between check and connect (rebinding) cannot steer the bridge (tls-notes §10.2).
import { isIP } from 'node:net';
import { classifyAddress } from './address-policy';
import { CloseCode } from './close-codes';
import { normaliseHost, parseHostPort, type HostPort, type LookupFunction } from './options';

export interface DestinationPolicy {
  ports: ReadonlySet<number>;
  allow: readonly HostPort[];
  allowIpLiterals: boolean;
  lookup: LookupFunction;
}

export type Destination =
  | { ok: true; addresses: { address: string; family: number }[]; allowListed: boolean }
  | { ok: false; code: number; reason: string };

export class TargetError extends Error {
  override name = 'TargetError';
}

const hostnamePattern = /^(?=.{1,253}$)[a-z0-9_](?:[a-z0-9_-]{0,62})(?:\.[a-z0-9_](?:[a-z0-9_-]{0,62}))*$/;

/** Reads host and port from the tunnel URL's query; throws TargetError for anything malformed. */
export function parseTarget(query: URLSearchParams): HostPort {
  const hosts = query.getAll('host');
  const ports = query.getAll('port');
  if (hosts.length !== 1 || ports.length !== 1) throw new TargetError('need exactly one host and one port');
  let host = normaliseHost(hosts[0] ?? '');
  if (host.startsWith('[') && host.endsWith(']')) host = host.slice(1, -1);
  if (isIP(host) === 0 && !hostnamePattern.test(host)) throw new TargetError('host is not a valid host name');
  const portText = ports[0] ?? '';
  const port = Number(portText);
  if (!/^\d{1,5}$/.test(portText) || port < 1 || port > 65535)
    throw new TargetError('port must be a number from 1 to 65535');
  return { host, port };
}

export function parseAllowList(entries: readonly string[]): HostPort[] {
  return entries.map((entry) => {
    const parsed = parseHostPort(entry);
    return { host: parsed.host.replace(/^\[|\]$/g, ''), port: parsed.port };
  });
}

// WHATWG URL §3.5 "ends in a number": such names are IPv4 in some notation (127.1, 0x7f.1, 2130706433)
// for resolvers built on inet_aton, never DNS names.
function endsInNumber(host: string): boolean {
  const last = host.split('.').pop() ?? '';
  return /^\d+$/.test(last) || /^0x[0-9a-f]*$/.test(last);
}

async function resolve(host: string, lookup: LookupFunction) {
  const family = isIP(host);
  if (family !== 0) return [{ address: host, family }];
  const answers = await lookup(host);
  if (answers.length === 0) throw new Error('no addresses');
  return answers;
}

/** Applies the bridge's policy to a target and resolves it. Never throws. */
export async function checkDestination(target: HostPort, policy: DestinationPolicy): Promise<Destination> {
  const allowListed = policy.allow.some((entry) => entry.host === target.host && entry.port === target.port);
  if (!allowListed) {
    if (!policy.ports.has(target.port))
      return { ok: false, code: CloseCode.notAllowed, reason: `port ${target.port} is not allowed` };
    const literal = isIP(target.host) !== 0;
    if ((literal || endsInNumber(target.host)) && !(literal && policy.allowIpLiterals))
      return {
        ok: false,
        code: CloseCode.notAllowed,
        reason: 'IP addresses are not accepted, use a host name',
      };
  }
  let addresses;
  try {
    addresses = await resolve(target.host, policy.lookup);
  } catch {
    return { ok: false, code: CloseCode.dnsFailure, reason: `${target.host} did not resolve` };
  }
  if (!allowListed) {
    // One non-public answer refuses the whole name: mixing public and private answers is how an attacker
    // would try to slip a private address past a check that only looked at the first one.
    for (const { address } of addresses) {
      const verdict = classifyAddress(address);
      if (!verdict.public)
        return {
          ok: false,
          code: CloseCode.notAllowed,
          reason: `${target.host} is not public (${verdict.reason})`,
        };
    }
  }
  return { ok: true, addresses, allowListed };
}
