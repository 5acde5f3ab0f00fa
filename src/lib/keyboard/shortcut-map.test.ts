import { describe, expect, it } from 'vitest';
import { createShortcutMap, ShortcutError, type KeyEventLike } from './shortcut-map';
import { shortcutHelp, webmailShortcuts } from './shortcuts';

function fakeClock(start = 1_000) {
  let time = start;
  return { now: () => time, advance: (ms: number) => (time += ms) };
}

const key = (k: string, extra: Partial<KeyEventLike> = {}): KeyEventLike => ({ key: k, ...extra });

describe('createShortcutMap with the webmail shortcuts', () => {
  const setup = () => {
    const clock = fakeClock();
    return { clock, map: createShortcutMap(webmailShortcuts, { now: clock.now }) };
  };

  it('maps single keys in their scope only', () => {
    const { map } = setup();
    expect(map.handleKey(key('j'), ['list'])).toBe('next');
    expect(map.handleKey(key('Enter'), ['list'])).toBe('open');
    expect(map.handleKey(key('#'), ['message'])).toBe('trash');
    expect(map.handleKey(key('r'), ['message'])).toBe('reply');
    expect(map.handleKey(key('r'), ['list'])).toBeNull();
    expect(map.handleKey(key('j'))).toBeNull(); // no view scope: only global keys
    expect(map.handleKey(key('/'))).toBe('search');
    expect(map.handleKey(key('?'), ['message'])).toBe('help');
  });

  it('completes a two-key sequence within the timeout', () => {
    const { map, clock } = setup();
    expect(map.handleKey(key('g'), ['list'])).toBeNull();
    expect(map.pending).toBe(true);
    clock.advance(900);
    expect(map.handleKey(key('i'), ['list'])).toBe('goInbox');
    expect(map.pending).toBe(false);
  });

  it('drops a sequence after the timeout', () => {
    const { map, clock } = setup();
    map.handleKey(key('g'));
    clock.advance(1001);
    expect(map.handleKey(key('i'))).toBeNull();
    expect(map.pending).toBe(false);
  });

  it('falls back to the single key when a sequence breaks', () => {
    const { map } = setup();
    map.handleKey(key('g'), ['list']);
    expect(map.handleKey(key('j'), ['list'])).toBe('next');
    map.handleKey(key('g'), ['list']);
    expect(map.handleKey(key('g'), ['list'])).toBeNull(); // a fresh start of "g i"
    expect(map.handleKey(key('i'), ['list'])).toBe('goInbox');
  });

  it('ignores keys typed into fields, except Escape', () => {
    const { map } = setup();
    expect(map.handleKey(key('j', { targetIsEditable: true }), ['list'])).toBeNull();
    expect(map.handleKey(key('/', { targetIsEditable: true }))).toBeNull();
    expect(map.handleKey(key('Escape', { targetIsEditable: true }))).toBe('close');
    map.handleKey(key('g'));
    map.handleKey(key('x', { targetIsEditable: true }));
    expect(map.handleKey(key('i'))).toBeNull(); // focusing a field broke the sequence
  });

  it('ignores modified keys and lone modifiers', () => {
    const { map } = setup();
    expect(map.handleKey(key('c', { ctrlKey: true }))).toBeNull();
    expect(map.handleKey(key('r', { metaKey: true }), ['message'])).toBeNull();
    expect(map.handleKey(key('e', { altKey: true }), ['list'])).toBeNull();
    map.handleKey(key('g'));
    expect(map.handleKey(key('Shift'))).toBeNull();
    expect(map.pending).toBe(true); // Shift on the way to "?" does not break a sequence
    map.reset();
    expect(map.pending).toBe(false);
  });

  it('lists help rows per scope with alternatives merged', () => {
    const help = shortcutHelp();
    expect(help.map((section) => section.scope)).toEqual(['global', 'list', 'message']);
    const open = help[1]?.entries.find((entry) => entry.description === 'Open message');
    expect(open?.keys).toEqual([['o'], ['Enter']]);
    const inbox = help[0]?.entries.find((entry) => entry.description === 'Go to the inbox');
    expect(inbox?.keys).toEqual([['g', 'i']]);
  });
});

describe('createShortcutMap validation', () => {
  it('refuses ambiguous, duplicate or empty bindings', () => {
    expect(() =>
      createShortcutMap([
        { keys: 'g', action: 'x', description: '' },
        { keys: 'g i', action: 'y', scope: 'list', description: '' },
      ]),
    ).toThrow(ShortcutError);
    expect(() =>
      createShortcutMap([
        { keys: 'j', action: 'x', description: '' },
        { keys: 'j', action: 'y', description: '' },
      ]),
    ).toThrow(/twice/);
    expect(() => createShortcutMap([{ keys: '  ', action: 'x', description: '' }])).toThrow(ShortcutError);
    expect(() => createShortcutMap([], { sequenceTimeoutMs: 0 })).toThrow(ShortcutError);
  });

  it('lets a narrower scope override global and supports Space and three-key sequences', () => {
    const map = createShortcutMap(
      [
        { keys: 'x', action: 'global-x', description: '' },
        { keys: 'x', action: 'list-x', scope: 'list', description: '' },
        { keys: 'Space', action: 'page', scope: 'list', description: '' },
        { keys: 'a b c', action: 'abc', description: '' },
      ],
      { now: () => 0 },
    );
    expect(map.handleKey(key('x'), ['list'])).toBe('list-x');
    expect(map.handleKey(key('x'))).toBe('global-x');
    expect(map.handleKey(key(' '), ['list'])).toBe('page');
    expect(map.handleKey(key('a'))).toBeNull();
    expect(map.handleKey(key('b'))).toBeNull();
    expect(map.handleKey(key('c'))).toBe('abc');
  });
});
