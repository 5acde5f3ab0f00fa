// Extension codes and the generic extension-list codec (RFC 8446 §4.2).
import { ByteReader } from '../bytes/reader';
import { ByteWriter } from '../bytes/writer';
import { Alert } from './alerts';
import { protocolError } from './errors';

export const ExtensionType = {
  serverName: 0,
  maxFragmentLength: 1,
  statusRequest: 5,
  supportedGroups: 10,
  signatureAlgorithms: 13,
  useSrtp: 14,
  heartbeat: 15,
  alpn: 16,
  signedCertificateTimestamp: 18,
  clientCertificateType: 19,
  serverCertificateType: 20,
  padding: 21,
  recordSizeLimit: 28,
  sessionTicket: 35,
  preSharedKey: 41,
  earlyData: 42,
  supportedVersions: 43,
  cookie: 44,
  pskKeyExchangeModes: 45,
  certificateAuthorities: 47,
  oidFilters: 48,
  postHandshakeAuth: 49,
  signatureAlgorithmsCert: 50,
  keyShare: 51,
  renegotiationInfo: 0xff01,
} as const;

export interface Extension {
  type: number;
  data: Uint8Array;
}

export function encodeExtensions(writer: ByteWriter, extensions: Extension[]): void {
  writer.vec16((w) => {
    for (const extension of extensions) w.u16(extension.type).vec16((x) => x.bytes(extension.data));
  });
}

/** Parses extensions<..> and rejects duplicates, which RFC 8446 §4.2 forbids. */
export function parseExtensions(reader: ByteReader, where: string): Map<number, Uint8Array> {
  const block = new ByteReader(reader.vec16(`${where} extensions`));
  const out = new Map<number, Uint8Array>();
  while (block.remaining > 0) {
    const type = block.u16('extension type');
    const data = block.vec16('extension data');
    if (out.has(type)) throw protocolError(Alert.illegalParameter, `duplicate extension ${type} in ${where}`);
    out.set(type, data);
  }
  return out;
}

/** Extensions RFC 8446 §4.2 (and RFC 8449 for record_size_limit) permits in EncryptedExtensions. */
export const allowedInEncryptedExtensions = new Set<number>([
  ExtensionType.serverName,
  ExtensionType.maxFragmentLength,
  ExtensionType.supportedGroups,
  ExtensionType.useSrtp,
  ExtensionType.heartbeat,
  ExtensionType.alpn,
  ExtensionType.clientCertificateType,
  ExtensionType.serverCertificateType,
  ExtensionType.earlyData,
  ExtensionType.recordSizeLimit,
]);
