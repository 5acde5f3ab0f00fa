// `misfin send` and `misfin probe` (design.md §3 "Send" and "Probe"): one Misfin request each, with the
// identity as TLS client certificate; the response line is printed as received.
import { formatAddress, parseAddress, type MisfinAddress } from '../src/lib/misfin/address';
import { AddressError } from '../src/lib/misfin/errors';
import type { MisfinResponse } from '../src/lib/misfin/response';
import { probe, sendFollowingRedirects } from '../src/lib/misfin/send';
import { parseArgs, required, UsageError } from './args';
import { probeHelp, sendHelp, type CommandIo } from './help';
import { networkFlags, networkValues, openSession } from './session';

function addressArgument(text: string): MisfinAddress {
  try {
    return parseAddress(text);
  } catch (error) {
    if (error instanceof AddressError) throw new UsageError(error.message);
    throw error;
  }
}

function responseLine(response: MisfinResponse): string {
  return response.meta === '' ? String(response.status) : `${response.status} ${response.meta}`;
}

/** Exit code 0 only for 2x (the CLI's contract); the status meaning goes to stderr for anything else. */
function explain(response: MisfinResponse, io: CommandIo): number {
  if (response.category === 'success') return 0;
  io.err(`misfin: ${response.status} ${response.info.name}: ${response.info.meaning}`);
  return 1;
}

export async function sendCommand(argv: string[], io: CommandIo): Promise<number> {
  const args = parseArgs(argv, {
    values: [...networkValues, 'to', 'message'],
    flags: [...networkFlags, 'follow-redirects'],
  });
  if (args.flags.has('help')) return (io.out(sendHelp), 0);
  if (args.positionals.length) throw new UsageError(`unexpected argument ${args.positionals[0]}`);
  const to = addressArgument(required(args, 'to'));
  const body = args.values.get('message') ?? (await io.readStdin());
  const session = await openSession(args, io.err);
  const follow = args.flags.has('follow-redirects');
  const result = await sendFollowingRedirects({
    ...session,
    to,
    message: { body },
    confirmRedirect: async (step) => {
      if (follow)
        io.err(
          `misfin: redirected to ${formatAddress(step.to)}${step.permanent ? ' (permanent)' : ''}; resending`,
        );
      return follow;
    },
  });
  io.out(responseLine(result.response));
  const redirect = result.response.redirect;
  if (redirect) {
    io.err(
      `misfin: the mailbox asks to send to ${formatAddress(redirect)} instead; run again with --follow-redirects to do so`,
    );
  }
  if (result.mayNotSupportC) {
    io.err(
      'misfin: the message was sent as Misfin(C); this host may only speak Misfin(B): shorten it to under 2048 bytes',
    );
  }
  return explain(result.response, io);
}

export async function probeCommand(argv: string[], io: CommandIo): Promise<number> {
  const args = parseArgs(argv, { values: [...networkValues], flags: [...networkFlags] });
  if (args.flags.has('help')) return (io.out(probeHelp), 0);
  const [text, extra] = args.positionals;
  if (!text || extra) throw new UsageError('usage: misfin probe --identity FILE ADDRESS');
  const to = addressArgument(text);
  const session = await openSession(args, io.err);
  const result = await probe({ ...session, to });
  if (result.response.status === 20 && result.fingerprint) {
    io.out(result.fingerprint);
    return 0;
  }
  io.out(responseLine(result.response));
  if (result.response.status === 20) {
    io.err('misfin: the host answered 20 without a SHA-256 fingerprint');
    return 1;
  }
  return explain(result.response, io);
}
