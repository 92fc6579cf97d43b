import { Injectable } from '@nestjs/common';
import { EventEmitterModule, OnEvent } from '@nestjs/event-emitter';
import { MemorySessionStore, SessionEvents, type SessionCreatedEvent, type SessionDestroyedEvent } from '../../lib';
import { Browser, PLATFORMS, type TestApp } from '../e2e/app';
import { createPassportApp } from '../passport/passport-app';
import { PASSPORT_STORES } from '../passport/passport-stores';
import { createEventsApp, type EventLog } from './events-app';

/** What an app writes with @nestjs/event-emitter: nothing of nest-session's API but the names. */
@Injectable()
class AuditListener {
  readonly seen: string[] = [];

  @OnEvent('session.created')
  created(event: SessionCreatedEvent): void {
    this.seen.push(`created ${event.sessionId}`);
  }

  @OnEvent('session.destroyed')
  destroyed(event: SessionDestroyedEvent): void {
    this.seen.push(`destroyed ${event.sessionId}`);
  }

  @OnEvent('session.*')
  any(): void {
    this.seen.push('wildcard');
  }
}

for (const platform of PLATFORMS) {
  describe(`session events through @nestjs/event-emitter on ${platform}`, () => {
    let app: TestApp & { log: EventLog };
    beforeAll(async () => {
      app = await createEventsApp(platform, { store: new MemorySessionStore() }, { imports: [EventEmitterModule.forRoot({ wildcard: true })], providers: [AuditListener] });
    });
    afterAll(async () => app?.close());

    it('@OnEvent handlers receive the events, wildcards included, beside SessionEvents listeners', async () => {
      const audit = app.app.get(AuditListener);
      const browser = new Browser(app.url);
      const { id } = (await browser.post('/write', {})).json;
      await browser.post('/logout', {});
      expect(audit.seen).toEqual([`created ${id}`, 'wildcard', `destroyed ${id}`, 'wildcard']);
      expect(app.log.take().map((e) => e.name)).toEqual(['session.created', 'session.destroyed']);
    });

    it('a listener that throws is logged; the request and the other listeners go on', async () => {
      const events = app.app.get(SessionEvents);
      const off = events.on('session.created', () => {
        throw new Error('listener bug');
      });
      const offAsync = events.on('session.created', async () => {
        throw new Error('async listener bug');
      });
      try {
        const reply = await new Browser(app.url).post('/write', {});
        expect(reply.status).toBe(200);
        expect(app.log.take().map((e) => e.name)).toEqual(['session.created']);
      } finally {
        off();
        offAsync();
      }
    });
  });
}

describe('session events without listeners', () => {
  it('build no payload: the builder is not called', () => {
    const events = new SessionEvents();
    let built = 0;
    events.emit('session.created', () => (built++, { sessionId: 'x' }));
    const off = events.on('session.destroyed', () => undefined);
    events.emit('session.created', () => (built++, { sessionId: 'x' }));
    expect(built).toBe(0);
    events.emit('session.destroyed', () => (built++, { sessionId: 'x' }));
    expect(built).toBe(1);
    off();
    expect(events.has('session.destroyed')).toBe(false);
  });
});

// Passport's login calls express-session's regenerate() (a new, empty session): reported as a
// regeneration of the old id, not as a destroy.
for (const platform of PLATFORMS) {
  const kind = PASSPORT_STORES.find((candidate) => candidate.name === 'TypeORM on SQLite')!;
  describe(`session events of a Passport login on ${platform}, ${kind.name}`, () => {
    it('login: regenerated from the old id; no destroyed, and no created for the logged-in record', async () => {
      const harness = await kind.open();
      const app = await createPassportApp(platform, harness);
      try {
        const events = app.app.get(SessionEvents);
        const seen: string[] = [];
        events.on('session.created', (event) => void seen.push(`created ${event.sessionId}`));
        events.on('session.regenerated', (event) => void seen.push(`regenerated ${event.previousSessionId} -> ${event.sessionId}`));
        events.on('session.destroyed', (event) => void seen.push(`destroyed ${event.sessionId}`));
        const browser = new Browser(app.url);
        const visit = (await browser.post('/visit')).json.id;
        const login = (await browser.post('/login', { username: 'alice', password: 'alice-password' })).json.id;
        expect(seen).toEqual([`created ${visit}`, `regenerated ${visit} -> ${login}`]);
      } finally {
        await app.close();
        await harness.cleanup();
      }
    });
  });
}
