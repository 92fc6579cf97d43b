import { SessionOptionsError } from '../../lib';
import { resolveOptions } from '../../lib/utils/resolve-options';

const secret = 's'.repeat(32);

describe('module options at startup', () => {
  it('refuses an unknown option, naming the nearest valid one', () => {
    expect(() => resolveOptions({ secret, format: 'flask' } as never)).toThrow(
      new SessionOptionsError('unknown option "format" — did you mean "cookieFormat"?'),
    );
    expect(() => resolveOptions({ secret, storeTimout: 10 } as never)).toThrow(/unknown option "storeTimout" — did you mean "storeTimeout"\?/);
    expect(() => resolveOptions({ secrets: secret } as never)).toThrow(/did you mean "secret"\?/);
  });

  it('points names from other session libraries to ours', () => {
    expect(() => resolveOptions({ secret, maxAge: 1000 } as never)).toThrow(/unknown option "maxAge" — did you mean "lifetime"\?/);
    expect(() => resolveOptions({ secret, name: 'sid' } as never)).toThrow(/did you mean "cookie\.name"\?/);
  });

  it('refuses unknown keys inside cookie: {…} too', () => {
    expect(() => resolveOptions({ secret, cookie: { httponly: true } } as never)).toThrow(/unknown option "cookie\.httponly" — did you mean "cookie\.httpOnly"\?/);
    expect(() => resolveOptions({ secret, cookie: { maxAge: 5 } } as never)).toThrow(/unknown option "cookie\.maxAge" — valid options are cookie\.name, /);
  });

  it('lists the valid options when nothing is close', () => {
    expect(() => resolveOptions({ secret, zzz: 1 } as never)).toThrow(/unknown option "zzz" — valid options are secret, store, cookie, /);
  });

  it('keeps AsyncLocalStorage and req.session opt-in', () => {
    const resolved = resolveOptions({ secret });
    expect(resolved.asyncContext).toBe(false);
    expect(resolved.requestSession).toBe(false);
    expect(resolveOptions({ secret, asyncContext: true, requestSession: true })).toMatchObject({ asyncContext: true, requestSession: true });
    expect(() => resolveOptions({ secret, requestSession: 'yes' } as never)).toThrow(/requestSession must be true or false/);
  });
});
