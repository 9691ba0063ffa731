/** Pure rules about directory entries: who may see which contact field and who is away (freshness: freshness.rules.ts). */
import type { Visibility } from '@db/schema';
import { clockNow, localDate } from '@/lib/clock';

/** May this viewer see a field with this visibility? Editors of the entry always may (pass `isEditor`). */
/**
 * Who sees a new person's contact fields until they choose otherwise (README Decisions, "Per-field
 * visibility defaults"): the work phone and work e-mail are public, as in a municipality's own staff
 * directory, so a hospital nurse without an account can call a key person directly; the mobile is
 * members-only. Each person may restrict any field.
 */
export const DEFAULT_VISIBILITY = { phone: 'public', mobile: 'members', email: 'public' } as const satisfies Record<string, Visibility>;

export function canSeeField(visibility: Visibility, viewer: { signedIn: boolean; isEditor?: boolean }): boolean {
	if (viewer.isEditor) return true;
	if (visibility === 'public') return true;
	if (visibility === 'members') return viewer.signedIn;
	return false;
}

export interface VisibleContact {
	phone: string | null;
	mobile: string | null;
	email: string | null;
	/** True when at least one field was held back because the viewer is not signed in. */
	hiddenForAnonymous: boolean;
}

/** The contact fields of a person the viewer may see (others are null). */
export function visibleContact(
	person: { phone: string | null; mobile: string | null; email: string | null; phoneVisibility: Visibility; mobileVisibility: Visibility; emailVisibility: Visibility },
	viewer: { signedIn: boolean; isEditor?: boolean },
): VisibleContact {
	const show = (value: string | null, visibility: Visibility) => (value && canSeeField(visibility, viewer) ? value : null);
	const contact = {
		phone: show(person.phone, person.phoneVisibility),
		mobile: show(person.mobile, person.mobileVisibility),
		email: show(person.email, person.emailVisibility),
	};
	const hiddenForAnonymous =
		!viewer.signedIn &&
		((!!person.phone && person.phoneVisibility === 'members') ||
			(!!person.mobile && person.mobileVisibility === 'members') ||
			(!!person.email && person.emailVisibility === 'members'));
	return { ...contact, hiddenForAnonymous };
}

/**
 * True while the person is away (deputy shown first); dates are inclusive calendar dates in Copenhagen, so an
 * absence "til 3. dec." ends at local midnight, not at 01:00 or 02:00 as a UTC-day comparison would have it.
 */
export function isAway(person: { awayFrom: string | null; awayUntil: string | null }, now: Date = clockNow()): boolean {
	if (!person.awayFrom && !person.awayUntil) return false;
	const today = localDate(now);
	return (!person.awayFrom || person.awayFrom.slice(0, 10) <= today) && (!person.awayUntil || today <= person.awayUntil.slice(0, 10));
}
