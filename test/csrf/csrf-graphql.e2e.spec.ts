import { Module } from '@nestjs/common';
import type { INestApplication } from '@nestjs/common';
import { ApolloDriver, type ApolloDriverConfig } from '@nestjs/apollo';
import { GraphQLModule, Mutation, Query, Resolver } from '@nestjs/graphql';
import { MercuriusDriver, type MercuriusDriverConfig } from '@nestjs/mercurius';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import { Test } from '@nestjs/testing';
import { MemorySessionStore, SessionModule } from '../../lib';
import { Browser, PLATFORMS, SECRET, type Platform } from '../e2e/app';
import { CsrfController } from './csrf-app';

const TYPE_DEFS = 'type Query { ping: String } type Mutation { act: Int }';
let acted = 0;

@Resolver()
class ActResolver {
  @Query('ping')
  ping(): string {
    return 'pong';
  }

  @Mutation('act')
  act(): number {
    return ++acted;
  }
}

/** Apollo on Express, Mercurius on Fastify: the two GraphQL drivers Nest ships. */
async function createGraphqlApp(platform: Platform): Promise<{ app: INestApplication; url: string }> {
  const graphql =
    platform === 'express'
      ? GraphQLModule.forRoot<ApolloDriverConfig>({ driver: ApolloDriver, typeDefs: TYPE_DEFS })
      : GraphQLModule.forRoot<MercuriusDriverConfig>({ driver: MercuriusDriver, typeDefs: TYPE_DEFS });
  @Module({
    imports: [SessionModule.forRoot({ secret: SECRET, store: new MemorySessionStore(), csrf: true }), graphql],
    controllers: [CsrfController],
    providers: [ActResolver],
  })
  class GraphqlAppModule {}
  const moduleRef = await Test.createTestingModule({ imports: [GraphqlAppModule] }).compile();
  const app =
    platform === 'fastify' ? moduleRef.createNestApplication<NestFastifyApplication>(new FastifyAdapter(), { logger: false }) : moduleRef.createNestApplication({ logger: false });
  await app.listen(0, '127.0.0.1');
  return { app, url: (await app.getUrl()).replace('[::1]', '127.0.0.1') };
}

for (const platform of PLATFORMS) {
  describe(`CSRF on GraphQL mutations (${platform === 'express' ? 'Apollo on Express' : 'Mercurius on Fastify'})`, () => {
    let app: INestApplication;
    let url: string;
    beforeAll(async () => ({ app, url } = await createGraphqlApp(platform)));
    afterAll(async () => app?.close());

    it('a mutation needs the header token; a query does not', async () => {
      const browser = new Browser(url);
      const token = (await browser.get('/form')).json.token;
      const before = acted;

      const refused = await browser.post('/graphql', { query: 'mutation { act }' });
      expect(JSON.stringify(refused.json)).toContain('invalid CSRF token');
      expect(refused.json.data?.act ?? null).toBeNull();
      expect(acted).toBe(before);

      const forged = await browser.post('/graphql', { query: 'mutation { act }' }, { 'x-csrf-token': 'A'.repeat(91) });
      expect(JSON.stringify(forged.json)).toContain('invalid CSRF token');
      expect(acted).toBe(before);

      const accepted = await browser.post('/graphql', { query: 'mutation { act }' }, { 'x-csrf-token': token });
      expect(accepted.json).toEqual({ data: { act: before + 1 } });

      const query = await browser.post('/graphql', { query: '{ ping }' });
      expect(query.json).toEqual({ data: { ping: 'pong' } });
    });
  });
}
