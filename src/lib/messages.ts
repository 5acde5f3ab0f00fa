/** Every user-visible string of the page, in one place (plain words; the spec's meanings for statuses). */

export const text = {
  appName: 'Misfin webmail',
  tagline: 'Read and send gemmail from this page. Your keys stay in this browser.',
  loading: 'Opening your mailboxes…',

  onboarding: {
    title: 'Get started',
    intro: 'Choose one of three ways in. You can add more identities later and switch between them.',
    registerTitle: 'Register a mailbox',
    registerIntro:
      'Your host’s admin gave you an invite code. This page makes a key that never leaves this browser and asks the host to sign a certificate for it.',
    importTitle: 'Import an identity',
    importIntro:
      'A PEM file with a certificate and its key (PKCS#8, SEC1 or the reference implementation’s PKCS#1), or a passphrase-protected export.',
    selfSignedTitle: 'Create a send-only identity',
    selfSignedIntro:
      'A self-signed certificate made here. It can send mail, but it has no mailbox on a host, so nothing can be read with it.',
    host: 'Host',
    mailbox: 'Mailbox name',
    displayName: 'Display name',
    invite: 'Invite code',
    register: 'Register',
    pemFile: 'Identity file',
    pemText: 'Or paste the PEM text',
    passphrase: 'Passphrase (only for a protected export)',
    port: 'Host port, if not 1958',
    import: 'Import',
    createSelfSigned: 'Create send-only identity',
    working: 'Working…',
    cancel: 'Cancel',
    modeLegend: 'Where are you signing in?',
    modeDevice: 'This is my device',
    modeDeviceHint: 'Keys and mail are kept in this browser, and the page asks it not to evict them.',
    modeShared: 'Shared computer',
    modeSharedHint:
      'Keys and mail stay in this tab’s memory only. Nothing is written to the browser; signing out or closing the tab leaves nothing behind.',
  },

  lock: {
    title: 'Locked',
    intro: 'This page locked itself. Enter your passphrase to unwrap your keys again.',
    passphrase: 'Passphrase',
    unlock: 'Unlock',
    unlocking: 'Unlocking…',
    wrong: 'That passphrase does not open any of the identities stored here.',
    lockNow: 'Lock now',
    idleLabel: 'Lock after this many idle minutes',
    idleSave: 'Save lock time',
    idleSaved: (minutes: number) => `The page locks after ${minutes} idle minute${minutes === 1 ? '' : 's'}.`,
    idleInvalid: 'Enter a number of minutes greater than zero.',
  },

  backup: {
    passphrase: 'Passphrase to protect and back up the key (recommended)',
    passphraseHint:
      'With a passphrase the key is stored wrapped, the page locks when idle, and you can save a backup file. Without one the key can never leave this browser.',
    reminderTitle: 'Take a backup of your identity',
    reminder: (address: string) =>
      `Save the backup file for ${address} somewhere safe. Without it, losing this browser means losing this identity.`,
    noBackup: (address: string) =>
      `${address} was made without a passphrase, so its key cannot be exported. Make a new identity with a passphrase if you need a backup.`,
    download: 'Download backup file',
    dismiss: 'Done',
    exportTitle: 'Backup',
    exportIntro: 'The backup file is wrapped with the passphrase you chose (PBKDF2 and AES-GCM).',
  },

  rotation: {
    title: 'Rotate this identity',
    intro:
      'Makes a new key and certificate, and sends every contact a notice with the new fingerprint, signed with the old certificate. For a registered mailbox your host’s admin gives you a new invite code.',
    invite: 'New invite code',
    rotate: 'Rotate identity',
    working: 'Rotating…',
    sent: (address: string, status: number, name: string) => `Notice to ${address}: ${status} ${name}`,
    failed: (address: string, why: string) => `Notice to ${address} not sent: ${why}`,
    done: (fingerprint: string) => `New fingerprint: ${fingerprint}`,
    noticeTitle: 'Proposed fingerprint change',
    notice: (address: string, fingerprint: string) =>
      `${address} says it has a new certificate with the fingerprint ${fingerprint}.`,
    unverified: 'The sender of this notice was not verified, so it cannot be accepted.',
    accept: 'Accept new fingerprint',
    accepted: (address: string) => `The new fingerprint for ${address} is now the one you trust.`,
  },

  shortcuts: {
    title: 'Keyboard shortcuts',
    scopes: { global: 'Everywhere', list: 'Message list', message: 'Open message' } as Record<string, string>,
    or: 'or',
    close: 'Close',
  },

  notify: {
    title: (n: number) => (n === 1 ? '1 new message' : `${n} new messages`),
    body: 'Misfin webmail',
    allow: 'Notify me of new mail',
    allowed: 'Notifications are on for new mail.',
    denied: 'This browser blocks notifications for this page.',
  },

  session: {
    signOut: 'Sign out',
    signingOut: 'Signing out…',
    sharedBadge: 'Shared computer: nothing is kept after you sign out or close this tab.',
    confirmDeviceSignOut:
      'Sign out and remove every identity, message and setting from this browser? Keys you have not exported cannot be recovered.',
  },

  identity: {
    switcher: 'Identity',
    add: 'Add identity',
    remove: 'Forget this identity',
    sendOnly: 'Send-only identity: it has no mailbox to read.',
    confirmRemove: (address: string) =>
      `Forget ${address}? Its key is deleted from this browser and cannot be recovered unless you exported it.`,
  },

  nav: {
    label: 'Sections',
    mail: 'Mail',
    compose: 'Compose',
    outbox: 'Outbox',
    contacts: 'Contacts',
    settings: 'Settings',
  },

  folders: {
    label: 'Folders',
    unread: (n: number) => (n === 1 ? '1 unread' : `${n} unread`),
  },

  list: {
    label: 'Messages',
    empty: 'No messages here.',
    noSubject: '(no subject)',
    sync: 'Sync',
    syncing: 'Syncing…',
    syncProgress: 'Sync progress',
    lastSync: (when: string) => `Last synced ${when}`,
    offline: 'Could not reach your host. Showing what is stored here; changes wait until it is back.',
    search: 'Search mail',
    searchHint: 'Subject, text, addresses and names, in every folder',
    results: (n: number) => (n === 1 ? '1 message found' : `${n} messages found`),
    threaded: 'Group by conversation',
    more: 'Show more messages',
    conversation: (n: number) => (n === 1 ? '' : ` (${n})`),
  },

  message: {
    label: 'Message',
    from: 'From',
    to: 'To',
    time: 'Received',
    via: 'via',
    viaList: 'via list',
    forwardedBy: 'forwarded by',
    verified: {
      SenderVerified: 'Sender verified',
      SenderUnverified: 'Sender NOT verified',
      unknown: 'Verification unknown',
    } as Record<string, string>,
    how: {
      ViaKnown: 'known fingerprint',
      ViaHostCA: 'certificate signed by the sender’s host',
      ViaProbe: 'probe of the sender’s address',
      ViaNone: 'no check possible',
    } as Record<string, string>,
    reply: 'Reply',
    replyAll: 'Reply all',
    forward: 'Forward',
    archive: 'Archive',
    moveToInbox: 'Move to Inbox',
    trash: 'Move to Trash',
    delete: 'Delete forever',
    markUnread: 'Mark unread',
    markRead: 'Mark read',
    close: 'Close message',
    linkTitle: (url: string) => `Opens ${url} only when you click it`,
    body: 'Message text',
  },

  compose: {
    label: 'Compose',
    to: 'To',
    toHint: 'One or more addresses like name@host, separated by spaces or commas.',
    subject: 'Subject',
    body: 'Message',
    send: 'Send',
    saveDraft: 'Save draft',
    discard: 'Discard',
    counter: 'Bytes left',
    left: (n: number, limit: number, form: string) =>
      `${n.toLocaleString('en')} bytes left of ${limit.toLocaleString('en')} (Misfin ${form})`,
    over: (n: number) =>
      `Too long by ${n.toLocaleString('en')} bytes: shorten the message, Misfin cannot send more than 16,384.`,
    badAddress: (address: string, why: string) => `“${address}” is not an address: ${why}`,
    noRecipient: 'Add at least one recipient.',
    draftSaved: 'Draft saved',
    queued: 'Queued for sending',
  },

  outbox: {
    label: 'Outbox',
    empty: 'Nothing waiting to be sent.',
    to: (address: string) => `To ${address}`,
    sentCopy: 'Copy for your Sent folder',
    retryAt: (when: string) => `Will try again at ${when}`,
    sending: 'Sending…',
    retryNow: 'Retry now',
    discard: 'Discard',
    resendTo: (address: string) => `Resend to ${address}`,
    stopped: 'Not sent.',
    results: 'Delivery results',
    delivered: (address: string, fingerprint: string) =>
      `Delivered to ${address}. Recipient fingerprint ${fingerprint.slice(0, 16)}…`,
    unreachable: (address: string, why: string) =>
      `Could not reach ${address}: ${why}. It stays in the outbox.`,
  },

  contacts: {
    label: 'Contacts',
    empty: 'No contacts yet. Addresses are added when mail is delivered or a probe answers.',
    address: 'Address',
    name: 'Name',
    fingerprint: 'Fingerprint',
    firstSeen: 'First seen',
    lastSeen: 'Last seen',
    verifiedBy: 'Verified by',
    methods: {
      'first-use': 'first use',
      probe: 'probe',
      'trust-list': 'trust list',
      manual: 'by hand',
    } as Record<string, string>,
    verify: 'Verify address',
    verifyAddress: 'Address to verify',
    verifying: 'Asking the host…',
    verified: (address: string, fp: string) => `${address} answered with fingerprint ${fp.slice(0, 16)}…`,
    unchanged: (address: string) => `${address}: the fingerprint is the one already known.`,
    changed: (address: string, oldFp: string, newFp: string) =>
      `The certificate of ${address} has changed. Known fingerprint ${oldFp.slice(0, 16)}…, now ${newFp.slice(0, 16)}…. This can mean the owner made a new key — or that someone else answers for the address. Ask the owner through another channel before accepting.`,
    acceptChange: 'Accept the new fingerprint',
    markVerified: 'Mark as verified by hand',
    remove: 'Remove contact',
  },

  pins: {
    label: 'Host keys',
    empty: 'No host keys pinned yet.',
    host: 'Host',
    spki: 'Key (SPKI SHA-256)',
    remove: (host: string) => `Remove pin for ${host}`,
    changedTitle: 'A host key changed',
    changed: (host: string, oldSpki: string, newSpki: string) =>
      `The host ${host} presented a different key than the one pinned on first contact (pinned ${oldSpki.slice(0, 16)}…, presented ${newSpki.slice(0, 16)}…). Nothing was sent. This can be a key rotation by the host — or someone in between. Accept only if the host’s admin confirmed the change.`,
    accept: 'Accept the new host key',
    keepBlocked: 'Keep it blocked',
  },

  settings: {
    label: 'Settings',
    bridge: 'Bridge address',
    bridgeHint:
      'The WebSocket bridge that carries encrypted connections. Empty means this page’s own origin.',
    save: 'Save settings',
    saved: 'Settings saved',
  },
} as const;
