import { type INestApplication, Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter } from '@nestjs/platform-fastify';
import { SessionModule } from '../../lib';
import { Browser, SECRET } from '../e2e/app';
import { GRAPHQL_DRIVERS, graphqlBody, GRAPHQL_RESOLVERS } from './graphql-app';

/**
 * Apps start with NestFactory.create(), not the testing module: the Fastify hook that saves
 * GraphQL sessions must be in place before GraphQLModule registers its route there too.
 */
describe.each(GRAPHQL_DRIVERS)('GraphQL under NestFactory.create(): $name', (driver) => {
  let app: INestApplication;
  let url: string;
  beforeAll(async () => {
    @Module({ imports: [SessionModule.forRoot({ secret: SECRET }), driver.module()], providers: GRAPHQL_RESOLVERS })
    class AppModule {}
    app = driver.platform === 'fastify' ? await NestFactory.create(AppModule, new FastifyAdapter(), { logger: false }) : await NestFactory.create(AppModule, { logger: false });
    await app.listen(0, '127.0.0.1');
    url = (await app.getUrl()).replace('[::1]', '127.0.0.1');
  });
  afterAll(() => app?.close());

  it("gives a new visitor's mutation its cookie", async () => {
    const browser = new Browser(url);
    const login = await browser.post('/graphql', graphqlBody('mutation { login(name: "ada") }'));
    expect(login.setCookies.some((c) => c.startsWith('session='))).toBe(true);
    expect((await browser.post('/graphql', graphqlBody('{ whoami }'))).json).toEqual({ data: { whoami: 'ada' } });
  });
});
