import { describe, expect, it } from 'vitest';
import { activatesWithEnter, attachShortcuts, isEditableTarget } from './dom';
import { createShortcutMap } from './shortcut-map';
import { webmailShortcuts } from './shortcuts';

// Element stand-ins: the helpers read only tagName, type, isContentEditable and attributes.
const el = (tagName: string, props: Record<string, unknown> = {}, attributes: Record<string, string> = {}) =>
  ({ tagName, ...props, getAttribute: (name: string) => attributes[name] ?? null }) as unknown as EventTarget;

describe('isEditableTarget', () => {
  it('recognises fields that take typing', () => {
    expect(isEditableTarget(el('INPUT', { type: 'text' }))).toBe(true);
    expect(isEditableTarget(el('input', { type: 'search' }))).toBe(true);
    expect(isEditableTarget(el('TEXTAREA'))).toBe(true);
    expect(isEditableTarget(el('SELECT'))).toBe(true);
    expect(isEditableTarget(el('DIV', { isContentEditable: true }))).toBe(true);
  });

  it('leaves other elements to shortcuts', () => {
    expect(isEditableTarget(el('INPUT', { type: 'checkbox' }))).toBe(false);
    expect(isEditableTarget(el('BUTTON'))).toBe(false);
    expect(isEditableTarget(el('DIV', { isContentEditable: false }))).toBe(false);
    expect(isEditableTarget(null)).toBe(false);
  });
});

describe('activatesWithEnter', () => {
  it('is true for buttons, links with href and button roles', () => {
    expect(activatesWithEnter(el('BUTTON'))).toBe(true);
    expect(activatesWithEnter(el('A', {}, { href: '/inbox' }))).toBe(true);
    expect(activatesWithEnter(el('A'))).toBe(false);
    expect(activatesWithEnter(el('DIV', {}, { role: 'button' }))).toBe(true);
    expect(activatesWithEnter(el('LI', {}, { role: 'option' }))).toBe(false);
  });
});

function keydown(key: string): Event {
  const event = new Event('keydown', { cancelable: true });
  Object.assign(event, { key, ctrlKey: false, metaKey: false, altKey: false, isComposing: false });
  return event;
}

describe('attachShortcuts', () => {
  it('dispatches actions, prevents the default, and stops after detach', () => {
    const target = new EventTarget();
    const map = createShortcutMap(webmailShortcuts, { now: () => 0 });
    const seen: string[] = [];
    let scopes = ['list'];
    const detach = attachShortcuts(target, map, (action) => seen.push(action), { scopes: () => scopes });

    const j = keydown('j');
    target.dispatchEvent(j);
    expect(j.defaultPrevented).toBe(true);
    const g = keydown('g');
    target.dispatchEvent(g);
    expect(g.defaultPrevented).toBe(true); // swallowed while waiting for the second key
    target.dispatchEvent(keydown('i'));
    scopes = ['message'];
    target.dispatchEvent(keydown('r'));
    const unbound = keydown('z');
    target.dispatchEvent(unbound);
    expect(unbound.defaultPrevented).toBe(false);
    const escape = keydown('Escape');
    target.dispatchEvent(escape);
    expect(escape.defaultPrevented).toBe(false); // a <dialog> still closes natively
    expect(seen).toEqual(['next', 'goInbox', 'reply', 'close']);

    detach();
    target.dispatchEvent(keydown('j'));
    expect(seen).toHaveLength(4);
  });
});
