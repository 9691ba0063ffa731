import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { systemActor } from '@/modules/audit/audit.repository';
import { ensureOrganisation, ensureUnit, savePerson } from '@/modules/directory/directory.writes';
import { addThesaurusTerm, removeThesaurusTerm, termSchema } from '@/modules/search/search.admin';
import { listSearchTerms } from '@/modules/search/search.repository';
import { search } from '@/modules/search/search.service';
import { createTestDb } from './helpers/test-db';

const actor = { label: 'admin@netvaerk.example', userId: 1 };
let ctx: Awaited<ReturnType<typeof createTestDb>>;

beforeEach(async () => {
	ctx = await createTestDb();
	const org = await ensureOrganisation(ctx.db, systemActor('test'), { name: 'Gribskov Kommune', type: 'kommune', municipalityCode: '270' });
	const unit = await ensureUnit(ctx.db, systemActor('test'), org.id, 'Ungecenter');
	await savePerson(ctx.db, systemActor('test'), {
		ref: 'T1', firstName: 'Gitte', lastName: 'Tester', title: 'Ungerådgiver', unitId: unit.id, municipalityCode: '270', phone: null, mobile: null,
		email: null, hours: '', note: '', keyPerson: true, status: 'active', successorId: null, verifiedAt: new Date().toISOString().slice(0, 10),
		topics: ['sorg'], roles: [], ageGroups: ['13-17'],
	});
});
afterEach(async () => ctx.cleanup());

describe('thesaurus administration', () => {
	it('teaches the search a new word at once and records who did it', async () => {
		const before = await search(ctx.db, 'gribskov bisættelse');
		expect(before.parsed.parts.some((p) => p.kind === 'topic')).toBe(false);

		const input = termSchema.parse({ term: 'bisættelse', kind: 'topic', target: 'sorg' });
		expect(await addThesaurusTerm(ctx.db, actor, input)).toEqual({ ok: true });

		const after = await search(ctx.db, 'gribskov bisættelse');
		expect(after.hits[0]?.ref).toBe('T1');
		expect(after.hits[0]?.complete).toBe(true);
		const audit = await ctx.db.selectFrom('audit_log').selectAll().where('entity_type', '=', 'search_term').execute();
		expect(audit.map((a) => [a.actor, a.action, a.entity_label])).toEqual([['admin@netvaerk.example', 'create', 'bisættelse']]);
	});

	it('refuses an unknown target and a duplicate with Danish messages', async () => {
		expect(await addThesaurusTerm(ctx.db, actor, { term: 'tristesse', kind: 'topic', target: 'findes-ikke', note: '' })).toEqual({
			ok: false,
			errors: { target: '"findes-ikke" findes ikke blandt emnerne.' },
		});
		await addThesaurusTerm(ctx.db, actor, { term: 'tristesse', kind: 'topic', target: 'depression', note: '' });
		const again = await addThesaurusTerm(ctx.db, actor, { term: 'Tristesse', kind: 'topic', target: 'depression', note: '' });
		expect(again.ok).toBe(false);
		expect(termSchema.safeParse({ term: 'x', kind: 'noget', target: '' }).success).toBe(false);
	});

	it('removes a term with an audit entry', async () => {
		await addThesaurusTerm(ctx.db, actor, { term: 'tristesse', kind: 'topic', target: 'depression', note: '' });
		const id = (await listSearchTerms(ctx.db)).find((t) => t.term === 'tristesse')!.id;
		expect(await removeThesaurusTerm(ctx.db, actor, id)).toBe(true);
		expect((await listSearchTerms(ctx.db)).some((t) => t.term === 'tristesse')).toBe(false);
		expect(await removeThesaurusTerm(ctx.db, actor, id)).toBe(false);
	});
});
