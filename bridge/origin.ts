// The Origin check on the tunnel upgrade. Browsers send Origin on every WebSocket handshake (RFC 6455
// §4.1 item 8), and without a check any web page a user visits could open tunnels through a bridge it can
// reach (cross-site WebSocket hijacking, tls-notes §10.1).
import { isIP } from 'node:net';

export interface OriginRequest {
  /** The Origin header, if any. */
  origin: string | undefined;
  /** The Host header, if any. */
  host: string | undefined;
  /** How the page was reached: 'http' or 'https' (from TLS, or X-Forwarded-Proto behind a trusted proxy). */
  scheme: 'http' | 'https';
}

function isLoopbackName(hostname: string): boolean {
  const name = hostname.replace(/^\[|\]$/g, '').toLowerCase();
  return (
    name === 'localhost' || name.endsWith('.localhost') || name === '::1' || /^127\.\d+\.\d+\.\d+$/.test(name)
  );
}

function parse(text: string): URL | null {
  try {
    const url = new URL(text);
    return url.protocol === 'http:' || url.protocol === 'https:' ? url : null;
  } catch {
    return null;
  }
}

/**
 * With configured origins, the Origin header must be one of them exactly. Without, the bridge accepts its
 * own origin (scheme + Host header), but only when the Host is an IP literal or a loopback name: a DNS name
 * in Host could be an attacker's name rebound to this machine, whose pages would then pass as "same
 * origin". Public deployments therefore name their origin with --origin. Loopback spellings (localhost,
 * 127.0.0.1, [::1]) count as one origin when scheme and port agree, since `npm start` prints localhost but
 * people also type 127.0.0.1.
 */
export function isOriginAllowed(request: OriginRequest, configured: readonly string[] | undefined): boolean {
  if (!request.origin) return false;
  const origin = parse(request.origin);
  if (!origin) return false;
  if (configured && configured.length > 0) return configured.includes(origin.origin);
  if (!request.host) return false;
  const own = parse(`${request.scheme}://${request.host}`);
  if (!own || own.username || own.password || own.pathname !== '/') return false;
  const ownName = own.hostname.replace(/^\[|\]$/g, '');
  if (!isLoopbackName(ownName) && isIP(ownName) === 0) return false;
  if (origin.origin === own.origin) return true;
  return (
    origin.protocol === own.protocol &&
    origin.port === own.port &&
    isLoopbackName(origin.hostname) &&
    isLoopbackName(own.hostname)
  );
}
