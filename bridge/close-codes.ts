// WebSocket close codes the bridge sends, in one place. RFC 6455 §7.4.2 leaves 4000-4999 to applications;
// the page's WebSocket transport copies these numbers to turn a close into a message for the user.
// The close reason (at most 123 bytes, §5.5.1) adds detail such as "port 25 is not allowed".

export const CloseCode = {
  /** The Misfin host closed the TCP connection (FIN) and everything it sent was delivered. */
  peerClosed: 1000,
  /** The bridge is shutting down. */
  goingAway: 1001,
  /** The page broke the WebSocket protocol: an unmasked or malformed frame (RFC 6455 §7.4.1). */
  protocolError: 1002,
  /** A text frame arrived; the tunnel carries binary frames only. */
  textFrame: 1003,
  /** The page's close frame carried a reason that is not UTF-8 (RFC 6455 §8.1). */
  invalidPayload: 1007,
  /** A message was larger than the bridge's maximum message size. */
  messageTooBig: 1009,
  /** Something unexpected went wrong inside the bridge. */
  internalError: 1011,
  /** The destination is not allowed: port not on the list, IP literal, or a non-public address. */
  notAllowed: 4001,
  /** The host name did not resolve. */
  dnsFailure: 4002,
  /** The TCP connection was refused or the host was unreachable. */
  refused: 4003,
  /** Connecting took too long, or the tunnel was idle too long. */
  timeout: 4004,
  /** Too many tunnels (from this client or in total), or the tunnel reached its maximum lifetime. */
  limit: 4005,
  /** The Misfin host reset the connection or a TCP error happened after connecting. */
  peerReset: 4006,
} as const;

export type CloseCodeName = keyof typeof CloseCode;

/** Close reasons must fit in a control frame: 123 bytes of UTF-8 (RFC 6455 §5.5). */
export function closeReason(text: string): string {
  const bytes = Buffer.from(text, 'utf8');
  return bytes.length <= 123
    ? text
    : bytes
        .subarray(0, 120)
        .toString('utf8')
        .replace(/\uFFFD*$/, '') + '...';
}
