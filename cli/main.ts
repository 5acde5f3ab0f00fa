// The `misfin` command (design.md §2: identity, send, probe, gmap; uses src/lib only). Exit codes: 0 for a
// 2x answer, 1 for any other status, 2 for usage errors, 3 for TLS or network failures.
import { GeminiProtocolError, GmapError } from '../src/lib/gemini/errors';
import { GmapStatusError } from '../src/lib/gemini/gmap-client';
import { AddressError, MisfinProtocolError, MisfinRequestError } from '../src/lib/misfin/errors';
import { TlsError } from '../src/lib/tls/errors';
import { TransportError } from '../src/lib/tls/transport';
import { UsageError } from './args';
import { gmapCommand } from './gmap-commands';
import { mainHelp, type CommandIo } from './help';
import { identityCommand } from './identity-commands';
import { KnownHostsError } from './known-hosts';
import { probeCommand, sendCommand } from './mail-commands';
import { HostKeyRefusedError } from './session';

const commands: Record<string, (argv: string[], io: CommandIo) => Promise<number>> = {
  identity: identityCommand,
  send: sendCommand,
  probe: probeCommand,
  gmap: gmapCommand,
};

/** Maps a failure to its exit code and a one-line reason for stderr. */
export function classify(error: unknown): { code: number; message: string } {
  if (error instanceof GmapStatusError) return { code: 1, message: error.message };
  if (error instanceof UsageError || error instanceof AddressError || error instanceof MisfinRequestError) {
    return { code: 2, message: error.message };
  }
  if (error instanceof GmapError) return { code: 2, message: error.message };
  if (error instanceof TlsError) return { code: 3, message: `TLS failure (${error.code}): ${error.message}` };
  if (error instanceof TransportError)
    return { code: 3, message: `network failure (${error.code}): ${error.message}` };
  if (
    error instanceof HostKeyRefusedError ||
    error instanceof MisfinProtocolError ||
    error instanceof GeminiProtocolError ||
    error instanceof KnownHostsError
  ) {
    return { code: 3, message: error.message };
  }
  return { code: 3, message: `unexpected failure: ${(error as Error)?.stack ?? String(error)}` };
}

export async function run(argv: string[], io: CommandIo): Promise<number> {
  const [name, ...rest] = argv;
  if (name === undefined || name === '--help' || name === '-h' || name === 'help') {
    (name === undefined ? io.err : io.out)(mainHelp);
    return name === undefined ? 2 : 0;
  }
  const command = commands[name];
  if (!command) {
    io.err(`misfin: unknown command "${name}"\n\n${mainHelp}`);
    return 2;
  }
  try {
    return await command(rest, io);
  } catch (error) {
    const { code, message } = classify(error);
    io.err(`misfin: ${message}`);
    return code;
  }
}

async function readStdin(): Promise<string> {
  if (process.stdin.isTTY)
    process.stderr.write('misfin: type the message, then Ctrl-D on a line of its own\n');
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

const io: CommandIo = {
  out: (line) => process.stdout.write(line + '\n'),
  write: (text) => process.stdout.write(text),
  err: (line) => process.stderr.write(line + '\n'),
  readStdin,
};

const code = await run(process.argv.slice(2), io);
// Let stdout drain before exiting, so piped output is never cut short.
process.stdout.write('', () => process.exit(code));
