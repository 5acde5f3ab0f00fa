import { formatAddress, sameAddress, type MisfinAddress } from './address';
import { MisfinProtocolError } from './errors';
import { misfinExchange, type Exchange, type MisfinClientOptions } from './exchange';
import { isSha256Fingerprint } from './fingerprint';
import type { OutgoingMail } from './gemmail-format';
import { encodeProbe, encodeRequest, type RequestForm } from './request';

export interface SendResult extends Exchange {
  form: RequestForm;
  /**
   * A `40` or `59` after a Misfin(C) request: the host may only speak Misfin(B) — the reference server
   * answers 40, others 59 (doc §4, §19 #3). The page should suggest shortening the message to B size.
   */
  mayNotSupportC: boolean;
}

/** Sends one message to one recipient (B when it fits, else C) and returns the typed response. */
export async function sendMessage(
  options: MisfinClientOptions & { to: MisfinAddress; message: OutgoingMail },
): Promise<SendResult> {
  const { form, bytes } = encodeRequest(options.to, options.message);
  const exchange = await misfinExchange(options, options.to, bytes);
  const status = exchange.response.status;
  return { ...exchange, form, mayNotSupportC: form === 'C' && (status === 40 || status === 59) };
}

export interface ProbeResult extends Exchange {
  /** The mailbox fingerprint from a `20` (64 lowercase hex), when the server sent a valid one. */
  fingerprint?: string;
}

/**
 * The blank-message probe (bp §3, doc §14): `misfin://a@h \r\n`; the `20` carries the mailbox
 * fingerprint and nothing is delivered. Probers should present a certificate (§19 #4).
 */
export async function probe(options: MisfinClientOptions & { to: MisfinAddress }): Promise<ProbeResult> {
  const exchange = await misfinExchange(options, options.to, encodeProbe(options.to));
  const fp = exchange.response.fingerprint;
  return fp !== undefined && isSha256Fingerprint(fp) ? { ...exchange, fingerprint: fp } : exchange;
}

export interface RedirectStep {
  from: MisfinAddress;
  to: MisfinAddress;
  /** 31: "use it for all future mail" — the caller updates the contact. */
  permanent: boolean;
}

export interface RedirectedSendResult extends SendResult {
  /** Where the last request went. */
  deliveredTo: MisfinAddress;
  redirects: RedirectStep[];
}

/** Titlani follows at most 5 redirects (doc §6); we ask the user at every hop and stop after 5. */
export const MAX_REDIRECTS = 5;

/**
 * Sends, and on a 30/31 asks `confirmRedirect` whether to resend to the new address ("clients should ask the
 * user before resending anything", bp §1, §19 #12). A declined redirect returns the 30/31 response.
 */
export async function sendFollowingRedirects(
  options: MisfinClientOptions & {
    to: MisfinAddress;
    message: OutgoingMail;
    confirmRedirect: (step: RedirectStep) => Promise<boolean>;
  },
): Promise<RedirectedSendResult> {
  const redirects: RedirectStep[] = [];
  let target = options.to;
  for (;;) {
    const result = await sendMessage({ ...options, to: target });
    const next = result.response.redirect;
    if (!next) return { ...result, deliveredTo: target, redirects };
    const step: RedirectStep = { from: target, to: next, permanent: result.response.status === 31 };
    if (!(await options.confirmRedirect(step))) return { ...result, deliveredTo: target, redirects };
    if (redirects.length >= MAX_REDIRECTS) {
      throw new MisfinProtocolError(
        `more than ${MAX_REDIRECTS} redirects; the last one pointed to ${formatAddress(next)}`,
      );
    }
    if (sameAddress(next, options.to) || redirects.some((r) => sameAddress(r.to, next))) {
      throw new MisfinProtocolError('the redirects go round in a loop');
    }
    redirects.push(step);
    target = next;
  }
}
