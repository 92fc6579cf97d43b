import type { ModulesContainer } from '@nestjs/core';
import { SessionStore } from './contract/session-store';
import { SessionOptionsError } from './errors';

/** Where Nest keeps the tokens a class asked for with `@Inject(token)` (constructor parameters). */
const SELF_DECLARED_DEPS = 'self:paramtypes';

/**
 * With cookie sessions there is no store. Whoever injects `SessionStore` then is told so at
 * startup, by name, instead of receiving something that fails at the first request. Reads each
 * provider's and controller's declared constructor dependencies, as Nest's injector does.
 */
export function refuseStoreInjection(modules: ModulesContainer): void {
  for (const module of modules.values()) {
    for (const wrapper of [...module.providers.values(), ...module.controllers.values()]) {
      const type = wrapper.metatype as { name?: string } | null;
      if (!type || !asksForStore(wrapper.inject, type)) continue;
      throw new SessionOptionsError(
        `${type.name ?? String(wrapper.token)} injects SessionStore, but sessions are kept in the cookie (no \`store\` option), so there is no server-side store to inject. Pass a store to SessionModule.forRoot({ store }) or remove the dependency.`,
      );
    }
  }
}

function asksForStore(inject: readonly unknown[] | null | undefined, type: object): boolean {
  const factoryDeps = inject ?? [];
  const paramTypes: unknown[] = Reflect.getMetadata('design:paramtypes', type) ?? [];
  const declared: { param: unknown }[] = Reflect.getMetadata(SELF_DECLARED_DEPS, type) ?? [];
  return [...factoryDeps, ...paramTypes, ...declared.map((d) => d.param)].some((dep) => dep === SessionStore);
}
