// Checks on a HelloRetryRequest (RFC 8446 §4.1.4) beyond what parseServerHello already enforces
// (version, session id echo, offered cipher suite, allowed extensions).
import { Alert } from './alerts';
import { protocolError } from './errors';
import { groupName, isSupportedGroup, type EphemeralKeyShare, type KeyShareFactory } from './key-share';
import type { ServerHello } from './server-hello';

/**
 * Returns the group the second ClientHello must share, or undefined when only a cookie is asked for.
 * A second HRR is unexpected_message; an HRR that changes nothing, or selects a group we did not offer or
 * already sent a share for, is illegal_parameter.
 */
export function checkHelloRetryRequest(
  hello: ServerHello,
  alreadyRetried: boolean,
  supportedGroups: readonly number[],
  sharedGroups: readonly number[],
): number | undefined {
  if (alreadyRetried) throw protocolError(Alert.unexpectedMessage, 'second HelloRetryRequest');
  const group = hello.selectedGroup;
  if (group === undefined && !hello.cookie) {
    throw protocolError(Alert.illegalParameter, 'HelloRetryRequest asks for no change');
  }
  if (group === undefined) return undefined;
  if (!supportedGroups.includes(group) || !isSupportedGroup(group)) {
    throw protocolError(Alert.illegalParameter, `HelloRetryRequest selects ${groupName(group)}, not offered`);
  }
  if (sharedGroups.includes(group)) {
    throw protocolError(
      Alert.illegalParameter,
      `HelloRetryRequest selects ${groupName(group)}, already shared`,
    );
  }
  return group;
}

/** The one share the second ClientHello carries: exactly the selected group (§4.1.4); the factory is checked. */
export async function retryKeyShare(factory: KeyShareFactory, group: number): Promise<EphemeralKeyShare> {
  const share = await factory.create(group);
  if (share.group !== group) {
    throw protocolError(Alert.internalError, `key share factory returned ${groupName(share.group)}`);
  }
  return share;
}
