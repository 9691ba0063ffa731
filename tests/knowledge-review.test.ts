import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Db } from '@db/client';
import { createTestDb } from './helpers/test-db';
import { as, buildNetwork } from './helpers/editing-network';
import { listCorrections } from '@/modules/directory/directory.corrections';
import { handOver } from '@/modules/directory/directory.handover';
import { handoverSchema } from '@/modules/directory/directory.schema';
import { clearJobs, runAllJobs } from '@/modules/jobs/jobs.registry';
import { registerAllJobs } from '@/modules/jobs/jobs.all';
import { sendReviewReminders } from '@/modules/knowledge/knowledge.job';
import { findReportSection } from '@/modules/knowledge/knowledge.sections';
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
	let leader: number;
	let colleague: number;
	beforeEach(async () => {
		({ db, cleanup } = await createTestDb());
		({ ppr, leader, colleague } = await buildNetwork(db));
	});
	afterEach(async () => {
		clearJobs();
		await cleanup();
	});

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

	it('reaches the owner through the app’s own job run and mail queue (the knowledge-review job, then the mail job)', async () => {
		await syncArticles(db, [article('2026-06-01')]);
		registerAllJobs();
		const results = await runAllJobs(db, new Date('2026-12-02T08:00:00Z'));
		expect(results.find((r) => r.name === 'knowledge-review')).toMatchObject({ status: 'ok', summary: expect.stringContaining('1 påmindelser') });
		// Queued by the review job and handed on by the mail job in the same run (no SMTP_URL in tests: stored).
		const sent = await db.selectFrom('mail_outbox').select(['to_address', 'subject', 'status', 'text_body']).where('kind', '=', 'knowledge-review').execute();
		expect(sent).toMatchObject([{ to_address: 'alma@testkommune.example', subject: 'Gennemgang overskredet: Netværksmøder', status: 'stored' }]);
		expect(sent[0].text_body).toContain('/viden/metoder/netvaerksmoeder');
		// The next day's run sends nothing again.
		await runAllJobs(db, new Date('2026-12-03T08:00:00Z'));
		expect(await mails()).toHaveLength(1);
	});

	it('puts a report about a person-owned article in that person’s own queue, and in the successor’s after a handover', async () => {
		const owned = { ...article('2026-11-01', { person: 'T001' }), body: 'Indledning.\n\n## Skabelon\n\nPunkter.' };
		const section = findReportSection(owned, 'afsnit-skabelon');
		expect(section).toEqual({ id: 'afsnit-skabelon', title: 'Skabelon', anchor: 'afsnit-skabelon' });
		await submitArticleCorrection(db, owned, section, { message: 'Der mangler et punkt om tolk.', reporterEmail: null, homepage: '' }, { userId: null, clientKey: 'k1' });
		const own = await listCorrections(db, as('member', { personId: leader }).perms);
		expect(own.map((c) => c.message)).toEqual(['Om "Netværksmøder", afsnittet "Skabelon" (/viden/metoder/netvaerksmoeder#afsnit-skabelon):\nDer mangler et punkt om tolk.']);
		expect(own[0].person?.ref).toBe('T001');
		expect(await listCorrections(db, as('member', { personId: colleague }).perms)).toEqual([]);
		const row = await db.selectFrom('correction').select('article_ref').executeTakeFirstOrThrow();
		expect(row.article_ref).toBe('methods/netvaerksmoeder#afsnit-skabelon');

		await handOver(db, as('admin'), leader, handoverSchema.parse({ mode: 'successor', successorRef: 'T002' }));
		await submitArticleCorrection(db, owned, findReportSection(owned, 'kilder'), { message: 'Kilden er flyttet.', reporterEmail: null, homepage: '' }, { userId: null, clientKey: 'k2' });
		expect((await listCorrections(db, as('member', { personId: colleague }).perms)).map((c) => c.message)).toEqual([expect.stringContaining('afsnittet "Kilder" (/viden/metoder/netvaerksmoeder#kilder)')]);
	});

	it('refuses a report when the owner is not in the directory, with a Danish message', async () => {
		const result = await submitArticleCorrection(db, article('2026-11-01', { unit: 'findes-ikke/enhed' }), { id: 'tekst', title: 'Teksten' }, { message: 'Fejl her.', reporterEmail: null, homepage: '' }, { userId: null, clientKey: 'k1' });
		expect(result).toEqual({ ok: false, error: expect.stringContaining('findes ikke i kontaktbogen') });
		expect(await db.selectFrom('correction').select('id').execute()).toEqual([]);
	});
});
