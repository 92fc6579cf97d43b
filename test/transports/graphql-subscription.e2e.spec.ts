import { ApolloDriver, type ApolloDriverConfig } from '@nestjs/apollo';
import { GraphQLModule, Query, Resolver, Subscription } from '@nestjs/graphql';
import { createClient } from 'graphql-ws';
import WebSocket from 'ws';
import { Session, SessionModule } from '../../lib';
import { createTestApp, SECRET, type TestApp } from '../e2e/app';

@Resolver()
class TickResolver {
  @Query(() => String)
  ping(): string {
    return 'pong';
  }

  @Subscription(() => String, { resolve: (value: string) => value })
  async *whoami(@Session('name') name?: string): AsyncGenerator<string> {
    yield name ?? 'nobody';
  }
}

/** A subscription runs over graphql-ws, with no HTTP response to carry a save: no session, said plainly. */
describe('a GraphQL subscription over graphql-ws (Apollo on Express)', () => {
  let app: TestApp;
  beforeAll(async () => {
    app = await createTestApp(
      'express',
      [SessionModule.forRoot({ secret: SECRET }), GraphQLModule.forRoot<ApolloDriverConfig>({ driver: ApolloDriver, autoSchemaFile: true, subscriptions: { 'graphql-ws': true } })],
      [],
      [TickResolver],
    );
  });
  afterAll(() => app?.close());

  it('answers @Session() with an error that names GraphQL subscriptions', async () => {
    class CookieSocket extends WebSocket {
      constructor(url: string, protocols?: string | string[]) {
        super(url, protocols, { headers: { cookie: 'session=whatever' } });
      }
    }
    const client = createClient({ url: app.url.replace(/^http/, 'ws') + '/graphql', webSocketImpl: CookieSocket, retryAttempts: 0 });
    try {
      const outcome = await new Promise<{ data?: unknown; errors?: { message: string }[] }>((resolve, reject) => {
        client.subscribe(
          { query: 'subscription { whoami }' },
          { next: (value) => resolve(value as never), error: (error) => resolve({ errors: error as never }), complete: () => reject(new Error('completed without a value')) },
        );
      });
      expect(outcome.errors?.map((e) => e.message)).toEqual([
        expect.stringMatching(/^nest-session: this GraphQL resolver has no HTTP request in its context.*subscriptions over WebSocket have no session/),
      ]);
    } finally {
      await client.dispose();
    }
  });
});
