// Getting an identity out again: plain PEM for other Misfin clients (certificate chain + PKCS#8), and a
// passphrase-wrapped file for backup and shared computers (anchors.md §5.4: PBKDF2-HMAC-SHA256 with at
// least 600,000 iterations, OWASP; AES-GCM via wrapKey/unwrapKey so the key can come back non-extractable).
import { fromBase64, toBase64 } from '../bytes/base64';
import { equalBytes } from '../bytes/concat';
import { formatPem } from '../bytes/pem';
import { IdentityError, WrappedIdentityError, WrongPassphraseError } from './errors';
import { makeIdentity, type Identity } from './identity';
import { keyAlgorithmFor, type RsaScheme } from './keys';
import { CertificateError, parseCertificate } from './x509';

async function exportPkcs8(key: CryptoKey): Promise<Uint8Array> {
  if (!key.extractable) {
    throw new IdentityError(
      'not-extractable',
      'this identity key was created non-extractable and cannot be exported',
    );
  }
  return new Uint8Array(await crypto.subtle.exportKey('pkcs8', key));
}

/** PEM of the certificate chain + PKCS#8 key (key must be extractable). */
export async function exportIdentityPem(identity: Identity): Promise<string> {
  const key = await exportPkcs8(identity.privateKey);
  return (
    identity.certificateChain.map((der) => formatPem('CERTIFICATE', der)).join('') +
    formatPem('PRIVATE KEY', key)
  );
}

const format = 'misfin-webmail-wrapped-identity';
const version = 1;
export const wrapIterations = 600_000;
/** Refuse files that ask for absurd work (a denial of service) or that were weakened. */
const maxIterations = 10_000_000;

interface WrappedFile {
  format: typeof format;
  version: typeof version;
  kdf: { name: 'PBKDF2'; hash: 'SHA-256'; iterations: number; salt: string };
  cipher: { name: 'AES-GCM'; iv: string };
  /** HMAC of a fixed label under the derived secret: tells a wrong passphrase from a damaged file. */
  passphraseCheck: string;
  /** DER certificates, base64, leaf first. */
  certificates: string[];
  wrappedKey: string;
}

const utf8 = new TextEncoder();

/** Everything but the key is bound to the ciphertext as AES-GCM additional data. */
function additionalData(file: WrappedFile): Uint8Array {
  return utf8.encode(
    JSON.stringify([
      file.format,
      file.version,
      file.kdf.iterations,
      file.kdf.salt,
      file.cipher.iv,
      file.certificates,
    ]),
  );
}

/** One PBKDF2 block, then HMAC with labels to split it, so the legitimate user pays the iterations once. */
async function deriveKeys(
  passphrase: string,
  salt: Uint8Array,
  iterations: number,
): Promise<{ wrappingKey: CryptoKey; check: Uint8Array }> {
  const material = await crypto.subtle.importKey(
    'raw',
    utf8.encode(passphrase.normalize('NFC')),
    'PBKDF2',
    false,
    ['deriveBits'],
  );
  const secret = await crypto.subtle.deriveBits(
    { name: 'PBKDF2', hash: 'SHA-256', salt: salt as BufferSource, iterations },
    material,
    256,
  );
  const hmac = await crypto.subtle.importKey('raw', secret, { name: 'HMAC', hash: 'SHA-256' }, false, [
    'sign',
  ]);
  const label = async (text: string) =>
    new Uint8Array(await crypto.subtle.sign('HMAC', hmac, utf8.encode(text)));
  const wrappingKey = await crypto.subtle.importKey('raw', await label('aes-256-gcm key'), 'AES-GCM', false, [
    'wrapKey',
    'unwrapKey',
  ]);
  return { wrappingKey, check: await label('passphrase check') };
}

