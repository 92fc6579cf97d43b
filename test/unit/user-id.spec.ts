import { SessionDataError } from '../../lib';
import type { JsonValue } from '../../lib/contract/json-value';
import { userIdOfStored, userIdOfValue } from '../../lib/session/user-id';

describe('the user-id rule', () => {
  it('names one user by 42n, 42 and "42", in value and in stored (tagged) form', () => {
    expect([userIdOfValue(42n, 'uid'), userIdOfValue(42, 'uid'), userIdOfValue('42', 'uid')]).toEqual(['42', '42', '42']);
    expect([userIdOfStored({ ' n': '42' }, 'uid'), userIdOfStored(42, 'uid'), userIdOfStored('42', 'uid')]).toEqual(['42', '42', '42']);
    expect(userIdOfValue(12345678901234567890n, 'uid')).toBe('12345678901234567890');
  });

  it('keeps strings exactly as they are, and reads null as "no user"', () => {
    for (const id of ['', 'alice ', 'ALICE', 'a\u0000b', 'x'.repeat(10_000), 'e\u0301']) expect(userIdOfStored(id, 'uid')).toBe(id);
    expect(userIdOfStored(null, 'uid')).toBeNull();
  });

  it('refuses objects, arrays, booleans and non-finite numbers with a SessionDataError naming userKey', () => {
    const stored: JsonValue[] = [{ id: 1 }, [1], true, { ' d': '2024-01-02T03:04:05.000Z' }];
    for (const value of stored) {
      expect(() => userIdOfStored(value, 'uid')).toThrow(SessionDataError);
      expect(() => userIdOfStored(value, 'uid')).toThrow(/userKey option names session key "uid".*string, a finite number or a bigint/);
    }
    for (const value of [{ id: 1 }, Number.NaN, Number.POSITIVE_INFINITY, false, Symbol('x'), new Date(0)]) {
      expect(() => userIdOfValue(value, 'uid', true)).toThrow(/looked up by the id the userKey option \("uid"\) holds/);
    }
  });
});
