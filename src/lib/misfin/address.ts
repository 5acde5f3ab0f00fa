import { AddressError } from './errors';

/** Misfin servers "should be bound to port 1958" (spec §1, bp §3). */
export const DEFAULT_MISFIN_PORT = 1958;

export interface MisfinAddress {
  /** Case kept as written: the mailbox is the certificate UID (spec §3.1), which the host compares. */
  readonly mailbox: string;
  /** Lowercase; an IPv6 literal is stored without brackets (what a socket connect wants). */
  readonly host: string;
  readonly port: number;
}

/*
 * Mailbox characters. The spec only says "mailbox@hostname" (spec §3.1); GmCapsule accepts anything without
 * '@' or whitespace. We allow RFC 3986 userinfo characters minus the ones that break our other formats:
 * ':' (port), ',' (Misfin(C) metadata lines are comma-separated, protocol doc §8), ';', '(' ')' (the long
 * form "blurb (mailbox@host)"), '%' and '/?#' (they would change the meaning of a misfin:// URL).
 */
const MAILBOX_CHAR = /^[A-Za-z0-9._~!$&'*+=-]$/;
const MAILBOX_MAX = 128;
const HOST_LABEL = /^[a-z0-9_](?:[a-z0-9_-]{0,61}[a-z0-9_])?$/;
const IPV6_LITERAL = /^[0-9a-f:.]+$/;

function fail(input: string, what: string): never {
  throw new AddressError(
    `"${input.length > 80 ? input.slice(0, 80) + '…' : input}" is not a Misfin address: ${what}`,
    input,
  );
}

function checkMailbox(input: string, mailbox: string): void {
  if (mailbox.length === 0) fail(input, 'the mailbox before "@" is empty');
  if (mailbox.length > MAILBOX_MAX) fail(input, `the mailbox is longer than ${MAILBOX_MAX} characters`);
  for (const ch of mailbox) {
    if (!MAILBOX_CHAR.test(ch)) {
      const shown = /\s/.test(ch) ? 'whitespace' : `"${ch}"`;
      fail(input, `the mailbox contains ${shown}; allowed are letters, digits and . _ ~ ! $ & ' * + = -`);
    }
  }
}

function parseHost(input: string, hostPort: string): { host: string; port: number } {
  let host: string;
  let portText: string | undefined;
  if (hostPort.startsWith('[')) {
    const close = hostPort.indexOf(']');
    if (close < 0) fail(input, 'an IPv6 host needs a closing "]"');
    host = hostPort.slice(1, close).toLowerCase();
    const rest = hostPort.slice(close + 1);
    if (rest !== '' && !rest.startsWith(':')) fail(input, 'unexpected text after the IPv6 host');
    portText = rest === '' ? undefined : rest.slice(1);
    if (!IPV6_LITERAL.test(host) || !host.includes(':'))
      fail(input, 'the bracketed host is not an IPv6 address');
  } else {
    const colon = hostPort.lastIndexOf(':');
    host = (colon < 0 ? hostPort : hostPort.slice(0, colon)).toLowerCase();
    portText = colon < 0 ? undefined : hostPort.slice(colon + 1);
    if (host.length === 0) fail(input, 'the host after "@" is empty');
    if (host.includes(':')) fail(input, 'an IPv6 host must be written in brackets, like [::1]');
    if (/[^\x21-\x7e]/.test(host)) {
      fail(input, 'the host contains whitespace or non-ASCII characters (write an IDN in its xn-- form)');
    }
    if (host.length > 253) fail(input, 'the host is longer than 253 characters');
    for (const label of host.split('.')) {
      if (!HOST_LABEL.test(label)) fail(input, `the host label "${label}" is not a valid DNS label`);
    }
  }
  let port = DEFAULT_MISFIN_PORT;
  if (portText !== undefined) {
    if (!/^[0-9]{1,5}$/.test(portText)) fail(input, 'the port must be a number');
    port = Number(portText);
    if (port < 1 || port > 65535) fail(input, 'the port must be between 1 and 65535');
  }
  return { host, port };
}

/**
 * Parses `mailbox@host[:port]` and both link forms in use, `misfin:mailbox@host` and `misfin://mailbox@host`
 * (protocol doc §18, decision §19 #15). Surrounding whitespace is ignored; a query (`?message`) is not an
 * address — use parseMisfinLink for that.
 */
export function parseAddress(raw: string): MisfinAddress {
  const input = raw.trim();
  let text = input;
  const scheme = /^misfin:/i.exec(text);
  if (scheme) text = text.slice(scheme[0].length).replace(/^\/\//, '');
  if (text.endsWith('/')) text = text.slice(0, -1);
  const at = text.indexOf('@');
  if (at < 0) fail(input, 'it has no "@" between mailbox and host');
  const mailbox = text.slice(0, at);
  const hostPort = text.slice(at + 1);
  if (hostPort.includes('@')) fail(input, 'it has more than one "@"');
  checkMailbox(input, mailbox);
  const { host, port } = parseHost(input, hostPort);
  return { mailbox, host, port };
}

/** parseAddress that answers undefined instead of throwing, for "is this an address?" checks. */
export function tryParseAddress(raw: string): MisfinAddress | undefined {
  try {
    return parseAddress(raw);
  } catch (error) {
    if (error instanceof AddressError) return undefined;
    throw error;
  }
}

/** A link with a query: `misfin:address?message` (Lagrange composer) or `?subscribe` (Titlani lists), §18. */
export function parseMisfinLink(raw: string): { address: MisfinAddress; query?: string } {
  const input = raw.trim();
  const q = input.indexOf('?');
  if (q < 0) return { address: parseAddress(input) };
  const address = parseAddress(input.slice(0, q));
  let query: string;
  try {
    query = decodeURIComponent(input.slice(q + 1));
  } catch {
    throw new AddressError(
      `the text after "?" in "${input.slice(0, 80)}" is not valid percent-encoding`,
      input,
    );
  }
  return { address, query };
}

/** `host` or `host:port`, the port only when it is not 1958 (what Lagrange and drfin send, doc §3). */
export function formatHostPort(address: Pick<MisfinAddress, 'host' | 'port'>): string {
  const host = address.host.includes(':') ? `[${address.host}]` : address.host;
  return address.port === DEFAULT_MISFIN_PORT ? host : `${host}:${address.port}`;
}

/** `mailbox@host[:port]`, the form shown to people and written into metadata lines. */
export function formatAddress(address: MisfinAddress): string {
  return `${address.mailbox}@${formatHostPort(address)}`;
}

/** `misfin://mailbox@host[:port]`, the request URL (spec §1.2) and the one link form we emit (§19 #15). */
export function toRequestUrl(address: MisfinAddress): string {
  return `misfin://${formatAddress(address)}`;
}

/** Same mailbox: host and port compared exactly (host is lowercase already), mailbox as written. */
export function sameAddress(a: MisfinAddress, b: MisfinAddress): boolean {
  return a.mailbox === b.mailbox && a.host === b.host && a.port === b.port;
}
