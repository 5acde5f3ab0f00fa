// One line per tunnel, and nothing else about it: no payload bytes ever reach the log (tls-notes §10.2).
// The fields are what the bridge can see anyway (design §5): client IP, destination, sizes and timings.

export interface TunnelRecord {
  start: number;
  clientIp: string;
  host: string;
  port: number;
  /** The IP the tunnel connected to, once known. */
  address?: string;
  /** Bytes from the page towards the host. */
  bytesUp: number;
  /** Bytes from the host towards the page. */
  bytesDown: number;
  closeCode: number;
  closeReason: string;
}

function quote(text: string): string {
  return JSON.stringify(text);
}

export function formatTunnelLine(record: TunnelRecord, end: number): string {
  return [
    new Date(end).toISOString(),
    'tunnel',
    `client=${record.clientIp}`,
    `dest=${record.host.includes(':') ? `[${record.host}]` : record.host}:${record.port}`,
    `ip=${record.address ?? '-'}`,
    `up=${record.bytesUp}`,
    `down=${record.bytesDown}`,
    `ms=${end - record.start}`,
    `close=${record.closeCode}`,
    `reason=${quote(record.closeReason)}`,
  ].join(' ');
}

export function stdoutLog(line: string): void {
  process.stdout.write(line + '\n');
}
