/**
 * Misfin fingerprints are SHA-256 of the DER certificate as lowercase hex "without octet separators"; receivers
 * "should make an effort to normalize received fingerprints" (spec §3.1, doc §13, §19 #5).
 */
export function normaliseFingerprint(text: string): string {
  return text.toLowerCase().replace(/[^0-9a-z]/g, '');
}

/** True for exactly 64 lowercase hex characters (a normalised SHA-256 fingerprint). */
export function isSha256Fingerprint(text: string): boolean {
  return /^[0-9a-f]{64}$/.test(text);
}
