import { ApolloDriver, type ApolloDriverConfig } from '@nestjs/apollo';
import { CanActivate, ExecutionContext, Injectable, UseGuards } from '@nestjs/common';
import { Args, Field, GraphQLModule, Int, Mutation, ObjectType, Query, ResolveField, Resolver } from '@nestjs/graphql';
import { MercuriusDriver, type MercuriusDriverConfig } from '@nestjs/mercurius';
import { Session, SessionModule, SessionService, type SessionModuleOptions } from '../../lib';
import { createTestApp, SECRET, type Platform, type TestApp } from '../e2e/app';

/** The GraphQL stacks Nest supports: Apollo on both platforms, Mercurius on Fastify. */
export interface GraphqlDriver {
  name: string;
  platform: Platform;
  module(): ReturnType<typeof GraphQLModule.forRoot>;
}

export const GRAPHQL_DRIVERS: GraphqlDriver[] = [
  {
    name: 'Apollo on Express',
    platform: 'express',
    module: () => GraphQLModule.forRoot<ApolloDriverConfig>({ driver: ApolloDriver, autoSchemaFile: true, allowBatchedHttpRequests: true }),
  },
  {
    name: 'Apollo on Fastify',
    platform: 'fastify',
    module: () => GraphQLModule.forRoot<ApolloDriverConfig>({ driver: ApolloDriver, autoSchemaFile: true, allowBatchedHttpRequests: true }),
  },
  {
    name: 'Mercurius on Fastify',
    platform: 'fastify',
    module: () => GraphQLModule.forRoot<MercuriusDriverConfig>({ driver: MercuriusDriver, autoSchemaFile: true, allowBatchedQueries: true }),
  },
];

@ObjectType()
class Profile {
  @Field()
  id!: string;
}

/** A guard on a resolver that counts in the session, as an auth guard reads it. */
@Injectable()
class SeenGuard implements CanActivate {
  constructor(private readonly sessions: SessionService) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const session = await this.sessions.fromContext(context);
    session.set('guarded', session.get('guarded', 0) + 1);
    return true;
  }
}

/** A guard that counts failed attempts and says no: its write must be saved all the same. */
@Injectable()
class DenyingGuard implements CanActivate {
  constructor(private readonly sessions: SessionService) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const session = await this.sessions.fromContext(context);
    session.set('denied', session.get('denied', 0) + 1);
    await session.save();
    return false;
  }
}

@Resolver()
class SessionResolver {
  constructor(private readonly sessions: SessionService) {}

  @Query(() => String)
  ping(): string {
    return 'pong';
  }

  @Query(() => String, { nullable: true })
  whoami(@Session('name') name?: string): string | null {
    return name ?? null;
  }

  @Query(() => Int)
  visit(@Session() session: Session<{ visits: number }>): number {
    const visits = session.get('visits', 0) + 1;
    session.set('visits', visits);
    return visits;
  }

  @Query(() => Int)
  @UseGuards(SeenGuard)
  guarded(@Session('guarded') guarded: number): number {
    return guarded;
  }

  @Query(() => Int)
  @UseGuards(DenyingGuard)
  denied(): number {
    return 0;
  }

  @Query(() => String, { nullable: true })
  async current(): Promise<string | null> {
    return (await this.sessions.current()).get('name') ?? null;
  }

  /** A key's value as JSON, `null` when absent. */
  @Query(() => String, { nullable: true })
  value(@Args('key') key: string, @Session() session: Session): string | null {
    return session.has(key) ? JSON.stringify(session.get(key)) : null;
  }

  @Query(() => Profile)
  profile(): Profile {
    return { id: 'me' };
  }

  @Mutation(() => Boolean)
  login(@Args('name') name: string, @Session() session: Session): boolean {
    session.set('name', name);
    return true;
  }

  @Mutation(() => Boolean)
  writeThenThrow(@Session() session: Session): boolean {
    session.set('written', 'before the error');
    throw new Error('resolver failed after writing');
  }

  @Mutation(() => Boolean)
  async logout(@Session() session: Session): Promise<boolean> {
    await session.destroy();
    return true;
  }
}

/** A field resolver: Nest runs no interceptor on it by default, and @Session() must still work. */
@Resolver(() => Profile)
class ProfileResolver {
  @ResolveField(() => String, { nullable: true })
  name(@Session('name') name?: string): string | null {
    return name ?? null;
  }
}

/** The resolvers and guard of the scenarios, for apps built another way. */
export const GRAPHQL_RESOLVERS = [SessionResolver, ProfileResolver, SeenGuard, DenyingGuard];

export function createGraphqlApp(driver: GraphqlDriver, options: Omit<SessionModuleOptions, 'secret'> = {}): Promise<TestApp> {
  return createTestApp(driver.platform, [SessionModule.forRoot({ secret: SECRET, asyncContext: true, ...options }), driver.module()], [], GRAPHQL_RESOLVERS);
}

/** One GraphQL POST (or a batch, when `body` is an array). */
export function graphqlBody(query: string, variables?: Record<string, unknown>) {
  return variables ? { query, variables } : { query };
}
