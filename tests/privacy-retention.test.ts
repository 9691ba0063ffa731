import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { sql } from 'kysely';
import { applyRetention, RETENTION } from '@/modules/privacy/privacy.retention';
import { readFileSync } from 'node:fs';
import { createTestUser } from './helpers/auth';
import { createTestDb } from './helpers/test-db';
import { BASE, makeEvent, person } from './events-helpers';
import { registerForEvent } from '@/modules/events/events.registrations';
import { sendThemeDayReminders } from '@/modules/events/events.job';

const DAY = 86_400_000;
const now = new Date('2026-11-24T12:00:00Z');
const ago = (days: number) => new Date(now.getTime() - days * DAY).toISOString();

describe('Retention', () => {
	let t: Awaited<ReturnType<typeof createTestDb>>;
	beforeEach(async () => {
		t = await createTestDb();
	});
	afterEach(async () => t.cleanup());

	it('deletes exactly what is past its period and keeps the rest', async () => {
		const user = await createTestUser(t.db);
		const challenge = (id: string, expires: string, used: string | null) => ({ id, user_id: user.id, code_hash: 'x', link_hash: null, next_path: null, created_at: expires, expires_at: expires, used_at: used });
		await t.db.insertInto('signin_challenge').values([challenge('oldexpiredaaaaaa', ago(2), null), challenge('oldusedaaaaaaaaa', ago(0), ago(1.5)), challenge('freshaaaaaaaaaaa', ago(-0.01), null)]).execute();
		const session = (id: string, created: string, seen: string) => ({ id, secret_hash: new Uint8Array(32), user_id: user.id, created_at: created, last_seen_at: seen, second_factor_at: null });
		await t.db.insertInto('session').values([session('idleaaaaaaaaaaaa', ago(20), ago(RETENTION.sessionIdleDays + 1)), session('cappedaaaaaaaaaa', ago(31), ago(0.1)), session('liveaaaaaaaaaaaa', ago(5), ago(0.1))]).execute();
		const mail = (status: 'sent' | 'stored' | 'failed' | 'queued', created: string) => ({ to_address: 'a@b.example', subject: 's', text_body: 't', html_body: null, dedupe_key: null, status, next_attempt_at: created, last_error: null, created_at: created, sent_at: null });
		await t.db.insertInto('mail_outbox').values([mail('sent', ago(31)), mail('stored', ago(31)), mail('failed', ago(90)), mail('sent', ago(29)), mail('queued', ago(40))]).execute();
		await sql`INSERT INTO search_log (query, outcome, first_at, last_at) VALUES ('gammel', 'zero', ${ago(400)}, ${ago(181)}), ('ny', 'zero', ${ago(400)}, ${ago(10)})`.execute(t.db);
		await t.db.insertInto('rate_limit').values([{ key: 'old', window_start: ago(2), count: 1 }, { key: 'new', window_start: ago(0.01), count: 1 }]).execute();

		expect(await applyRetention(t.db, now)).toEqual({ signinChallenges: 2, sessions: 2, mails: 2, searchLog: 1, rateLimits: 1 });
		expect((await t.db.selectFrom('signin_challenge').select('id').execute()).map((r) => r.id)).toEqual(['freshaaaaaaaaaaa']);
		expect((await t.db.selectFrom('session').select('id').execute()).map((r) => r.id)).toEqual(['liveaaaaaaaaaaaa']);
		expect((await t.db.selectFrom('mail_outbox').select('status').orderBy('id').execute()).map((r) => r.status)).toEqual(['failed', 'sent', 'queued']);
		expect((await sql<{ query: string }>`SELECT query FROM search_log`.execute(t.db)).rows.map((r) => r.query)).toEqual(['ny']);
		// Running it again deletes nothing more.
		expect(await applyRetention(t.db, now)).toEqual({ signinChallenges: 0, sessions: 0, mails: 0, searchLog: 0, rateLimits: 0 });
	});

	it('removes theme-day registrations left unconfirmed for the period in RETENTION, not a day sooner', async () => {
		const registered = new Date('2030-05-01T10:00:00Z');
		const event = await makeEvent(t.db);
		await registerForEvent(t.db, event.id, person(1), { now: registered, baseUrl: BASE });
		await registerForEvent(t.db, event.id, person(2), { now: registered, baseUrl: BASE, emailVerified: true });
		const at = (days: number) => new Date(registered.getTime() + days * DAY);
		expect((await sendThemeDayReminders(t.db, at(RETENTION.unconfirmedRegistrationDays - 0.01), BASE)).purged).toBe(0);
		expect((await sendThemeDayReminders(t.db, at(RETENTION.unconfirmedRegistrationDays + 0.01), BASE)).purged).toBe(1);
		// The confirmed one (a seat) stays.
		expect((await t.db.selectFrom('event_registration').select('status').execute()).map((r) => r.status)).toEqual(['confirmed']);
	});

	it('states every period on the privacy page, from RETENTION itself', () => {
		const page = readFileSync('src/pages/privatliv.astro', 'utf8');
		const missing = Object.keys(RETENTION).filter((key) => !page.includes(`RETENTION.${key}`));
		expect(missing).toEqual([]);
		// No period typed in by hand next to them.
		expect(page).not.toMatch(/slettes efter \d+ dage/i);
	});
});