/** Passphrase-wrapped export: a small versioned JSON text that also carries the certificate chain. */
export async function exportWrappedIdentity(identity: Identity, passphrase: string): Promise<string> {
  if (!identity.privateKey.extractable) {
    throw new IdentityError(
      'not-extractable',
      'this identity key was created non-extractable and cannot be exported',
    );
  }
  const salt = crypto.getRandomValues(new Uint8Array(16));
  const iv = crypto.getRandomValues(new Uint8Array(12));
  const { wrappingKey, check } = await deriveKeys(passphrase, salt, wrapIterations);
  const file: WrappedFile = {
    format,
    version,
    kdf: { name: 'PBKDF2', hash: 'SHA-256', iterations: wrapIterations, salt: toBase64(salt) },
    cipher: { name: 'AES-GCM', iv: toBase64(iv) },
    passphraseCheck: toBase64(check),
    certificates: identity.certificateChain.map(toBase64),
    wrappedKey: '',
  };
  const wrapped = await crypto.subtle.wrapKey('pkcs8', identity.privateKey, wrappingKey, {
    name: 'AES-GCM',
    iv,
    additionalData: additionalData(file) as BufferSource,
  });
  file.wrappedKey = toBase64(new Uint8Array(wrapped));
  return JSON.stringify(file, null, 2) + '\n';
}

function readWrappedFile(text: string): WrappedFile {
  let file: WrappedFile;
  try {
    file = JSON.parse(text) as WrappedFile;
  } catch {
    throw new WrappedIdentityError('not a wrapped identity file (not JSON)');
  }
  const strings = (list: unknown) => Array.isArray(list) && list.every((item) => typeof item === 'string');
  if (file?.format !== format) throw new WrappedIdentityError('not a wrapped identity file');
  if (file.version !== version)
    throw new WrappedIdentityError(`unsupported wrapped identity version ${file.version}`);
  if (file.kdf?.name !== 'PBKDF2' || file.kdf.hash !== 'SHA-256' || file.cipher?.name !== 'AES-GCM') {
    throw new WrappedIdentityError('unsupported key derivation or cipher');
  }
  const iterations = file.kdf.iterations;
  if (!Number.isInteger(iterations) || iterations < wrapIterations || iterations > maxIterations) {
    throw new WrappedIdentityError(
      `PBKDF2 iteration count ${iterations} is outside ${wrapIterations}..${maxIterations}`,
    );
  }
  const fields = [file.kdf.salt, file.cipher.iv, file.passphraseCheck, file.wrappedKey];
  if (
    !fields.every((field) => typeof field === 'string') ||
    !strings(file.certificates) ||
    !file.certificates.length
  ) {
    throw new WrappedIdentityError('wrapped identity file is missing fields');
  }
  return file;
}

export async function importWrappedIdentity(
  text: string,
  passphrase: string,
  options: { extractable: boolean; rsaScheme?: RsaScheme },
): Promise<Identity> {
  const file = readWrappedFile(text);
  let salt: Uint8Array, iv: Uint8Array, check: Uint8Array, wrapped: Uint8Array, chain: Uint8Array[];
  try {
    [salt, iv, check, wrapped] = [file.kdf.salt, file.cipher.iv, file.passphraseCheck, file.wrappedKey].map(
      fromBase64,
    ) as [Uint8Array, Uint8Array, Uint8Array, Uint8Array];
    chain = file.certificates.map(fromBase64);
  } catch {
    throw new WrappedIdentityError('wrapped identity file has a field that is not base64');
  }
  if (iv.length !== 12 || salt.length < 16) throw new WrappedIdentityError('bad salt or IV length');
  const { wrappingKey, check: expected } = await deriveKeys(passphrase, salt, file.kdf.iterations);
  if (!equalBytes(check, expected)) throw new WrongPassphraseError();
  let algorithm;
  try {
    algorithm = keyAlgorithmFor(parseCertificate(chain[0]!).publicKeyAlgorithm, options.rsaScheme);
  } catch (error) {
    if (error instanceof CertificateError) throw new WrappedIdentityError(`certificate: ${error.message}`);
    throw error;
  }
  let privateKey: CryptoKey;
  try {
    privateKey = await crypto.subtle.unwrapKey(
      'pkcs8',
      wrapped as BufferSource,
      wrappingKey,
      { name: 'AES-GCM', iv: iv as BufferSource, additionalData: additionalData(file) as BufferSource },
      algorithm,
      options.extractable,
      ['sign'],
    );
  } catch {
    // The passphrase was right, so a failed authentication tag means the file was changed.
    throw new WrappedIdentityError(
      'the wrapped identity file was modified or damaged (authentication failed)',
    );
  }
  return makeIdentity(chain, privateKey);
}

export { WrongPassphraseError, WrappedIdentityError } from './errors';
