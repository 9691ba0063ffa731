/**
 * The one-click confirmation. GET shows the entry (loadConfirmation changes nothing, because mail
 * scanners open links); only the button's POST confirms (confirmByToken), once.
 */
import type { Db } from '@db/client';
import { patchPerson } from '@/modules/directory/directory.writes';
import { findPersonById } from '@/modules/directory/directory.repository';
import type { Person } from '@/modules/directory/directory.types';
import { findRequest } from './freshness.repository';
import { verifyConfirmToken } from './freshness.token';

/** `confirmed`: this link confirmed the entry; `used`: the request was closed (pressed again, or confirmed another way). */
export type ConfirmState = 'ready' | 'confirmed' | 'used' | 'expired' | 'invalid';

export interface ConfirmView {
	state: ConfirmState;
	person?: Person;
}

async function resolve(db: Db, token: string, secret: string, now: Date) {
	const check = verifyConfirmToken(token, secret, now);
	if (!check.ok) {
		// An expired link still says whose entry it was, so the page can point to the edit form.
		if (check.reason === 'expired') {
			const id = Number(token.split('.')[0]);
			const request = await findRequest(db, id);
			const person = request ? await findPersonById(db, request.person_id) : undefined;
			return { view: { state: 'expired' as const, person: person?.status === 'active' ? person : undefined } };
		}
		return { view: { state: 'invalid' as const } };
	}
	const request = await findRequest(db, check.requestId);
	const person = request ? await findPersonById(db, request.person_id) : undefined;
	if (!request || !person || person.status !== 'active') return { view: { state: 'invalid' as const } };
	if (request.closed_at) return { view: { state: request.confirmed_at ? ('confirmed' as const) : ('used' as const), person } };
	return { view: { state: 'ready' as const, person }, request };
}

/** What the confirm page shows for a token; reads only. */
export async function loadConfirmation(db: Db, token: string, secret: string, now: Date = new Date()): Promise<ConfirmView> {
	return (await resolve(db, token, secret, now)).view;
}

/**
 * Confirms the entry (verified_at = now, audited as the person's own address via the link) and spends
 * the token. A second press, or a token of a closed request, answers `used` and changes nothing.
 */
export async function confirmByToken(db: Db, token: string, secret: string, now: Date = new Date()): Promise<ConfirmView> {
	const { view, request } = await resolve(db, token, secret, now);
	if (view.state === 'confirmed') return { ...view, state: 'used' };
	if (view.state !== 'ready' || !request || !view.person) return view;
	const person = view.person;
	const nowIso = now.toISOString();
	const spent = await db
		.transaction()
		.execute(async (trx) => {
			const claimed = await trx
				.updateTable('freshness_request')
				.set({ confirmed_at: nowIso, closed_at: nowIso })
				.where('id', '=', request.id)
				.where('closed_at', 'is', null)
				.executeTakeFirst();
			if (Number(claimed.numUpdatedRows) !== 1) return false;
			await trx.updateTable('freshness_request').set({ closed_at: nowIso }).where('person_id', '=', person.id).where('closed_at', 'is', null).execute();
			const actor = { label: `${request.email ?? person.email ?? 'ukendt'} (bekræftelseslink)`, userId: null };
			await patchPerson(trx, actor, person.id, { verified_at: nowIso }, 'verify', { touchUpdatedAt: false });
			return true;
		});
	if (!spent) return { state: 'used', person };
	return { state: 'confirmed', person: { ...person, verifiedAt: nowIso } };
}

/**
 * "Mine oplysninger er stadig korrekte": the signed-in person confirms their own entry with one button
 * (person page or /konto). Same effect as the mail link — verified_at = now, open requests closed,
 * audited as `verify` — with the account as the actor. False when the account has no active entry.
 */
export async function confirmOwnEntry(db: Db, user: { id: number; email: string; personId: number | null }, now: Date = new Date()): Promise<boolean> {
	if (user.personId === null) return false;
	const person = await findPersonById(db, user.personId);
	if (!person || person.status !== 'active') return false;
	const nowIso = now.toISOString();
	await db
		.transaction()
		.execute(async (trx) => {
			await trx.updateTable('freshness_request').set({ confirmed_at: nowIso, closed_at: nowIso }).where('person_id', '=', person.id).where('closed_at', 'is', null).execute();
			await patchPerson(trx, { label: user.email, userId: user.id }, person.id, { verified_at: nowIso }, 'verify', { touchUpdatedAt: false });
		});
	return true;
}
