/** Injection token of the options after defaults and checks (`ResolvedSessionOptions`). */
export const SESSION_RESOLVED_OPTIONS = Symbol('nest-session:resolved-options');
