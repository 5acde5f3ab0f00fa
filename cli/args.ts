// A small argument reader for the `misfin` command: `--name value`, `--name=value`, boolean `--flag`,
// and positionals. Unknown options are usage errors (exit code 2), so a typo never silently does something else.

export class UsageError extends Error {
  override name = 'UsageError';
}

export interface OptionSpec {
  /** Options that take a value. */
  values?: readonly string[];
  /** Options that are on/off. */
  flags?: readonly string[];
}

export interface ParsedArgs {
  values: Map<string, string>;
  flags: Set<string>;
  positionals: string[];
}

export function parseArgs(argv: readonly string[], spec: OptionSpec): ParsedArgs {
  const values = new Map<string, string>();
  const flags = new Set<string>();
  const positionals: string[] = [];
  const valueNames = new Set(spec.values ?? []);
  const flagNames = new Set([...(spec.flags ?? []), 'help']);
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (arg === '--') {
      positionals.push(...argv.slice(i + 1));
      break;
    }
    if (arg === '-h') {
      flags.add('help');
      continue;
    }
    if (!arg.startsWith('--') || arg === '-') {
      positionals.push(arg);
      continue;
    }
    const eq = arg.indexOf('=');
    const name = arg.slice(2, eq < 0 ? undefined : eq);
    if (flagNames.has(name)) {
      if (eq >= 0) throw new UsageError(`--${name} takes no value`);
      flags.add(name);
    } else if (valueNames.has(name)) {
      const value = eq >= 0 ? arg.slice(eq + 1) : argv[++i];
      if (value === undefined) throw new UsageError(`--${name} needs a value`);
      if (values.has(name)) throw new UsageError(`--${name} given twice`);
      values.set(name, value);
    } else {
      throw new UsageError(`unknown option --${name}`);
    }
  }
  return { values, flags, positionals };
}

export function required(args: ParsedArgs, name: string): string {
  const value = args.values.get(name);
  if (value === undefined || value === '') throw new UsageError(`--${name} is required`);
  return value;
}

/** `HOST:PORT` or `[IPv6]:PORT` (the --connect target). */
export function parseHostPort(text: string, defaultPort?: number): { host: string; port: number } {
  const match = /^(?:\[([0-9A-Fa-f:.]+)\]|([^:[\]\s]+))(?::(\d{1,5}))?$/.exec(text);
  const port = match?.[3] === undefined ? defaultPort : Number(match[3]);
  if (!match || port === undefined || port < 1 || port > 65535) {
    throw new UsageError(`"${text}" is not HOST:PORT`);
  }
  return { host: (match[1] ?? match[2])!, port };
}
