/**
 * Rate limits on the anonymous theme-day registration form (README Decisions, "Theme-day registration
 * limits"). The form mails whatever address is typed, so without limits it is a way to flood an inbox and to
 * fill the participant list with junk. Counted in the shared DB-backed windows of auth.ratelimit.ts.
 * Signed-in members registering with one click are not limited (their address is proven).
 */
import type { Db } from '@db/client';
import { hitRateLimit, type Limit } from '@/modules/auth/auth.ratelimit';

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

function refusal(resetAt: Date, now: Date): LimitCheck {
	const clock = new Intl.DateTimeFormat('da-DK', { hour: '2-digit', minute: '2-digit', timeZone: 'Europe/Copenhagen' }).format(resetAt);
	return {
		allowed: false,
		message: `Der er sendt for mange tilmeldinger på kort tid. Vent lidt, og prøv igen efter kl. ${clock}. Det, du har skrevet, er gemt i formularen.`,
		retryAfterSeconds: Math.max(1, Math.ceil((resetAt.getTime() - now.getTime()) / 1000)),
	};
}

/** Counts one anonymous registration from `clientAddress` for `email`; says whether it may go ahead. */
export async function checkRegistrationLimits(db: Db, clientAddress: string | null, email: string, now: Date = new Date()): Promise<LimitCheck> {
	if (clientAddress) {
		const byClient = await hitRateLimit(db, `event-register:ip:${clientAddress}`, EVENT_LIMITS.registrationPerClient, now);
		if (!byClient.allowed) return refusal(byClient.resetAt, now);
	}
	const byAddress = await hitRateLimit(db, `event-register:email:${email.trim().toLowerCase()}`, EVENT_LIMITS.registrationPerAddress, now);
	if (!byAddress.allowed) return refusal(byAddress.resetAt, now);
	return { allowed: true };
}
