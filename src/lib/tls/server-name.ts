// What goes into the server_name extension (RFC 6066 §3). "Literal IPv4 and IPv6 addresses are not permitted
// in HostName", so for an IP literal the extension is left out entirely; a DNS name is sent in the canonical
// form servers compare against: ASCII lowercase, without the trailing dot of an absolute name.

const ipv4 = /^(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)(\.(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)){3}$/;

/** True for dotted-quad IPv4 and for IPv6 (optionally bracketed, optionally with a %zone). */
export function isIpLiteral(name: string): boolean {
  let host = name.trim();
  if (ipv4.test(host)) return true;
  if (host.startsWith('[') && host.endsWith(']')) host = host.slice(1, -1);
  host = host.replace(/%.*$/, '');
  // Any colon rules out a DNS host name; require hex groups so garbage is not mistaken for an address.
  if (!host.includes(':')) return false;
  if (!/^[0-9a-fA-F:.]+$/.test(host)) return false;
  const tail = host.split(':').at(-1) as string;
  // An embedded IPv4 tail (::ffff:192.0.2.1) must itself be a dotted quad.
  return !tail.includes('.') || ipv4.test(tail);
}

/**
 * The HostName to send as SNI, or undefined when no server_name extension may be sent (IP literal or empty).
 * RFC 6066 §3: the name is a byte string of ASCII (A-labels for IDNs), without a trailing dot; DNS names
 * compare case-insensitively (RFC 4343), so the lowercase form is the one every server recognises.
 */
export function sniHostName(serverName: string): string | undefined {
  const trimmed = serverName.trim();
  if (trimmed === '' || isIpLiteral(trimmed)) return undefined;
  const name = trimmed.replace(/\.$/, '').toLowerCase();
  return name === '' ? undefined : name;
}
