import { ApolloDriver, type ApolloDriverConfig } from '@nestjs/apollo';
import { Field, GraphQLModule, ObjectType, Query, ResolveField, Resolver } from '@nestjs/graphql';
import { MercuriusDriver, type MercuriusDriverConfig } from '@nestjs/mercurius';
import { MemorySessionStore, SessionModule, SessionService } from '../../lib';
import { Browser, createTestApp, SECRET, type Platform, type TestApp } from '../e2e/app';
import { CountingStore } from './counting-store';
import { GRAPHQL_RESOLVERS, graphqlBody } from './graphql-app';

@ObjectType()
class Account {
  @Field()
  id!: string;
}

/** current() in a field resolver: Nest enters the async context there only with interceptors on fields. */
@Resolver(() => Account)
class AccountResolver {
  constructor(private readonly sessions: SessionService) {}

  @Query(() => Account)
  account(): Account {
    return { id: 'a' };
  }

  @ResolveField(() => String, { nullable: true })
  async owner(): Promise<string | null> {
    return (await this.sessions.current()).get('name') ?? null;
  }
}

const STACKS: [name: string, platform: Platform, module: () => ReturnType<typeof GraphQLModule.forRoot>][] = [
  ['Apollo on Express', 'express', () => GraphQLModule.forRoot<ApolloDriverConfig>({ driver: ApolloDriver, autoSchemaFile: true, fieldResolverEnhancers: ['interceptors'] })],
  [
    'Mercurius on Fastify',
    'fastify',
    () => GraphQLModule.forRoot<MercuriusDriverConfig>({ driver: MercuriusDriver, autoSchemaFile: true, fieldResolverEnhancers: ['interceptors'] }),
  ],
];

describe.each(STACKS)('field resolvers with fieldResolverEnhancers: ["interceptors"]: %s', (_name, platform, graphql) => {
  const store = new CountingStore(new MemorySessionStore());
  let app: TestApp;
  beforeAll(async () => {
    app = await createTestApp(platform, [SessionModule.forRoot({ secret: SECRET, store, asyncContext: true }), graphql()], [], [...GRAPHQL_RESOLVERS, AccountResolver]);
  });
  afterAll(() => app?.close());

  it('reaches the session with current(), still one read and one save per request', async () => {
    const browser = new Browser(app.url);
    await browser.post('/graphql', graphqlBody('mutation { login(name: "ada") }'));
    store.reset();
    const reply = await browser.post('/graphql', graphqlBody('{ account { owner } visit profile { name } }'));
    expect(reply.json).toEqual({ data: { account: { owner: 'ada' }, visit: 1, profile: { name: 'ada' } } });
    expect(store.calls).toEqual({ get: 1, save: 1, touch: 0, destroy: 0 });
  });
});
