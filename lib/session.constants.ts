/** Injection token of the options after defaults and checks (`ResolvedSessionOptions`). */
export const SESSION_RESOLVED_OPTIONS = Symbol('nest-session:resolved-options');

/** Injection token of the application's {@link SessionRuntime}: its session interface and view. */
export const SESSION_RUNTIME = Symbol('nest-session:runtime');
