import { text } from '../messages';
import type { HostPinRecord } from '../store';
import { HostKeyChangedError } from '../trust/host-pins';
import type { Webmail } from './webmail.svelte';

/** Host pins (TOFU, design §4): list, remove, and the one changed key waiting for the user's decision. */
export class HostKeys {
  pins = $state.raw<HostPinRecord[]>([]);
  problem = $state.raw<HostKeyChangedError>();

  constructor(private readonly app: Webmail) {}

  async load(): Promise<void> {
    this.pins = await this.app.store.hostPins.list();
  }

  async remove(host: string, port: number): Promise<void> {
    await this.app.store.hostPins.delete(host, port);
    this.app.net.forgetSessions();
    await this.load();
  }

  /** Records a changed-key refusal so the page can explain it; true when `error` was one. */
  notice(error: unknown): boolean {
    const changed = hostKeyChange(error);
    if (!changed) return false;
    this.problem = changed;
    return true;
  }

  explain(error: HostKeyChangedError): string {
    return text.pins.changed(
      `${error.host}:${error.port}`,
      error.pinned.spkiSha256,
      error.presented.spkiSha256,
    );
  }

  /** The user accepted the new key explicitly: pin what the host presented. */
  async accept(): Promise<void> {
    const problem = this.problem;
    if (!problem) return;
    const now = Date.now();
    await this.app.store.hostPins.put({
      host: problem.host,
      port: problem.port,
      certSha256: problem.presented.certSha256,
      spkiSha256: problem.presented.spkiSha256,
      firstSeen: now,
      lastSeen: now,
    });
    this.problem = undefined;
    this.app.net.forgetSessions();
    await this.load();
  }

  dismiss(): void {
    this.problem = undefined;
  }
}

/** The TLS client wraps the trust callback's refusal in a TlsError; find it along the cause chain. */
export function hostKeyChange(error: unknown): HostKeyChangedError | undefined {
  for (let e = error, depth = 0; e !== undefined && depth < 5; depth++) {
    if (e instanceof HostKeyChangedError) return e;
    e = e instanceof Error ? e.cause : undefined;
  }
  return undefined;
}

/** Plain words for a failure to talk to a host at all. */
export function describeFailure(error: unknown): string {
  const changed = hostKeyChange(error);
  if (changed) {
    return `the key of ${changed.host}:${changed.port} changed since it was pinned, so nothing was sent`;
  }
  const message = error instanceof Error ? error.message : String(error);
  return message.replace(/\.$/, '');
}
