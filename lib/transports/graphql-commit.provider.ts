import type { FactoryProvider } from '@nestjs/common';
import { HttpAdapterHost, ModulesContainer } from '@nestjs/core';
import { installFastifyCommit } from './graphql-commit';

/** Token of the provider that adds the Fastify hook saving GraphQL sessions (its value says whether it did). */
export const GRAPHQL_COMMIT_INSTALLER = Symbol('nest-session:graphql-commit-installer');

/**
 * On Fastify, when the application imports GraphQLModule (Mercurius or Apollo), adds the `onSend`
 * hook that saves each GraphQL request's session once, before its response. It must be added
 * before GraphQLModule registers its route (a plugin copies its parent's hooks when it is
 * registered): providers are built before any module's `onModuleInit`, and HttpAdapterHost's
 * `init$` fires as soon as the platform adapter exists. REST-only apps get no hook at all.
 */
export const graphqlCommitProvider: FactoryProvider<boolean> = {
  provide: GRAPHQL_COMMIT_INSTALLER,
  inject: [HttpAdapterHost, ModulesContainer],
  useFactory: (host: HttpAdapterHost, modules: ModulesContainer) => {
    const graphql = [...modules.values()].some((module) => module.metatype?.name === 'GraphQLModule');
    if (!graphql) return false;
    host.init$.subscribe(() => {
      if (host.httpAdapter.getType() === 'fastify') installFastifyCommit(host.httpAdapter.getInstance());
    });
    return true;
  },
};
