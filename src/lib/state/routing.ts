import { DEFAULT_MISFIN_PORT, formatAddress, parseAddress, type MisfinAddress } from '../misfin/address';

/**
 * Where to connect for an address. Sender lines carry `mailbox@host` without a port (the host writes the
 * certificate's UID@SAN, doc §10), so mail from a host served on another port than 1958 — a test host, a
 * host behind a port map — would be answered on the wrong port. When the address names no port and its host
 * is the home host of one of our identities, we use that identity's port: same host, same listener.
 */
export function routeAddress(raw: string, homes: readonly { host: string; port: number }[]): MisfinAddress {
  const address = parseAddress(raw);
  const explicitPort = /@(\[[^\]]*\]|[^:]*):\d+\/?$/.test(raw.trim());
  if (explicitPort || address.port !== DEFAULT_MISFIN_PORT) return address;
  const home = homes.find((h) => h.host === address.host);
  return home ? { ...address, port: home.port } : address;
}

/** The address as shown and stored: `mailbox@host`, with `:port` only when it is not 1958. */
export function displayAddress(address: MisfinAddress): string {
  return formatAddress(address);
}

/** `mailbox@host` without the port, the form host-written sender lines use, for comparisons. */
export function bareAddress(raw: string): string {
  const a = parseAddress(raw);
  return formatAddress({ ...a, port: DEFAULT_MISFIN_PORT });
}

/** Splits the To field: addresses separated by whitespace, commas or semicolons; duplicates dropped. */
export function splitRecipients(field: string): string[] {
  const seen: string[] = [];
  for (const part of field.split(/[\s,;]+/)) {
    if (part !== '' && !seen.includes(part)) seen.push(part);
  }
  return seen;
}
