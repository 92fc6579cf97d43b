import { TaggedJsonCodec } from '../../lib/codecs/tagged-json.codec';

const codec = new TaggedJsonCodec(8);
const roundTrip = (value: unknown) => codec.decode(JSON.parse(JSON.stringify(codec.encode(value))));

describe('the tagged JSON value codec', () => {
  it('round-trips JSON data unchanged', () => {
    const value = { s: 'Zoë ✓ 🎉', n: -1.25, b: false, z: null, list: [1, 'two', { three: 3 }] };
    expect(codec.encode(value)).toEqual(value);
    expect(roundTrip(value)).toEqual(value);
  });

  it('tags Date, bytes, bigint, Map and Set, and restores their types', () => {
    const date = new Date('2024-01-02T03:04:05.678Z');
    expect(codec.encode(date)).toEqual({ ' d': '2024-01-02T03:04:05.678Z' });
    expect(roundTrip(date)).toEqual(date);
    expect(roundTrip(Buffer.from([0, 255, 1]))).toEqual(Buffer.from([0, 255, 1]));
    expect(roundTrip(12345678901234567890n)).toBe(12345678901234567890n);
    expect(roundTrip(new Map([['k', new Set([1, 2])]]))).toEqual(new Map([['k', new Set([1, 2])]]));
  });

  it('escapes a one-key object whose key looks like a tag', () => {
    const value = { ' d': 'not a date' };
    expect(codec.encode(value)).toEqual({ ' o': { ' d': 'not a date' } });
    expect(roundTrip(value)).toEqual(value);
  });

  it('refuses prototype keys, unknown tags, and nesting deeper than the limit', () => {
    expect(() => codec.decode(JSON.parse('{"__proto__": {"polluted": true}}'))).toThrow(/forbidden key/);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect(() => codec.decode({ nested: { constructor: { prototype: 1 } } })).toThrow(/forbidden key/);
    expect(() => codec.decode({ ' x': 1 })).toThrow(/unknown or malformed tag/);
    expect(() => codec.decode({ ' n': '1e999' })).toThrow(/malformed tag/);
    let deep: unknown = 1;
    for (let i = 0; i < 20; i++) deep = [deep];
    expect(() => codec.decode(deep as never)).toThrow(/nested deeper/);
    expect(() => codec.encode(deep)).toThrow(/nested deeper/);
  });

  it('refuses values that are not data, including cycles', () => {
    const cycle: Record<string, unknown> = {};
    cycle.self = cycle;
    expect(() => codec.encode(cycle)).toThrow(/circular/);
    expect(() => codec.encode(Symbol('s'))).toThrow(/symbol cannot be kept/);
  });
});
