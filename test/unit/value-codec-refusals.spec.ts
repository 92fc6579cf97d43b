import { SessionDataError } from '../../lib';
import type { ValueCodec } from '../../lib/codecs/codec.interface';
import { FlaskTaggedJsonCodec } from '../../lib/codecs/flask-tagged-json.codec';
import { TaggedJsonCodec } from '../../lib/codecs/tagged-json.codec';

/** Messages the refusals must carry: the full key path, so the handler's author finds the key. */
function refusal(codec: ValueCodec, value: unknown, key: string): string {
  try {
    codec.encode(value, key);
  } catch (error) {
    expect(error).toBeInstanceOf(SessionDataError);
    return (error as Error).message;
  }
  throw new Error('encode accepted the value');
}

describe.each([
  ['tagged JSON', new TaggedJsonCodec()],
  ['Flask tagged JSON', new FlaskTaggedJsonCodec()],
])('the %s codec, writing', (_name, codec) => {
  it('refuses a prototype key at the top of a value, naming the key path', () => {
    expect(refusal(codec, { a: 1, constructor: 'x' }, 'profile')).toMatch(/session key "profile\.constructor"/);
  });

  it('refuses a prototype key at any depth, in objects and arrays', () => {
    expect(refusal(codec, { nested: { prototype: 'y' } }, 'settings')).toMatch(/session key "settings\.nested\.prototype"/);
    expect(refusal(codec, { items: [{ ok: 1 }, { constructor: 2 }] }, 'cart')).toMatch(/session key "cart\.items\[1\]\.constructor"/);
  });

  it('refuses a __proto__ that JSON.parse made an own key (a request body), instead of dropping it', () => {
    const body = JSON.parse('{"name":"Zoë","nested":{"__proto__":{"admin":true}}}');
    expect(refusal(codec, body, 'form')).toMatch(/session key "form\.nested\.__proto__"/);
    expect(({} as Record<string, unknown>).admin).toBeUndefined();
  });

  it('refuses a function or a symbol at any depth instead of silently leaving it out', () => {
    expect(refusal(codec, { user: { id: 1, greet: () => 'hi' } }, 'state')).toMatch(/session key "state\.user\.greet": a function cannot be kept/);
    expect(refusal(codec, { tag: Symbol('s') }, 'state')).toMatch(/session key "state\.tag": a symbol cannot be kept/);
  });

  it('names the key of a cycle too', () => {
    const cycle: Record<string, unknown> = {};
    cycle.self = cycle;
    expect(refusal(codec, cycle, 'loop')).toMatch(/session key "loop\.self\.self.*circular/);
  });

  it('keeps the old message shape when no key is given', () => {
    expect(() => codec.encode(() => 1)).toThrow(/^nest-session: a function cannot be kept in a session$/);
  });

  it('still leaves undefined members out, as JSON does', () => {
    expect(codec.encode({ a: 1, b: undefined })).toEqual({ a: 1 });
  });
});

describe('escaping a one-key object whose key looks like a tag', () => {
  it('decides on the keys written, not the keys given (tagged JSON)', () => {
    const codec = new TaggedJsonCodec();
    const encoded = codec.encode({ ' note': 'x', extra: undefined });
    expect(encoded).toEqual({ ' o': { ' note': 'x' } });
    expect(codec.decode(JSON.parse(JSON.stringify(encoded)))).toEqual({ ' note': 'x' });
  });

  it('decides on the keys written, not the keys given (Flask tagged JSON)', () => {
    const codec = new FlaskTaggedJsonCodec();
    const encoded = codec.encode({ ' t': 'x', extra: undefined });
    expect(encoded).toEqual({ ' di': { ' t__': 'x' } });
    expect(codec.decode(JSON.parse(JSON.stringify(encoded)))).toEqual({ ' t': 'x' });
  });

  it('leaves an object with two written keys alone', () => {
    const codec = new TaggedJsonCodec();
    expect(codec.encode({ ' note': 'x', other: 1 })).toEqual({ ' note': 'x', other: 1 });
  });
});
