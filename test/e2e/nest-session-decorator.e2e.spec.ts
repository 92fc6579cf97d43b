import { Controller, Get, LoggerService, Module, Session as NestSession } from '@nestjs/common';
import { FastifyAdapter } from '@nestjs/platform-fastify';
import { Test } from '@nestjs/testing';
import { SessionModule } from '../../lib';
import { Browser, PLATFORMS, SECRET } from './app';

/** The mistake the hint is for: `Session` imported from '@nestjs/common' instead of 'nest-session'. */
@Controller()
class WrongImportController {
  @Get('count')
  count(@NestSession() session: { get(key: string): number | undefined }) {
    return { count: session.get('count') ?? 0 };
  }
}

/** Keeps what Nest logs, so the test can read the hint a developer would read. */
class CapturingLogger implements LoggerService {
  readonly lines: string[] = [];
  log() {}
  warn() {}
  error(...parts: unknown[]) {
    this.lines.push(parts.map(String).join(' '));
  }
}

describe.each(PLATFORMS)("Nest's own @Session() used by mistake, on %s", (platform) => {
  it('answers a generic 500 and logs how to fix it, instead of a TypeError deep in the handler', async () => {
    @Module({ imports: [SessionModule.forRoot({ secret: SECRET })], controllers: [WrongImportController] })
    class AppModule {}
    const logger = new CapturingLogger();
    const moduleRef = await Test.createTestingModule({ imports: [AppModule] }).compile();
    const app = platform === 'fastify' ? moduleRef.createNestApplication(new FastifyAdapter(), { logger }) : moduleRef.createNestApplication({ logger });
    await app.listen(0, '127.0.0.1');
    try {
      const reply = await new Browser((await app.getUrl()).replace('[::1]', '127.0.0.1')).get('/count');
      expect(reply.status).toBe(500);
      expect(reply.json).toEqual({ statusCode: 500, message: 'Internal server error' });
      expect(logger.lines.join('\n')).toMatch(/uses @Session\(\) from '@nestjs\/common'.*Import \{ Session \} from 'nest-session'.*requestSession: true/s);
      expect(logger.lines.join('\n')).not.toMatch(/Cannot read properties of undefined/);
    } finally {
      await app.close();
    }
  });
});
