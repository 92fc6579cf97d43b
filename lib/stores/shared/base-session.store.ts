import { SessionStore, type StoreSettings } from '../../contract/session-store';
import { DEFAULT_STORE_TIMEOUT, timeoutOf } from './store-timeout';

/**
 * A `SessionStore` that keeps the module's timeout, so that no store copies that code: extend it
 * instead of `SessionStore` and bound each call by `this.timeout`, on the backend's side where
 * it allows (a statement timeout, `maxTimeMS`, a deadline checked before each write), so that a
 * call that gave up has written nothing.
 *
 * A store that checks more at startup (its table, its server's clock) overrides `start()` and
 * calls `await super.start(settings)` first.
 */
export abstract class BaseSessionStore extends SessionStore {
  /**
   * Milliseconds one call may take: the module's `storeTimeout`, as `start()` received it.
   * @default 2000 ({@link DEFAULT_STORE_TIMEOUT}), until `start()` is called
   */
  protected timeout = DEFAULT_STORE_TIMEOUT;

  /** Keeps the module's timeout; refuses one that is not a positive number of milliseconds. */
  override async start(settings: StoreSettings): Promise<void> {
    this.timeout = timeoutOf(settings);
  }
}
