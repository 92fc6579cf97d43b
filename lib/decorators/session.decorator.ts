import { createParamDecorator, ExecutionContext } from '@nestjs/common';
import type { Session as SessionShape } from '../interfaces/session.interface';
import { sessionOf } from '../transports/context-session';

/** Marks handlers whose parameters need the session, so the interceptor opens it first. */
export const USES_SESSION = 'nest-session:uses-session';

/**
 * nest-session's session, as a handler parameter:
 *
 *     @Get() cart(@Session() session: Session<{ cart: string[] }>) { ... }
 *     @Get() who(@Session('userId') userId?: number) { ... }
 *
 * It works the same in GraphQL resolvers and WebSocket gateway handlers (see docs/transports.md).
 * Not to be confused with `Session` from `@nestjs/common`, which returns `req.session`: that is
 * only set with the `requestSession: true` option. Import `Session` from 'nest-session'.
 */
// Typed by hand: the inferred type names Nest 12's `ParameterDecoratorOptions`, which Nest 11's
// typings lack, so the shipped .d.ts would not compile in a Nest 11 app.
export const Session: (key?: string) => ParameterDecorator = createParamDecorator(
  (key: string | undefined, context: ExecutionContext) => {
    const session = sessionOf(context);
    if (key === undefined) return session;
    // A GraphQL field resolver or a gateway message may open the session here (Nest awaits it).
    return session instanceof Promise ? session.then((opened) => opened.get(key)) : session.get(key);
  },
  [
    (target: object, propertyKey?: string | symbol) => {
      if (propertyKey !== undefined) Reflect.defineMetadata(USES_SESSION, true, (target as Record<string | symbol, object>)[propertyKey]);
    },
  ],
);

/** The session object's type; `Session<T>` types its data. Same name as the decorator, on purpose. */
export type Session<T extends object = Record<string, any>> = SessionShape<T>;
