// Registration by CSR (seed 000: the host "accept[s] CSRs so that users can register certificates without
// the server seeing or storing the private key"; design.md §3 "Register"; contract mailhost-api.md):
// `gemini://HOST/register?mailbox=<name>&invite=<code>&csr=<base64url DER>`.
import { fromBase64Url } from '../src/lib/bytes/base64';
import { formatPem } from '../src/lib/bytes/pem';
import { parseCsr, type ParsedCsr } from '../src/lib/identity/csr';
import { CsrError } from '../src/lib/identity/errors';
import { certificateFingerprint } from '../src/lib/identity/x509';
import { issueMailboxCertificate } from './certs';
import { checkMailboxName } from './config';
import type { HostContext, Reply } from './context';
import type { Domain } from './domain';

class RegistrationRefused extends Error {
  constructor(readonly reply: Reply) {
    super(reply.meta);
  }
}

async function readCsr(text: string | null): Promise<ParsedCsr> {
  if (!text) throw new RegistrationRefused({ status: 59, meta: 'missing csr' });
  let der: Uint8Array;
  try {
    der = fromBase64Url(text);
  } catch {
    throw new RegistrationRefused({ status: 59, meta: 'csr is not base64url' });
  }
  try {
    return await parseCsr(der);
  } catch (error) {
    if (error instanceof CsrError)
      throw new RegistrationRefused({ status: 59, meta: `bad csr: ${error.message}` });
    throw error;
  }
}

/** The CSR must prove possession and must not ask for another mailbox or host than the invite's. */
function checkCsrFields(csr: ParsedCsr, mailbox: string, host: string): void {
  if (!csr.signatureValid) throw new RegistrationRefused({ status: 59, meta: 'csr signature is not valid' });
  if (csr.uid !== undefined && csr.uid.toLowerCase() !== mailbox.toLowerCase()) {
    throw new RegistrationRefused({ status: 59, meta: `csr UID ${csr.uid.slice(0, 64)} is not ${mailbox}` });
  }
  if (csr.dnsNames.length > 0 && !csr.dnsNames.some((n) => n.toLowerCase() === host)) {
    throw new RegistrationRefused({ status: 59, meta: `csr subjectAltName does not name ${host}` });
  }
}

export async function handleRegistration(
  ctx: HostContext,
  domain: Domain,
  query: string | undefined,
  ip: string,
): Promise<Reply> {
  const limiter = ctx.registrationLimiter;
  if (!limiter.allows(ip)) return { status: 44, meta: String(limiter.retryAfterSeconds(ip)) };
  const params = new URLSearchParams(query ?? '');
  const name = params.get('mailbox') ?? '';
  const code = params.get('invite') ?? '';
  try {
    try {
      checkMailboxName(name);
    } catch {
      throw new RegistrationRefused({ status: 61, meta: 'invite not valid' });
    }
    if (code === '') throw new RegistrationRefused({ status: 61, meta: 'invite not valid' });
    const outcome = await domain.invites.consume(name, code, async () => {
      const csr = await readCsr(params.get('csr'));
      checkCsrFields(csr, name, domain.host);
      const mailbox = (await domain.mailbox(name)) ?? (await domain.createMailbox(name, { kind: 'user' }));
      const der = await issueMailboxCertificate(domain.ca, csr.spki, {
        mailbox: mailbox.name,
        ...(csr.commonName ? { displayName: csr.commonName } : {}),
        host: domain.host,
      });
      const fingerprint = await certificateFingerprint(der);
      mailbox.meta.fingerprints = [
        fingerprint,
        ...mailbox.meta.fingerprints.filter((f) => f !== fingerprint),
      ];
      await mailbox.saveMeta();
      return { der, fingerprint, mailbox: mailbox.name };
    });
    if (!outcome.check.ok || !outcome.result) {
      throw new RegistrationRefused({ status: 61, meta: 'invite not valid' });
    }
    ctx.log(
      `register: ${outcome.result.mailbox}@${domain.host} got certificate ${outcome.result.fingerprint}`,
    );
    return {
      status: 20,
      meta: 'application/x-pem-file',
      body: formatPem('CERTIFICATE', outcome.result.der) + domain.ca.certPem,
    };
  } catch (error) {
    if (!(error instanceof RegistrationRefused)) throw error;
    limiter.take(ip); // Only failures are charged: guessing invite codes is what the limit is for.
    ctx.log(`register: refused ${name.slice(0, 64)}@${domain.host}: ${error.reply.status}`);
    return error.reply;
  }
}
