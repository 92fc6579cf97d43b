import { randomBytes } from 'node:crypto';
import { Body, Controller, Get, Param, Post } from '@nestjs/common';
import { Session } from '../../lib';

/** Nest's answer to an error that is not an HttpException: nothing of the library shows. */
export const GENERIC_500 = { statusCode: 500, message: 'Internal server error' };

/**
 * A small app that lets a test put what a handler might put in a session: values from a request
 * body, a sparse object, data nested too deep or too large, and read any key back.
 */
@Controller()
export class HostileDataController {
  @Post('login')
  login(@Session() session: Session) {
    session.set('user', 'ada');
    return { ok: true };
  }

  @Get('whoami')
  whoami(@Session() session: Session) {
    return { user: session.get('user') ?? null, keys: session.keys() };
  }

  /** Stores `JSON.parse(raw)` under `key`, as a handler storing a parsed request body does. */
  @Post('store/:key')
  storeParsed(@Session() session: Session, @Param('key') key: string, @Body() body: { raw: string }) {
    session.set(key, JSON.parse(body.raw));
    return { ok: true };
  }

  @Post('sparse')
  sparse(@Session() session: Session) {
    session.set('meta', { ' note': 'x', extra: undefined });
    return { ok: true };
  }

  @Post('deep')
  deep(@Session() session: Session) {
    let deep: unknown = 'x';
    for (let i = 0; i < 40; i++) deep = { a: deep };
    session.set('deep', deep);
    return { ok: true };
  }

  @Post('big')
  big(@Session() session: Session) {
    // Random, so that compression cannot fit it in a cookie; over maxSize's 64 KiB for the stores.
    session.set('big', randomBytes(50_000).toString('base64'));
    return { ok: true };
  }

  @Get('read/:key')
  read(@Session() session: Session, @Param('key') key: string) {
    return { value: session.get(key) ?? null };
  }
}
