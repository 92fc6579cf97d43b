import { TaggedJsonCodec } from '../../lib/codecs/tagged-json.codec';
import { SessionObject, type SessionLifecycle } from '../../lib/session/session-object';
import { SessionState } from '../../lib/session/session-state';
import type { StoredData } from '../../lib';

const codec = new TaggedJsonCodec();
const lifecycle: SessionLifecycle = {
  regenerate: async () => undefined,
  destroy: async () => undefined,
  save: async () => undefined,
  csrfToken: () => 'token',
  startOver: async () => undefined,
};

/** The user's object and the machinery's state behind it, as one request sees them. */
function open(data: StoredData = {}) {
  const state = new SessionState({ id: 'x'.repeat(43), isNew: false, createdAt: 1, touchedAt: 1 }, data, codec);
  return { session: new SessionObject(state, lifecycle), state };
}
function load(data: StoredData = {}): SessionObject & { state: SessionState } {
  const { session, state } = open(data);
  return Object.assign(session, { state });
}
const changes = (session: { state: SessionState }) => {
  const { set, unset } = session.state.snapshot();
  return { set, unset };
};

describe('the session object', () => {
  it('reads like a dict and tracks accessed and modified as Flask does', () => {
    const session = load({ a: 1 });
    expect(session.accessed).toBe(false);
    expect(session.modified).toBe(false);
    expect(session.get('a')).toBe(1);
    expect(session.accessed).toBe(true);
    expect(session.modified).toBe(false);
    expect(session.get('missing', 'fallback')).toBe('fallback');
    expect(session.has('missing')).toBe(false);
    session.set('b', 2);
    expect(session.modified).toBe(true);
    expect(session.keys().sort()).toEqual(['a', 'b']);
    expect(session.toJSON()).toEqual({ a: 1, b: 2 });
  });

  it('reports only the keys that changed, including nested mutations', () => {
    const session = load({ cart: ['apple'], user: { name: 'ann' }, untouched: 5 });
    session.get('cart').push('pear');
    expect(session.get('user').name).toBe('ann');
    expect(changes(session)).toEqual({ set: { cart: ['apple', 'pear'] }, unset: [] });
  });

  it('setting a value equal to the stored one is no change', () => {
    const session = load({ n: 1 });
    session.set('n', 1);
    expect(session.modified).toBe(false);
  });

  it('delete, pop and clear become unsets of stored keys only', () => {
    const session = load({ a: 1, b: 2, c: 3 });
    expect(session.pop('a')).toBe(1);
    expect(session.delete('b')).toBe(true);
    expect(session.delete('nope')).toBe(false);
    session.set('fresh', true);
    session.delete('fresh');
    expect(changes(session)).toEqual({ set: {}, unset: ['a', 'b'] });
    session.clear();
    expect(changes(session).unset.sort()).toEqual(['a', 'b', 'c']);
    expect(session.state.isEmpty()).toBe(true);
  });

  it('keeps the permanent flag under _permanent, hidden from keys() and not counted as data', () => {
    const session = load();
    session.permanent = true;
    expect(session.permanent).toBe(true);
    expect(session.keys()).toEqual([]);
    expect(session.state.isEmpty()).toBe(true);
    expect(session.state.snapshot().data).toEqual({ _permanent: true });
    session.permanent = false;
    expect(session.state.snapshot().data).toEqual({});
  });

  it('flashes like Flask: queued as [category, message], popped once, stable within a request', () => {
    const writer = load();
    writer.flash('saved');
    writer.flash('careful', 'warning');
    const stored = writer.state.snapshot().data;
    expect(stored._flashes).toEqual([
      ['message', 'saved'],
      ['warning', 'careful'],
    ]);

    const reader = load(stored);
    expect(reader.getFlashedMessages()).toEqual(['saved', 'careful']);
    expect(reader.getFlashedMessages({ withCategories: true })).toEqual([
      ['message', 'saved'],
      ['warning', 'careful'],
    ]);
    expect(reader.getFlashedMessages({ categoryFilter: ['warning'] })).toEqual(['careful']);
    expect(changes(reader).unset).toEqual(['_flashes']);
  });

  it('refuses keys that reach the prototype and values that cannot be stored', () => {
    const session = load();
    expect(() => session.set('__proto__', 1)).toThrow('session key "__proto__": the key "__proto__" is refused, as it could reach an object\'s prototype');
    expect(() => session.set('constructor', 1)).toThrow('session key "constructor": the key "constructor" is refused');
    expect(() => session.set('fn', () => 1)).toThrow(/fn.*function cannot be kept|function cannot be kept.*fn/);
    expect(session.keys()).toEqual([]);
    expect(() => session.set('u', undefined)).toThrow(/undefined/);
  });

  it('renew keeps the data under a new id; reset starts empty', () => {
    const session = load({ a: 1 });
    session.set('b', 2);
    session.state.renew('y'.repeat(43), 100);
    expect(session.id).toBe('y'.repeat(43));
    expect(session.isNew).toBe(true);
    expect(session.state.snapshot().data).toEqual({ a: 1, b: 2 });
    session.state.reset('z'.repeat(43), 200, {});
    expect(session.state.isEmpty()).toBe(true);
    expect(session.state.origin.createdAt).toBe(200);
  });

  it('shows users only the documented API: no own enumerable properties, no internal methods', () => {
    const { session } = open({ a: 1 });
    expect(Object.keys(session)).toEqual([]);
    expect(JSON.stringify(session)).toBe('{"a":1}');
    for (const internal of ['markSaved', 'reset', 'renew', 'snapshot', 'destroyed', 'regenerated', 'baseline']) {
      expect(internal in session).toBe(false);
    }
  });
});
