import { Browser, type TestApp } from '../e2e/app';
import { createDocsApp, type SessionSetup } from './docs-sessions.app';

/**
 * Nest's express-session example, run with express-session and then with nest-session after
 * changing its session setup lines only: a user sees the same thing.
 */
async function scenario(app: TestApp) {
  const fresh = new Browser(app.url);
  const peekWithoutSession = await fresh.get('/peek');
  const browser = new Browser(app.url);
  const counts = [];
  for (let i = 0; i < 3; i++) counts.push((await browser.get('/')).json.visits);
  const renewed = await browser.post('/renew');
  const afterRenew = (await browser.get('/')).json.visits;
  const logout = await browser.post('/logout');
  const afterLogout = (await browser.get('/')).json.visits;
  return {
    // saveUninitialized: false / Flask: a visitor whose session stays empty gets no cookie.
    peekWithoutSession: {
      status: peekWithoutSession.status,
      visits: peekWithoutSession.json.visits,
      cookieMaxAge: peekWithoutSession.json.cookieMaxAge,
      cookie: peekWithoutSession.setCookies.length,
    },
    counts,
    renewed: renewed.json,
    afterRenew,
    logout: logout.status,
    afterLogout,
  };
}

describe('an express-session app from Nest docs switched to nest-session', () => {
  const results: Partial<Record<SessionSetup, unknown>> = {};

  for (const setup of ['express-session', 'nest-session'] as SessionSetup[]) {
    it(`runs with ${setup}`, async () => {
      const app = await createDocsApp(setup);
      try {
        results[setup] = await scenario(app);
      } finally {
        await app.close();
      }
      expect(results[setup]).toEqual({
        peekWithoutSession: { status: 200, visits: null, cookieMaxAge: null, cookie: 0 },
        counts: [1, 2, 3],
        renewed: { visits: null },
        afterRenew: 1,
        logout: 201,
        afterLogout: 1,
      });
    });
  }

  it('both runs saw the same responses', () => {
    expect(results['nest-session']).toEqual(results['express-session']);
  });
});
