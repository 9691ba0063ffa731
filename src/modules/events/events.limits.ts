/**
 * Rate limits on the anonymous theme-day registration form (README Decisions, "Theme-day registration
 * limits"). The form mails whatever address is typed, so without limits it is a way to flood an inbox and to
 * fill the participant list with junk. Counted in the shared DB-backed windows of auth.ratelimit.ts.
 * Signed-in members registering with one click are not limited (their address is proven).
 */
import type { Db } from '@db/client';
import { hitRateLimits, type Limit } from '@/modules/auth/auth.ratelimit';

const MINUTE = 60_000;

export const EVENT_LIMITS = {
	/**
	 * Registrations sent from one client address (a municipality's office NAT included): generous for a
	 * team signing up together, nothing like the thousands a script sends.
	 */
	registrationPerClient: { max: 30, windowMs: 15 * MINUTE },
	/** Registrations naming one e-mail address, across all theme days. */
	registrationPerAddress: { max: 5, windowMs: 60 * MINUTE },
} satisfies Record<string, Limit>;

export type LimitCheck = { allowed: true } | { allowed: false; message: string; retryAfterSeconds: number };

const CLOCK = new Intl.DateTimeFormat('da-DK', { hour: '2-digit', minute: '2-digit', timeZone: 'Europe/Copenhagen' });

function refusal(resetAt: Date, now: Date): LimitCheck {
	const clock = CLOCK.format(resetAt);
	return {
		allowed: false,
		message: `Der er sendt for mange tilmeldinger på kort tid. Vent lidt, og prøv igen efter kl. ${clock}. Det, du har skrevet, er gemt i formularen.`,
		retryAfterSeconds: Math.max(1, Math.ceil((resetAt.getTime() - now.getTime()) / 1000)),
	};
}

/**
 * Counts one anonymous registration from `clientAddress` for `email`; says whether it may go ahead. Both windows
 * are counted in one statement (hitRateLimits): the address is counted even when the client is over its limit —
 * stricter than counting it only after the client passed, never looser.
 */
export async function checkRegistrationLimits(db: Db, clientAddress: string | null, email: string, now: Date = new Date()): Promise<LimitCheck> {
	const hits = [{ key: `event-register:email:${email.trim().toLowerCase()}`, limit: EVENT_LIMITS.registrationPerAddress }];
	if (clientAddress) hits.unshift({ key: `event-register:ip:${clientAddress}`, limit: EVENT_LIMITS.registrationPerClient });
	const refused = (await hitRateLimits(db, hits, now)).filter((r) => !r.allowed);
	if (!refused.length) return { allowed: true };
	// Over both: the later of the two windows is when a new try can pass.
	return refusal(new Date(Math.max(...refused.map((r) => r.resetAt.getTime()))), now);
}
