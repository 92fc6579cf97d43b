import { envName, SERVICES, ServiceName, STRICT } from './services';

/** Probes every real server once, so each spec knows what it can talk to. */
export default async function globalSetup(): Promise<void> {
  const names = Object.keys(SERVICES) as ServiceName[];
  const results = await Promise.all(names.map(async (name) => [name, await SERVICES[name].probe()] as const));
  const missing: string[] = [];
  for (const [name, up] of results) {
    process.env[envName(name)] = up ? 'up' : 'down';
    if (!up) missing.push(SERVICES[name].what);
  }
  if (missing.length === 0) return;
  const message = `nest-session tests: not reachable: ${missing.join('; ')}.`;
  if (STRICT) throw new Error(`${message} NEST_SESSION_STRICT=1 turns these skips into a failure.`);
  // eslint-disable-next-line no-console
  console.warn(`\n!!! ${message} Their suites will be SKIPPED.\n`);
}
