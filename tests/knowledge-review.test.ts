import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Db } from '@db/client';
import { createTestDb } from './helpers/test-db';
import { as, buildNetwork } from './helpers/editing-network';
import { listCorrections } from '@/modules/directory/directory.corrections';
import { sendReviewReminders } from '@/modules/knowledge/knowledge.job';
import { submitArticleCorrection, syncArticles } from '@/modules/knowledge/knowledge.writes';
import type { Article } from '@/modules/knowledge/knowledge.types';

const article = (lastReviewed: string, owner: Article['owner'] = { unit: 'testby-kommune/ppr' }): Article => ({
	collection: 'methods',
	slug: 'netvaerksmoeder',
	ref: 'methods/netvaerksmoeder',
	url: '/viden/metoder/netvaerksmoeder',
	title: 'Netværksmøder',
	summary: 'x',
	owner,
	lastReviewed,
	reviewEvery: 6,
	sources: [{ title: 'k' }],
	topics: [],
	order: 1,
	body: '',
	phases: [],
});

describe('Keeping articles reviewed', () => {
	let db: Db;
	let cleanup: () => Promise<void>;
	let ppr: number;
	beforeEach(async () => {
		({ db, cleanup } = await createTestDb());
		ppr = (await buildNetwork(db)).ppr;
	});
	afterEach(() => cleanup());

	const mails = () => db.selectFrom('mail_outbox').select(['to_address', 'subject']).where('kind', '=', 'knowledge-review').orderBy('id').execute();

	it('reminds the owning unit’s key person 30 days ahead and when overdue, once each', async () => {
		await syncArticles(db, [article('2026-06-01')]);
		await sendReviewReminders(db, new Date('2026-10-15T08:00:00Z'), 'https://vejviser.test');
		expect(await mails()).toEqual([]);
		await sendReviewReminders(db, new Date('2026-11-10T08:00:00Z'), 'https://vejviser.test');
		await sendReviewReminders(db, new Date('2026-11-11T08:00:00Z'), 'https://vejviser.test');
		expect(await mails()).toEqual([{ to_address: 'alma@testkommune.example', subject: 'Tid til at gennemgå: Netværksmøder' }]);
		await sendReviewReminders(db, new Date('2026-12-02T08:00:00Z'), 'https://vejviser.test');
		expect((await mails()).map((m) => m.subject)).toEqual(['Tid til at gennemgå: Netværksmøder', 'Gennemgang overskredet: Netværksmøder']);
	});

	it('mails a person owner, and a review moved forward stops the reminders', async () => {
		await syncArticles(db, [article('2026-06-01', { person: 'T002' })]);
		await syncArticles(db, [article('2026-11-01', { person: 'T002' })]);
		await sendReviewReminders(db, new Date('2026-12-02T08:00:00Z'), 'https://vejviser.test');
		expect(await mails()).toEqual([]);
		await sendReviewReminders(db, new Date('2027-04-15T08:00:00Z'), 'https://vejviser.test');
		expect((await mails()).map((m) => m.to_address)).toEqual(['bent@testkommune.example']);
	});

	it('puts a section report into the owner unit’s corrections queue, not another unit’s', async () => {
		const result = await submitArticleCorrection(db, article('2026-11-01'), { id: 'tekst', title: 'Teksten' }, { message: 'Linket virker ikke.', reporterEmail: null, homepage: '' }, { userId: null, clientKey: 'k1' });
		expect(result).toEqual({ ok: true, stored: true });
		const own = await listCorrections(db, as('unit_editor', { unitIds: [ppr] }).perms);
		expect(own).toHaveLength(1);
		expect(own[0].message).toContain('Om "Netværksmøder", afsnittet "Teksten"');
		expect(await listCorrections(db, as('unit_editor', { unitIds: [ppr + 1] }).perms)).toEqual([]);
	});
});
