/// <reference path="../.astro/types.d.ts" />

declare namespace App {
	interface Locals {
		/** The signed-in user, or null for anonymous visitors. Set by src/middleware.ts. */
		user: import('./modules/auth/auth.types').SessionUser | null;
		/** The current session's id (for sign-out), or null. */
		sessionId: string | null;
	}
}
