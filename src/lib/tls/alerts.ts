// Alert descriptions (RFC 8446 §6 and Appendix B.2). In TLS 1.3 every alert but close_notify and
// user_canceled is fatal, whatever level the sender claims (§6).

export const Alert = {
  closeNotify: 0,
  unexpectedMessage: 10,
  badRecordMac: 20,
  recordOverflow: 22,
  handshakeFailure: 40,
  badCertificate: 42,
  unsupportedCertificate: 43,
  certificateRevoked: 44,
  certificateExpired: 45,
  certificateUnknown: 46,
  illegalParameter: 47,
  unknownCa: 48,
  accessDenied: 49,
  decodeError: 50,
  decryptError: 51,
  protocolVersion: 70,
  insufficientSecurity: 71,
  internalError: 80,
  inappropriateFallback: 86,
  userCanceled: 90,
  missingExtension: 109,
  unsupportedExtension: 110,
  unrecognizedName: 112,
  badCertificateStatusResponse: 113,
  unknownPskIdentity: 115,
  certificateRequired: 116,
  noApplicationProtocol: 120,
} as const;

export type AlertName = keyof typeof Alert;

const snakeNames = new Map<number, string>(
  Object.entries(Alert).map(([camel, code]) => [code, camel.replace(/[A-Z]/g, (c) => '_' + c.toLowerCase())]),
);

/** 'bad_record_mac' for 20; 'alert_N' for codes RFC 8446 does not name. */
export function alertCodeName(code: number): string {
  return snakeNames.get(code) ?? `alert_${code}`;
}

/** Alert record body: level (1 warning, 2 fatal) then description (RFC 8446 §6). */
export function encodeAlert(description: number): Uint8Array {
  const level = description === Alert.closeNotify || description === Alert.userCanceled ? 1 : 2;
  return Uint8Array.of(level, description);
}
