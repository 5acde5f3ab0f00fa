// ClientHello (RFC 8446 §4.1.2) with the profile of tls-notes §5.1. The extension list can be rewritten by
// a hook so RFC 8448 traces, which carry extra extensions, can be reproduced byte for byte.
import { ByteWriter } from '../bytes/writer';
import { encodeExtensions, ExtensionType, type Extension } from './extensions';
import { encodeHandshake, HandshakeType } from './handshake-framing';
import type { EphemeralKeyShare } from './key-share';
import { pskKeyExchangeModesExtension } from './resumption-psk';
import { sniHostName } from './server-name';

export interface ClientHelloParameters {
  random: Uint8Array;
  sessionId: Uint8Array;
  cipherSuites: readonly number[];
  serverName: string;
  supportedGroups: readonly number[];
  keyShares: readonly EphemeralKeyShare[];
  signatureAlgorithms: readonly number[];
  /** Echoed from a HelloRetryRequest (§4.2.2). */
  cookie?: Uint8Array;
  /** Send psk_key_exchange_modes (§4.2.9); kept in a second ClientHello even if the PSK was dropped. */
  pskModes?: boolean;
  /** pre_shared_key (§4.2.11), always placed last, after the hook ran; its binder is zero until filled in. */
  preSharedKey?: Extension;
}

/** 1 for the first ClientHello, 2 for the one answering a HelloRetryRequest. */
export type ClientHelloHook = (extensions: Extension[], attempt: 1 | 2) => Extension[];

const encoder = new TextEncoder();

/** server_name for `hostName`, or undefined for an IP literal, which RFC 6066 §3 forbids there. */
export function serverNameExtension(hostName: string): Extension | undefined {
  const sni = sniHostName(hostName);
  if (sni === undefined) return undefined;
  const name = encoder.encode(sni);
  return {
    type: ExtensionType.serverName,
    data: new ByteWriter().vec16((w) => w.u8(0).vec16((x) => x.bytes(name))).finish(),
  };
}

export function defaultClientHelloExtensions(p: ClientHelloParameters): Extension[] {
  const sni = serverNameExtension(p.serverName);
  const extensions: Extension[] = [
    ...(sni ? [sni] : []),
    {
      type: ExtensionType.supportedGroups,
      data: new ByteWriter().vec16((w) => p.supportedGroups.forEach((g) => w.u16(g))).finish(),
    },
    {
      type: ExtensionType.keyShare,
      data: new ByteWriter()
        .vec16((w) => {
          for (const share of p.keyShares) w.u16(share.group).vec16((x) => x.bytes(share.publicKey));
        })
        .finish(),
    },
    { type: ExtensionType.supportedVersions, data: Uint8Array.of(2, 0x03, 0x04) },
    {
      type: ExtensionType.signatureAlgorithms,
      data: new ByteWriter().vec16((w) => p.signatureAlgorithms.forEach((s) => w.u16(s))).finish(),
    },
  ];
  if (p.cookie) {
    const cookie = p.cookie;
    extensions.push({
      type: ExtensionType.cookie,
      data: new ByteWriter().vec16((w) => w.bytes(cookie)).finish(),
    });
  }
  if (p.pskModes) extensions.push(pskKeyExchangeModesExtension());
  return extensions;
}

/** The ClientHello handshake message (with its 4-byte header) and the extension types it carries. */
export function encodeClientHello(
  p: ClientHelloParameters,
  attempt: 1 | 2,
  hook?: ClientHelloHook,
): { message: Uint8Array; extensionTypes: Set<number> } {
  let extensions = defaultClientHelloExtensions(p);
  if (hook) extensions = hook(extensions, attempt);
  // §4.2.11: pre_shared_key MUST be the last extension (the binder covers everything before it).
  extensions = extensions.filter((e) => e.type !== ExtensionType.preSharedKey);
  if (p.preSharedKey) extensions.push(p.preSharedKey);
  const body = new ByteWriter(512)
    .u16(0x0303)
    .bytes(p.random)
    .vec8((w) => w.bytes(p.sessionId))
    .vec16((w) => p.cipherSuites.forEach((suite) => w.u16(suite)))
    .vec8((w) => w.u8(0));
  encodeExtensions(body, extensions);
  return {
    message: encodeHandshake(HandshakeType.clientHello, body.finish()),
    extensionTypes: new Set(extensions.map((e) => e.type)),
  };
}
