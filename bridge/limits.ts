// Counts open tunnels per client IP and in total. A slot is taken before the WebSocket handshake
// completes, so a burst of upgrades cannot overshoot the caps while earlier ones are still connecting.
import type { IncomingMessage } from 'node:http';
import { isIP } from 'node:net';

export class TunnelLimits {
  private readonly perIp = new Map<string, number>();
  private total = 0;

  constructor(
    private readonly maxTotal: number,
    private readonly maxPerIp: number,
  ) {}

  /** Takes a slot for `ip`, or says which cap is full. */
  acquire(ip: string): { ok: true } | { ok: false; reason: string } {
    if (this.total >= this.maxTotal) return { ok: false, reason: 'the bridge is at its tunnel limit' };
    const current = this.perIp.get(ip) ?? 0;
    if (current >= this.maxPerIp) return { ok: false, reason: `too many tunnels from ${ip}` };
    this.perIp.set(ip, current + 1);
    this.total += 1;
    return { ok: true };
  }

  release(ip: string): void {
    const current = this.perIp.get(ip) ?? 0;
    // Entries go away at zero so the map only ever holds clients with open tunnels.
    if (current <= 1) this.perIp.delete(ip);
    else this.perIp.set(ip, current - 1);
    if (current > 0) this.total -= 1;
  }

  get open(): number {
    return this.total;
  }
}

/**
 * The client's IP address. Behind a reverse proxy every request comes from the proxy, so with
 * `trustProxy` the address is the last X-Forwarded-For entry: the one the proxy itself appended (entries
 * before it were written by the client and prove nothing).
 */
export function clientIp(request: IncomingMessage, trustProxy: boolean): string {
  const direct = (request.socket.remoteAddress ?? 'unknown').replace(/^::ffff:(?=\d+\.\d+\.\d+\.\d+$)/, '');
  if (!trustProxy) return direct;
  const header = request.headers['x-forwarded-for'];
  const joined = Array.isArray(header) ? header.join(',') : (header ?? '');
  const last = joined.split(',').pop()?.trim() ?? '';
  return isIP(last) !== 0 ? last : direct;
}
