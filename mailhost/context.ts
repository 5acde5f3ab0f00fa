// What the request handlers share: the served domains, settings, limiters and the verifier.
import type { HostSettings } from './config';
import type { Domain } from './domain';
import type { ListRelay } from './lists';
import type { ResolveHost } from './outbound';
import type { RateLimiter } from './rate-limit';
import type { SenderVerifier } from './verify-sender';

export interface HostContext {
  dataDir: string;
  settings: HostSettings;
  /** By lowercase host name. */
  domains: Map<string, Domain>;
  verifier: SenderVerifier;
  ipLimiter: RateLimiter;
  senderLimiter: RateLimiter;
  registrationLimiter: RateLimiter;
  resolve: ResolveHost;
  lists: ListRelay;
  now: () => number;
  /** Operational log: statuses, addresses, never message bodies or keys. */
  log: (line: string) => void;
}

export interface Reply {
  status: number;
  meta: string;
  /** Gemini responses only: the body after the header line. */
  body?: string;
}
