import { createParamDecorator, ExecutionContext } from '@nestjs/common';
import { SessionContextError } from '../errors';
import type { Session as SessionShape } from '../interfaces/session.interface';
import { RequestSession } from '../session/request-session';

/** Marks handlers whose parameters need the session, so the interceptor opens it first. */
export const USES_SESSION = 'nest-session:uses-session';

/**
 * nest-session's session, as a handler parameter:
 *
 *     @Get() cart(@Session() session: Session<{ cart: string[] }>) { ... }
 *     @Get() who(@Session('userId') userId?: number) { ... }
 *
 * Not to be confused with `Session` from `@nestjs/common`, which returns `req.session`: that is
 * only set with the `requestSession: true` option. Import `Session` from 'nest-session'.
 */
// Typed by hand: the inferred type names Nest 12's `ParameterDecoratorOptions`, which Nest 11's
// typings lack, so the shipped .d.ts would not compile in a Nest 11 app.
export const Session: (key?: string) => ParameterDecorator = createParamDecorator(
  (key: string | undefined, context: ExecutionContext) => {
    const session = RequestSession.find(context.switchToHttp().getRequest())?.session;
    if (!session) {
      throw new SessionContextError(
        '@Session() found no session: import SessionModule.forRoot() in the application module, and import Session from "nest-session", not "@nestjs/common".',
      );
    }
    return key === undefined ? session : session.get(key);
  },
  [
    (target: object, propertyKey?: string | symbol) => {
      if (propertyKey !== undefined) Reflect.defineMetadata(USES_SESSION, true, (target as Record<string | symbol, object>)[propertyKey]);
    },
  ],
);

/** The session object's type; `Session<T>` types its data. Same name as the decorator, on purpose. */
export type Session<T extends object = Record<string, any>> = SessionShape<T>;
