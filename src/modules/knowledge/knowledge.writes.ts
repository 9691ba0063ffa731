/**
 * The knowledge module's writes, each in one transaction with its audit entry: municipal notes to pathway
 * phases, news, and corrections about an article section (the directory's corrections queue, addressed to the
 * article's owner). Callers check permissions and resolve ids within scope before calling.
 */
import type { Db } from '@db/client';
import { insertAuditEntry, type Actor } from '@/modules/audit/audit.repository';
import { TOO_MANY_CORRECTIONS, tooManyAnonymousCorrections } from '@/modules/directory/directory.corrections';
import { findPersonByRef, findUnit, listPeople, listUnitContacts, resolveCurrentSuccessor } from '@/modules/directory/directory.repository';
import type { Article } from './knowledge.types';
import type { NewsInput, Owner } from './knowledge.schema';

/** Upserts the review facts of every article (see ensureArticlesSynced). */
export async function syncArticles(db: Db, articles: Article[], now: Date = new Date()): Promise<void> {
	await db.transaction().execute(async (trx) => {
		for (const a of articles) {
			const values = {
				collection: a.collection,
				slug: a.slug,
				title: a.title,
				summary: a.summary,
				owner_person_ref: 'person' in a.owner ? a.owner.person : null,
				owner_unit: 'unit' in a.owner ? a.owner.unit : null,
				last_reviewed: a.lastReviewed,
				review_every: a.reviewEvery,
				synced_at: now.toISOString(),
			};
			await trx.insertInto('knowledge_article').values({ ref: a.ref, ...values }).onConflict((oc) => oc.column('ref').doUpdateSet(values)).execute();
		}
	});
}

/** Saves (or, when empty, removes) a municipality's note to one phase. Audited. */
export async function saveNote(db: Db, actor: Actor, article: Article, phaseId: string, municipalityCode: string, body: string, now: Date = new Date()): Promise<void> {
	const at = now.toISOString();
	await db.transaction().execute(async (trx) => {
		const before = await trx
			.selectFrom('knowledge_note')
			.selectAll()
			.where('article_ref', '=', article.ref)
			.where('phase_id', '=', phaseId)
			.where('municipality_code', '=', municipalityCode)
			.executeTakeFirst();
		if ((before?.body ?? '') === body) return;
		let id = before?.id ?? 0;
		if (!body) await trx.deleteFrom('knowledge_note').where('id', '=', id).execute();
		else if (before) await trx.updateTable('knowledge_note').set({ body, updated_by: actor.label, updated_at: at }).where('id', '=', before.id).execute();
		else
			// RETURNING rather than insertId, so the same write runs on PostgreSQL.
			id = (
				await trx
					.insertInto('knowledge_note')
					.values({ article_ref: article.ref, phase_id: phaseId, municipality_code: municipalityCode, body, updated_by: actor.label, created_at: at, updated_at: at })
					.returning('id')
					.executeTakeFirstOrThrow()
			).id;
		await insertAuditEntry(trx, {
			actor,
			entityType: 'knowledge_note',
			entityId: id,
			entityLabel: `${article.title} · ${phaseId} · ${municipalityCode}`,
			action: !body ? 'delete' : before ? 'update' : 'create',
			changes: { body: [before?.body ?? null, body || null] },
			at,
		});
	});
}

export async function createNews(db: Db, actor: Actor, input: NewsInput & { municipalityCode: string | null }, now: Date = new Date()): Promise<number> {
	const at = now.toISOString();
	return db.transaction().execute(async (trx) => {
		const { id } = await trx
			.insertInto('news')
			.values({ title: input.title, body: input.body, municipality_code: input.municipalityCode, published_at: at, created_by: actor.label, created_at: at, updated_at: at })
			.returning('id')
			.executeTakeFirstOrThrow();
		await insertAuditEntry(trx, { actor, entityType: 'news', entityId: id, entityLabel: input.title, action: 'create', changes: { title: [null, input.title], body: [null, input.body], municipality_code: [null, input.municipalityCode] }, at });
		return id;
	});
}

