// `misfin identity new|show`: make a Misfin identity file (certificate + PKCS#8 key, mode 0600) and read one
// back. Fields follow misfin-protocol.md §10 (UID = mailbox, CN = blurb, SAN dNSName = host).
import { writeFileSync } from 'node:fs';
import { exportIdentityPem } from '../src/lib/identity/export';
import { IdentityError } from '../src/lib/identity/errors';
import { createSelfSignedIdentity } from '../src/lib/identity/identity';
import type { KeyKind } from '../src/lib/identity/keys';
import { parseArgs, required, UsageError } from './args';
import { identityNewHelp, identityShowHelp, type CommandIo } from './help';
import { loadIdentity } from './session';

const kinds: readonly KeyKind[] = ['ec', 'rsa', 'ed25519'];

async function identityNew(argv: string[], io: CommandIo): Promise<number> {
  const args = parseArgs(argv, {
    values: ['mailbox', 'blurb', 'host', 'out', 'key', 'days'],
    flags: ['ca', 'force'],
  });
  if (args.flags.has('help')) return (io.out(identityNewHelp), 0);
  if (args.positionals.length) throw new UsageError(`unexpected argument ${args.positionals[0]}`);
  const kind = (args.values.get('key') ?? 'ec') as KeyKind;
  if (!kinds.includes(kind)) throw new UsageError('--key must be ec, rsa or ed25519');
  const days = args.values.has('days') ? Number(args.values.get('days')) : undefined;
  if (days !== undefined && !(Number.isInteger(days) && days > 0))
    throw new UsageError('--days must be a positive whole number');
  const out = required(args, 'out');
  const fields = {
    mailbox: required(args, 'mailbox'),
    displayName: args.values.get('blurb'),
    host: required(args, 'host'),
  };
  let pem: string;
  let fingerprint: string;
  try {
    // Extractable only long enough to write the file; the key then lives in the file alone.
    const identity = await createSelfSignedIdentity(fields, kind, {
      extractable: true,
      isCA: args.flags.has('ca'),
      validDays: days,
    });
    pem = await exportIdentityPem(identity);
    fingerprint = identity.fingerprint;
  } catch (error) {
    if (error instanceof IdentityError) throw new UsageError(error.message);
    throw error;
  }
  try {
    writeFileSync(out, pem, { mode: 0o600, flag: args.flags.has('force') ? 'w' : 'wx' });
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'EEXIST') throw new UsageError(`${out} already exists; use --force to overwrite it`);
    throw new UsageError(`cannot write ${out}: ${(error as Error).message}`);
  }
  io.out(fingerprint);
  io.err(`misfin: wrote ${fields.mailbox}@${fields.host} (${kind}) to ${out}`);
  return 0;
}

async function identityShow(argv: string[], io: CommandIo): Promise<number> {
  const args = parseArgs(argv, {});
  if (args.flags.has('help')) return (io.out(identityShowHelp), 0);
  const [file, extra] = args.positionals;
  if (!file || extra) throw new UsageError('usage: misfin identity show FILE');
  const identity = await loadIdentity(file);
  const certificate = identity.certificate;
  io.out(`address: ${identity.address}`);
  io.out(`blurb: ${identity.displayName ?? ''}`);
  io.out(`fingerprint: ${identity.fingerprint}`);
  io.out(`key: ${certificate.publicKeyAlgorithm}`);
  io.out(`valid: ${certificate.notBefore.toISOString()} to ${certificate.notAfter.toISOString()}`);
  return 0;
}

export async function identityCommand(argv: string[], io: CommandIo): Promise<number> {
  const [sub, ...rest] = argv;
  if (sub === 'new') return identityNew(rest, io);
  if (sub === 'show') return identityShow(rest, io);
  if (sub === undefined || sub === '--help' || sub === '-h') {
    io.out(identityNewHelp + '\n' + identityShowHelp);
    return sub === undefined ? 2 : 0;
  }
  throw new UsageError(`unknown identity command "${sub}" (new, show)`);
}
