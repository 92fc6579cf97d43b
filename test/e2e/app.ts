import type { DynamicModule, INestApplication, Type } from '@nestjs/common';
import { Module } from '@nestjs/common';
import { FastifyAdapter, NestFastifyApplication } from '@nestjs/platform-fastify';
import { Test } from '@nestjs/testing';

export type Platform = 'express' | 'fastify';
export const PLATFORMS: Platform[] = ['express', 'fastify'];

/** A Nest application over real HTTP on a free loopback port, on the given platform. */
export interface TestApp {
  app: INestApplication;
  url: string;
  close(): Promise<void>;
}

export async function createTestApp(
  platform: Platform,
  imports: (DynamicModule | Type<unknown>)[],
  controllers: Type<unknown>[] = [],
  providers: Type<unknown>[] = [],
): Promise<TestApp> {
  @Module({ imports, controllers, providers })
  class TestModule {}
  const moduleRef = await Test.createTestingModule({ imports: [TestModule] }).compile();
  const app: INestApplication =
    platform === 'fastify'
      ? moduleRef.createNestApplication<NestFastifyApplication>(new FastifyAdapter(), { logger: ['error', 'warn'] })
      : moduleRef.createNestApplication({ logger: ['error', 'warn'] });
  await app.listen(0, '127.0.0.1');
  const url = (await app.getUrl()).replace('[::1]', '127.0.0.1');
  return { app, url, close: () => app.close() };
}

/** One HTTP response as a browser would see it. */
export interface Reply {
  status: number;
  body: string;
  json: any;
  headers: Headers;
  /** Raw Set-Cookie headers. */
  setCookies: string[];
}

/**
 * A tiny browser: keeps the cookies the server sets (name=value, honouring deletion) and sends
 * them back, so scenarios read like a user clicking through.
 */
export class Browser {
  readonly jar = new Map<string, string>();

  constructor(private readonly base: string) {}

  async request(method: string, path: string, init: { body?: unknown; headers?: Record<string, string> } = {}): Promise<Reply> {
    const headers: Record<string, string> = { ...init.headers };
    const cookie = [...this.jar].map(([name, value]) => `${name}=${value}`).join('; ');
    if (cookie && !headers.cookie) headers.cookie = cookie;
    if (init.body !== undefined) headers['content-type'] = 'application/json';
    const response = await fetch(this.base + path, {
      method,
      headers,
      body: init.body === undefined ? undefined : JSON.stringify(init.body),
      redirect: 'manual',
    });
    const body = await response.text();
    const setCookies = response.headers.getSetCookie();
    for (const header of setCookies) {
      const [pair, ...attributes] = header.split(';').map((part) => part.trim());
      const eq = pair.indexOf('=');
      const name = pair.slice(0, eq);
      const value = pair.slice(eq + 1);
      const expired = attributes.some((a) => /^max-age=0$/i.test(a)) || value === '';
      if (expired) this.jar.delete(name);
      else this.jar.set(name, value);
    }
    let json: unknown;
    try {
      json = body ? JSON.parse(body) : undefined;
    } catch {
      json = undefined;
    }
    return { status: response.status, body, json, headers: response.headers, setCookies };
  }

  get(path: string, headers?: Record<string, string>): Promise<Reply> {
    return this.request('GET', path, { headers });
  }

  post(path: string, body?: unknown, headers?: Record<string, string>): Promise<Reply> {
    return this.request('POST', path, { body, headers });
  }
}

/** Attributes of a Set-Cookie header as a lowercase-keyed map (`true` for flags). */
export function cookieAttributes(header: string): Record<string, string | true> {
  const [pair, ...rest] = header.split(';').map((part) => part.trim());
  const out: Record<string, string | true> = { value: pair.slice(pair.indexOf('=') + 1) };
  for (const attribute of rest) {
    const eq = attribute.indexOf('=');
    if (eq < 0) out[attribute.toLowerCase()] = true;
    else out[attribute.slice(0, eq).toLowerCase()] = attribute.slice(eq + 1);
  }
  return out;
}

export const SECRET = 'test-secret-that-is-at-least-32-characters-long';
