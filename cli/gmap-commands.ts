// `misfin gmap ...`: mailbox access over GMAP (misfin-protocol.md §15), authenticated by the identity.
import { GmapClient } from '../src/lib/gemini/gmap-client';
import { GMAP_TAGS } from '../src/lib/gemini/gmap';
import { DEFAULT_MISFIN_PORT } from '../src/lib/misfin/address';
import { parseArgs, parseHostPort, UsageError } from './args';
import { gmapHelp, type CommandIo } from './help';
import { networkFlags, networkValues, openSession } from './session';

const arity: Record<string, number> = { list: -1, fetch: 1, tag: 2, untag: 2, delete: 1 };

export async function gmapCommand(argv: string[], io: CommandIo): Promise<number> {
  const args = parseArgs(argv, { values: [...networkValues, 'host'], flags: [...networkFlags] });
  const [command, ...operands] = args.positionals;
  if (args.flags.has('help')) return (io.out(gmapHelp), 0);
  if (!command) {
    io.err(gmapHelp);
    return 2;
  }
  const expected = arity[command];
  if (expected === undefined)
    throw new UsageError(`unknown gmap command "${command}" (list, fetch, tag, untag, delete)`);
  if (expected === -1 ? operands.length > 1 : operands.length !== expected) {
    throw new UsageError(`wrong number of arguments for "gmap ${command}"; see misfin gmap --help`);
  }
  const session = await openSession(args, io.err);
  const hostText = args.values.get('host') ?? session.identity.certificate.dnsNames[0]!;
  const server = parseHostPort(hostText, DEFAULT_MISFIN_PORT);
  const client = new GmapClient({ ...session, server });
  const [first, second] = operands;
  switch (command) {
    case 'list':
      for (const id of await client.listIds(first)) io.out(id);
      return 0;
    case 'fetch':
      io.write((await client.fetchMessage(first!)).raw);
      return 0;
    case 'tag':
      await client.addTag(first!, second!);
      return 0;
    case 'untag':
      await client.removeTag(first!, second!);
      return 0;
    default: {
      // The host only deletes what is in Trash; check first, so the error says what to do.
      const trash = await client.listIds(GMAP_TAGS.trash);
      if (!trash.includes(first!)) {
        throw new UsageError(
          `message ${first} is not in Trash; move it there first: misfin gmap tag ${first} Trash`,
        );
      }
      await client.deleteMessage(first!, [GMAP_TAGS.trash]);
      return 0;
    }
  }
}
