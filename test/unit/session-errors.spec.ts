import { ConflictException, HttpStatus, ServiceUnavailableException } from '@nestjs/common';
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import * as api from '../../lib';
import {
  CasRetriesExhaustedError,
  CsrfRejectedError,
  FileLockTimeoutError,
  LateCookieError,
  SessionArgumentError,
  SessionContextError,
  SessionDataError,
  SessionError,
  SessionIdError,
  SessionLimitError,
  SessionOptionsError,
  SessionSchemaError,
  SessionStoreConflictError,
  SessionStoreDisconnectedError,
  SessionStoreNoAnswerError,
  SessionStoreTimeoutError,
  SessionSocketError,
  SessionStoreUnavailableError,
  SessionStoreUnsupportedError,
  SessionTooLargeError,
  SessionTransportError,
  UnsupportedNodeError,
} from '../../lib';

/** One instance of every error class of the library, as the library builds them. */
const samples: Error[] = [
  new CasRetriesExhaustedError('session:abc', 50),
  new CsrfRejectedError('missing'),
  new FileLockTimeoutError('/tmp/x.lock', 1500),
  new LateCookieError(),
  new SessionArgumentError('not a UUID: "x"'),
  new SessionContextError('no request'),
  new SessionDataError('session key "a" holds a function'),
  new SessionIdError('FileSessionStore'),
  new SessionLimitError(3),
  new SessionOptionsError('secret is 3 characters'),
  new SessionSchemaError('sessions', 'CreateSessionTable1767225600000', 'relation "sessions" does not exist'),
  new SessionStoreConflictError('RedisSessionStore could not index a session whose owner kept changing'),
  new SessionStoreDisconnectedError('Redis is unreachable (client reconnecting)'),
  new SessionStoreNoAnswerError(2500),
  new SessionStoreTimeoutError('RedisSessionStore', 2000),
  new SessionStoreUnavailableError('get', new Error('ECONNREFUSED')),
  new SessionStoreUnsupportedError('no user index'),
  new SessionTooLargeError(70000, 65536, 'Keep less in the session.'),
  new SessionSocketError('SESSION_SOCKET_REGENERATE', 'socket.io'),
  new SessionTransportError('rpc', 'microservice (rpc) handlers have no session'),
  new UnsupportedNodeError('22.12.0', '20.19.0'),
];

const LIB = join(__dirname, '..', '..', 'lib');

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) =>
    entry.isDirectory() ? sourceFiles(join(dir, entry.name)) : entry.name.endsWith('.ts') ? [join(dir, entry.name)] : [],
  );
}

describe('the error family', () => {
  const exported = Object.entries(api).filter(([, value]) => typeof value === 'function' && (value as { prototype?: unknown }).prototype instanceof Error);

  it('exports every error class of the library, and the samples cover each one', () => {
    const names = exported.map(([name]) => name).sort();
    expect(names).toEqual(['SessionError', ...samples.map((error) => error.constructor.name)].sort());
  });

  it.each(samples.map((error) => [error.constructor.name, error] as const))('%s is a SessionError with a stable code, a name and a prefixed message', (name, error) => {
    expect(error).toBeInstanceOf(SessionError);
    expect(error).toBeInstanceOf(Error);
    expect(error).toBeInstanceOf(error.constructor as abstract new () => unknown);
    expect(error.name).toBe(name);
    expect((error as SessionError).code).toMatch(/^SESSION_[A-Z_]+$/);
    // The 503's message is what Nest sends to the client; every other message goes to the log.
    if (error instanceof SessionStoreUnavailableError) expect(error.message).toBe('The session store is unavailable; try again shortly.');
    // The 403's message is the whole body the client gets, the same for every reason.
    else if (error instanceof CsrfRejectedError) expect(error.message).toBe('invalid CSRF token');
    // The 409's message is what the client gets, and may show.
    else if (error instanceof SessionLimitError) expect(error.message).toBe('This account already has 3 active sessions, the most allowed. Log out on another device first.');
    else expect(error.message.startsWith('nest-session: ')).toBe(true);
  });

  it('gives each class its own code', () => {
    const codes = samples.map((error) => (error as SessionError).code);
    expect(new Set(codes).size).toBe(samples.length);
  });

  it('keeps the bases callers test for: a 503 exception, a 409 exception, a RangeError, a TypeError', () => {
    const unavailable = new SessionStoreUnavailableError('save');
    expect(unavailable).toBeInstanceOf(ServiceUnavailableException);
    expect(unavailable.getStatus()).toBe(HttpStatus.SERVICE_UNAVAILABLE);
    expect(unavailable.getResponse()).toEqual({ statusCode: 503, error: 'Service Unavailable', message: 'The session store is unavailable; try again shortly.' });
    const limit = new SessionLimitError(2);
    expect(limit).toBeInstanceOf(ConflictException);
    expect([limit.getStatus(), limit.limit]).toEqual([HttpStatus.CONFLICT, 2]);
    expect(new SessionIdError('MongoSessionStore')).toBeInstanceOf(RangeError);
    expect(new SessionArgumentError('invalid cookie value')).toBeInstanceOf(TypeError);
  });

  it('reads the mark only for SessionError itself: subclasses keep the ordinary prototype check', () => {
    expect(new Error('x')).not.toBeInstanceOf(SessionError);
    expect(new RangeError('x')).not.toBeInstanceOf(SessionError);
    expect(new ServiceUnavailableException()).not.toBeInstanceOf(SessionError);
    expect((null as unknown) instanceof SessionError).toBe(false);
    expect(({ code: 'SESSION_TOO_LARGE' } as unknown) instanceof SessionError).toBe(false);
    expect(new SessionTooLargeError(2, 1, '')).not.toBeInstanceOf(SessionDataError);
    expect(new SessionDataError('x')).not.toBeInstanceOf(SessionOptionsError);
    expect(new SessionStoreUnavailableError('get')).not.toBeInstanceOf(SessionStoreTimeoutError);
  });

  it('narrows in a catch block', () => {
    const handle = (error: unknown): string => (error instanceof SessionError ? error.code : 'other');
    expect(handle(new SessionStoreUnavailableError('get'))).toBe('SESSION_STORE_UNAVAILABLE');
    expect(handle(new SessionIdError('x'))).toBe('SESSION_ID_INVALID');
    expect(handle(new Error('x'))).toBe('other');
  });

  it('keeps every error class in lib/errors, one per file, and throws no bare built-in error in lib/', () => {
    const outside: string[] = [];
    for (const file of sourceFiles(LIB)) {
      const text = readFileSync(file, 'utf8');
      const where = relative(LIB, file);
      if (!where.startsWith('errors/') && /class \w+ extends (\w*Error|\w*Exception)\b/.test(text)) outside.push(`${where}: declares an error class`);
      for (const match of text.matchAll(/new (Error|TypeError|RangeError|SyntaxError)\(/g)) outside.push(`${where}: new ${match[1]}(`);
    }
    expect(outside).toEqual([]);
    const errorFiles = readdirSync(join(LIB, 'errors')).filter((name) => name !== 'index.ts');
    for (const name of errorFiles) expect(readFileSync(join(LIB, 'errors', name), 'utf8').match(/^export (abstract )?class /gm)).toHaveLength(1);
  });
});