export async function updateNews(db: Db, actor: Actor, id: number, input: NewsInput & { municipalityCode: string | null }, now: Date = new Date()): Promise<boolean> {
	const at = now.toISOString();
	return db.transaction().execute(async (trx) => {
		const before = await trx.selectFrom('news').selectAll().where('id', '=', id).executeTakeFirst();
		if (!before) return false;
		await trx.updateTable('news').set({ title: input.title, body: input.body, municipality_code: input.municipalityCode, updated_at: at }).where('id', '=', id).execute();
		await insertAuditEntry(trx, {
			actor,
			entityType: 'news',
			entityId: id,
			entityLabel: input.title,
			action: 'update',
			changes: { title: [before.title, input.title], body: [before.body, input.body], municipality_code: [before.municipality_code, input.municipalityCode] },
			at,
		});
		return true;
	});
}

export async function deleteNews(db: Db, actor: Actor, id: number, now: Date = new Date()): Promise<boolean> {
	return db.transaction().execute(async (trx) => {
		const before = await trx.selectFrom('news').selectAll().where('id', '=', id).executeTakeFirst();
		if (!before) return false;
		await trx.deleteFrom('news').where('id', '=', id).execute();
		await insertAuditEntry(trx, { actor, entityType: 'news', entityId: id, entityLabel: before.title, action: 'delete', changes: { title: [before.title, null] }, at: now.toISOString() });
		return true;
	});
}

/** The owner as the directory knows them now: a person (followed to their successor) and/or their unit. */
export async function resolveOwner(db: Db, owner: Owner): Promise<{ personId: number | null; unitId: number | null; name: string; emails: string[] } | undefined> {
	if ('person' in owner) {
		let person = await findPersonByRef(db, owner.person);
		if (person && person.status === 'left') {
			const link = await resolveCurrentSuccessor(db, person.id);
			person = link ? await findPersonByRef(db, link.ref) : undefined;
		}
		return person && { personId: person.id, unitId: person.unitId, name: person.name, emails: person.email ? [person.email] : [] };
	}
	const [orgSlug, unitSlug] = owner.unit.split('/');
	const unit = await findUnit(db, orgSlug, unitSlug);
	if (!unit) return undefined;
	const people = (await listPeople(db, { unitIds: [unit.id], status: 'active' })).filter((p) => p.keyPerson && p.email);
	const emails = people.length ? people.map((p) => p.email!) : (await listUnitContacts(db, [unit.id])).flatMap((c) => (c.email ? [c.email] : []));
	return { personId: null, unitId: unit.id, name: `${unit.name}, ${unit.organisationName}`, emails };
}

/**
 * A report about one section of an article, into the directory's corrections queue: addressed to the owner's
 * entry (person owner) or unit, so their editors and the admins see it at /rettelser.
 */
export async function submitArticleCorrection(
	db: Db,
	article: Article,
	section: { id: string; title: string; anchor?: string },
	input: { message: string; reporterEmail: string | null; homepage: string },
	reporter: { userId: number | null; clientKey: string | null },
	now: Date = new Date(),
): Promise<{ ok: true; stored: boolean } | { ok: false; error: string }> {
	if (input.homepage) return { ok: true, stored: false };
	const owner = await resolveOwner(db, article.owner);
	if (!owner || owner.unitId === null) return { ok: false, error: 'Artiklens ejer findes ikke i kontaktbogen lige nu. Skriv til netværkets tovholder.' };
	if (await tooManyAnonymousCorrections(db, reporter, now)) return { ok: false, error: TOO_MANY_CORRECTIONS };
	await db
		.insertInto('correction')
		.values({
			person_id: owner.personId,
			unit_id: owner.unitId,
			kind: 'other',
			message: `Om "${article.title}", afsnittet "${section.title}" (${article.url}${(section.anchor ?? section.id) ? `#${section.anchor ?? section.id}` : ''}):\n${input.message}`,
			reporter_email: input.reporterEmail,
			reporter_user_id: reporter.userId,
			client_key: reporter.userId === null ? reporter.clientKey : null,
			article_ref: `${article.ref}#${section.id}`,
			created_at: now.toISOString(),
		})
		.execute();
	return { ok: true, stored: true };
}
