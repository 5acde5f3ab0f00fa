// Help texts for `misfin` and each command (printed by --help), and the small output seam the commands use.

export interface CommandIo {
  /** A line to stdout (newline added). */
  out(line: string): void;
  /** Text to stdout exactly as given. */
  write(text: string): void;
  err(line: string): void;
  readStdin(): Promise<string>;
}

const network = `  --identity FILE          PEM file with your certificate and private key (PKCS#8, PKCS#1 or SEC1)
  --connect HOST:PORT      open the TCP connection here instead; SNI and the request keep the address's host
  --known-hosts FILE       host-key pins (default $XDG_CONFIG_HOME/misfin/known_hosts or ~/.config/misfin/known_hosts)
  --accept-new-host-key    accept and pin a host key that differs from the pinned one (check it first!)
  --timeout SECONDS        give up on any wait after this long (default 15)`;

export const exitCodes = `Exit codes: 0 success (2x), 1 the server answered another status, 2 usage error,
3 TLS or network failure (reason on stderr).`;

export const mainHelp = `misfin: send and read Misfin mail from a terminal

Usage:
  misfin identity new --mailbox M --blurb B --host H --out FILE [--key ec|rsa|ed25519]
  misfin identity show FILE
  misfin send --identity FILE --to ADDRESS [--message TEXT]   (message from stdin without --message)
  misfin probe --identity FILE ADDRESS
  misfin gmap list [TAG] | fetch ID | tag ID TAG | untag ID TAG | delete ID   --identity FILE [--host HOST]

Run "misfin COMMAND --help" for the options of each command.
Host keys are trusted on first use and pinned; a changed key is refused.
${exitCodes}`;

export const identityNewHelp = `Usage: misfin identity new --mailbox M --blurb B --host H --out FILE [options]

Creates a key and a self-signed Misfin identity certificate (UID = mailbox, CN = blurb, SAN = host) and
writes the certificate and the PKCS#8 private key to FILE (mode 0600). Prints the fingerprint.

  --mailbox M      mailbox name (the part before @)
  --blurb B        display name shown to recipients
  --host H         the mail host of the address (the part after @)
  --out FILE       where to write the PEM file (refuses to overwrite without --force)
  --key KIND       ec (P-256, default), rsa (2048) or ed25519
  --days N         validity in days (default 3650)
  --ca             mark the certificate as a CA (a host certificate that signs mailboxes)
  --force          overwrite FILE`;

export const identityShowHelp = `Usage: misfin identity show FILE

Prints the address, blurb and fingerprint (SHA-256 of the certificate) of an identity file, after checking
that its key belongs to its certificate.`;

export const sendHelp = `Usage: misfin send --identity FILE --to ADDRESS [--message TEXT] [options]

Sends one message (Misfin(B) when the request fits in 2048 bytes, else Misfin(C)); without --message the
message is read from stdin. Prints the response line as received.

  --to ADDRESS             mailbox@host[:port] or misfin://mailbox@host
  --message TEXT           the gemtext message
  --follow-redirects       resend to the address of a 30/31 answer (at most 5 times)
${network}

${exitCodes}`;

export const probeHelp = `Usage: misfin probe --identity FILE ADDRESS [options]

Sends an empty message, which delivers nothing: the host answers with the mailbox's certificate
fingerprint, which is printed.

${network}

${exitCodes}`;

export const gmapHelp = `Usage: misfin gmap COMMAND --identity FILE [--host HOST[:PORT]] [options]

Reads and organises your mailbox on your mail host over GMAP (Gemini requests authenticated by your identity).
  list [TAG]        message ids with TAG (all ids not in Trash without TAG)
  fetch ID          print the message exactly as the host sends it
  tag ID TAG        add a tag (Inbox, Archive, Sent, Drafts, Trash, Unread or your own)
  untag ID TAG      remove a tag
  delete ID         delete a message for good; it must be tagged Trash first

  --host HOST[:PORT]       your mail host (default: the host of your identity; port 1958)
${network}

${exitCodes}`;
