/// <reference path="../.astro/types.d.ts" />

declare namespace App {
	interface Locals {
		/** The signed-in user, or null for anonymous visitors. Set by src/middleware.ts. */
		user: import('./modules/auth/auth.types').SessionUser | null;
		/** The integration an `Authorization: Bearer` API key identifies on /api/*, or null. Set by src/middleware.ts. */
		apiClient?: import('./modules/apikeys/apikeys').ApiClient | null;
		/** The current session's id (for sign-out), or null. */
		sessionId: string | null;
		/** A short id of this request, for the log and the error pages (support can find the log line). */
		requestId: string;
		/** Seconds for the Retry-After header of the 429 and 503 pages. */
		retryAfterSeconds?: number;
		/** What a write that met a busy database sent, so the 503 page can offer to send it again. */
		resend?: { action: string; values: Record<string, string | string[]> };
		/**
		 * Set by a page (sameForReaders() in src/lib/page-cache.ts) whose HTML depends on the viewer only through
		 * being signed in and their rights: every reader (auth.permissions.ts isReader) may be given the same copy.
		 */
		sameForReaders?: boolean;
		/** The signed-in user is a reader (auth.permissions.ts isReader), set by src/middleware.ts on cacheable GETs. */
		reader?: boolean;
		/** Set by a page through viewerHoles() (src/lib/page-cache.ts): fills the readers' copy's per-viewer parts. */
		viewerHoles?: import('./lib/page-cache').FillHoles;
	}
}
