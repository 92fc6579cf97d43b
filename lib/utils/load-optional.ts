import { SessionOptionsError } from '../errors';

/**
 * Loads an optional peer dependency where a store is built, so that apps which never use that
 * store never need the package. A missing package fails with the command that installs it.
 */
// eslint-disable-next-line @typescript-eslint/no-unnecessary-type-parameters -- the caller names the module's type
export function loadOptional<T>(packageName: string, storeName: string): T {
  try {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    return require(packageName) as T;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'MODULE_NOT_FOUND' && String((error as { message?: unknown }).message).includes(packageName)) {
      throw new SessionOptionsError(`${storeName} needs the "${packageName}" package: npm install ${packageName}`);
    }
    throw error;
  }
}
