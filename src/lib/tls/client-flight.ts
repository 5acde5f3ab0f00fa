// The client's second flight (RFC 8446 §4.4): Certificate and CertificateVerify when the server asked
// for them, then Finished. Built once the server Finished is in the transcript; the handshake sends it only
// after the server Finished verified and the trust callback accepted the server.
import type { CipherSuite } from './cipher-suites';
import { chooseClientScheme, signCertificateVerify } from './client-auth';
import {
  encodeCertificate,
  encodeCertificateVerify,
  encodeFinished,
  type CertificateRequest,
} from './handshake-messages';
import { hmac } from './key-schedule';
import { certificateVerifyContent } from './signature-verify';
import type { Transcript } from './transcript';
import type { ClientIdentity } from './types';

export interface ClientFlight {
  messages: Uint8Array[];
  clientCertificateSent: boolean;
  /** Transcript through our Finished, for resumption_master_secret. */
  resumptionTranscript: Uint8Array;
}

/** Adds each message to the transcript as it is built. */
export async function buildClientFlight(
  transcript: Transcript,
  suite: CipherSuite,
  request: CertificateRequest | undefined,
  identity: ClientIdentity | undefined,
  clientFinishedKey: Promise<Uint8Array>,
): Promise<ClientFlight> {
  const messages: Uint8Array[] = [];
  let clientCertificateSent = false;
  if (request) {
    if (identity && identity.certificateChain.length > 0) {
      const scheme = chooseClientScheme(identity, request.signatureAlgorithms);
      const certificate = encodeCertificate(request.context, identity.certificateChain);
      transcript.add(certificate);
      messages.push(certificate);
      const content = certificateVerifyContent('client', await transcript.hash(suite.hash));
      const verify = encodeCertificateVerify(scheme, await signCertificateVerify(identity, scheme, content));
      transcript.add(verify);
      messages.push(verify);
      clientCertificateSent = true;
    } else {
      // §4.4.2: without a suitable certificate the client sends an empty one and no CertificateVerify.
      const empty = encodeCertificate(request.context, []);
      transcript.add(empty);
      messages.push(empty);
    }
  }
  const [key, transcriptHash] = await Promise.all([clientFinishedKey, transcript.hash(suite.hash)]);
  const finished = encodeFinished(await hmac(suite.hash, key, transcriptHash));
  transcript.add(finished);
  messages.push(finished);
  return { messages, clientCertificateSent, resumptionTranscript: transcript.bytes() };
}
