import { SessionTooLargeError } from '../../lib/errors';
import { checkSessionSize } from '../../lib/session/session-size';

/** `maxSize` counts the bytes of the JSON the store is given, in UTF-8, not its characters. */
describe('checkSessionSize', () => {
  // {"a":"…"} is 8 characters around the value.
  it('accepts data of exactly maxSize bytes', () => {
    expect(() => checkSessionSize({ a: 'xx' }, 10)).not.toThrow();
  });

  it('refuses one byte more, naming both sizes', () => {
    expect(() => checkSessionSize({ a: 'xxx' }, 10)).toThrow(SessionTooLargeError);
    expect(() => checkSessionSize({ a: 'xxx' }, 10)).toThrow(/11.*10|10.*11/);
  });

  it('counts a character outside ASCII as the bytes it takes', () => {
    // 10 characters, 14 bytes: two euro signs of 3 bytes each.
    expect(() => checkSessionSize({ a: '€€' }, 13)).toThrow(SessionTooLargeError);
    expect(() => checkSessionSize({ a: '€€' }, 14)).not.toThrow();
  });

  it('accepts data whose characters could be too many bytes but are not', () => {
    // 30 characters (up to 90 bytes in UTF-8), 30 bytes: ASCII under a bound of 40.
    expect(() => checkSessionSize({ a: 'x'.repeat(22) }, 40)).not.toThrow();
    expect(() => checkSessionSize({ a: 'x'.repeat(33) }, 40)).toThrow(SessionTooLargeError);
  });
});
