/**
 * Issue 8, defects 4 and 8: the anonymous registration form cannot be used to flood an inbox or to mail a
 * phishing text, and a theme-day title cannot inject lines into calendar files.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Db } from '@db/client';
import { createTestDb } from './helpers/test-db';
import { BASE, makeEvent, person } from './events-helpers';
import { registerForEvent } from '@/modules/events/events.registrations';
import { eventSchema, registrationSchema } from '@/modules/events/events.schema';
import { checkRegistrationLimits, EVENT_LIMITS } from '@/modules/events/events.limits';
import { mailSafeText } from '@/modules/events/events.text';
import { newToken } from '@/modules/events/events.seats';
import { eventIcs, feedIcs } from '@/modules/events/events.ics';
import { confirmedMail } from '@/modules/events/events.mails';
import { findEventById, listRegistrations } from '@/modules/events/events.repository';

const NOW = new Date('2030-05-01T10:00:00Z');
const opts = { now: NOW, baseUrl: BASE };

let db: Db;
let cleanup: () => Promise<void>;
beforeEach(async () => ({ db, cleanup } = await createTestDb()));
afterEach(async () => cleanup());

const form = (over: Record<string, string> = {}) => ({ name: 'Erik Testesen', email: 'erik@kommune.example', organisation: 'Hillerød Kommune', job_title: 'Psykolog', ...over });
const PHISH = 'Din tilmelding er spærret. Log ind på https://evil.example/login inden 24 timer, ellers mister du din plads. ' + 'x'.repeat(100);

describe('The anonymous registration form', () => {
	it('takes a name of one line and plausible length, without links', async () => {
		expect(registrationSchema.safeParse(form()).success).toBe(true);
		expect(registrationSchema.safeParse(form({ name: 'Anne-Marie Ågård Sørensen' })).success).toBe(true);
		const refused = ['x'.repeat(101), PHISH, 'Erik\r\nBcc: someone', 'Erik www.evil.example', 'Ring på bit.ly/abc', 'http://evil.example', 'Erik\u2028Testesen'];
		for (const name of refused) {
			const result = registrationSchema.safeParse(form({ name }));
			expect(result.success, name).toBe(false);
			if (!result.success) expect(result.error.issues[0].message).toMatch(/navn|linje|tegn/i);
		}
		expect(registrationSchema.safeParse(form({ organisation: 'Kommune\nBEGIN:VEVENT' })).success).toBe(false);
	});

	it('queues at most one confirmation mail per address and theme day however often the form is sent', async () => {
		const day = await makeEvent(db);
		const other = await makeEvent(db, { title: 'Anden dag', date: '2030-06-20' });
		for (let i = 0; i < 20; i++) await registerForEvent(db, day.id, { ...person(1), name: `Forsøg ${i}` }, opts);
		await registerForEvent(db, other.id, person(1), opts);
		const mails = await db.selectFrom('mail_outbox').select(['to_address', 'kind']).execute();
		expect(mails).toEqual([
			{ to_address: 'deltager1@kommune.example', kind: 'event-confirm-address' },
			{ to_address: 'deltager1@kommune.example', kind: 'event-confirm-address' },
		]);
		expect(await listRegistrations(db, day.id)).toHaveLength(1);
		// A link token is stored only with a mail that carries it: the 19 repeats left none behind.
		expect(await db.selectFrom('event_registration_token').select('token_hash').execute()).toHaveLength(2);
		// The next day the person may ask for the mail again (a lost mail is not a dead end).
		await registerForEvent(db, day.id, person(1), { ...opts, now: new Date('2030-05-02T10:00:00Z') });
		expect(await db.selectFrom('mail_outbox').select('id').execute()).toHaveLength(3);
		expect(await db.selectFrom('event_registration_token').select('token_hash').execute()).toHaveLength(3);
	});

	it('limits registrations per client address and per e-mail address', async () => {
		const now = NOW;
		for (let i = 0; i < EVENT_LIMITS.registrationPerClient.max; i++) expect((await checkRegistrationLimits(db, '203.0.113.9', `p${i}@kommune.example`, now)).allowed).toBe(true);
		const refused = await checkRegistrationLimits(db, '203.0.113.9', 'ny@kommune.example', now);
		expect(refused.allowed).toBe(false);
		if (!refused.allowed) {
			expect(refused.message).toMatch(/for mange tilmeldinger/);
			expect(refused.retryAfterSeconds).toBeGreaterThan(0);
		}
		// Another client is not affected; and the window ends.
		expect((await checkRegistrationLimits(db, '198.51.100.7', 'ny@kommune.example', now)).allowed).toBe(true);
		expect((await checkRegistrationLimits(db, '203.0.113.9', 'ny2@kommune.example', new Date(now.getTime() + EVENT_LIMITS.registrationPerClient.windowMs + 1))).allowed).toBe(true);

		// One address, many clients (rotating addresses): the address limit holds.
		const results = [];
		for (let i = 0; i < 8; i++) results.push((await checkRegistrationLimits(db, `192.0.2.${i}`, 'offer@kommune.example', now)).allowed);
		expect(results.filter(Boolean)).toHaveLength(EVENT_LIMITS.registrationPerAddress.max);
	});

	it('keeps each limit in its own window though both are counted in one statement', async () => {
		const at = (minutes: number) => new Date(NOW.getTime() + minutes * 60_000);
		// One address from one office, a hit every 20 minutes: past the client's 15-minute window each time, inside
		// the address's hour — the sixth within the hour is refused, by the address limit alone.
		const results = [];
		for (let i = 0; i < 3; i++) results.push((await checkRegistrationLimits(db, '203.0.113.20', 'trickle@kommune.example', at(i * 20))).allowed);
		for (let i = 0; i < 3; i++) results.push((await checkRegistrationLimits(db, '203.0.113.20', 'trickle@kommune.example', at(40 + i))).allowed);
		expect(results).toEqual([true, true, true, true, true, false]);
		// The client's window ended long ago for its first hits: another address from it passes.
		expect((await checkRegistrationLimits(db, '203.0.113.20', 'anden@kommune.example', at(43))).allowed).toBe(true);
		// A client over its limit is refused whatever address it names, until its own window ends.
		for (let i = 0; i < EVENT_LIMITS.registrationPerClient.max; i++) await checkRegistrationLimits(db, '203.0.113.21', `q${i}@kommune.example`, at(50));
		const refused = await checkRegistrationLimits(db, '203.0.113.21', 'ny3@kommune.example', at(50));
		expect(refused.allowed).toBe(false);
		if (!refused.allowed) expect(refused.retryAfterSeconds).toBe(EVENT_LIMITS.registrationPerClient.windowMs / 1000);
	});

	it('never puts a link from a name into a mail, even from rows saved before the rules', async () => {
		expect(mailSafeText(PHISH)).not.toMatch(/evil\.example|https?:/);
		expect(mailSafeText(PHISH).length).toBeLessThanOrEqual(100);
		expect(mailSafeText('Erik\r\nTestesen')).toBe('Erik Testesen');
		expect(mailSafeText('Anne-Marie St. Clair')).toBe('Anne-Marie St. Clair');
		const day = await makeEvent(db);
		const reg = (await registerForEvent(db, day.id, { ...person(1), name: PHISH }, { ...opts, emailVerified: true })).registration;
		const mail = confirmedMail((await findEventById(db, day.id))!, reg, 'tok', BASE);
		expect(mail.text).not.toContain('evil.example');
		expect(mail.text.split('\n')[0].length).toBeLessThanOrEqual(110);
	});
});

describe('Link tokens', () => {
	it('are 24 random bytes each, never repeated — also across the blocks they are drawn in', () => {
		const tokens = Array.from({ length: 1000 }, () => newToken());
		expect(new Set(tokens).size).toBe(tokens.length);
		for (const token of tokens) expect(token).toMatch(/^[A-Za-z0-9_-]{32}$/);
		// No two tokens share a half either (a block read twice, or at an offset, would).
		const halves = tokens.flatMap((t) => [t.slice(0, 16), t.slice(16)]);
		expect(new Set(halves).size).toBe(halves.length);
	});
});

describe('Calendar files', () => {
	const INJECTED = 'Temadag\r\nBEGIN:VEVENT\r\nSUMMARY:Falsk møde; klik her, nu';

	it('refuse control characters in single-line event fields', async () => {
		const base = { title: 'Sorg', date: '2030-06-13', start_time: '09:00', end_time: '15:00', place_name: 'Rådhuset', capacity: '20' };
		expect(eventSchema.safeParse(base).success).toBe(true);
		for (const [field, value] of [['title', INJECTED], ['place_name', 'Rådhus\nX'], ['place_address', 'Vej\r1'], ['target_group', 'a\u0000b'], ['price_text', 'Gratis\tx']]) {
			const result = eventSchema.safeParse({ ...base, [field]: value });
			expect(result.success, field).toBe(false);
			if (!result.success) expect(result.error.issues.map((i) => i.message)).toContain('Skriv teksten på én linje uden linjeskift eller andre styretegn.');
		}
	});

	it('stay well-formed for a title saved with CR LF before the rule (file, feed and mail attachment)', async () => {
		const event = await makeEvent(db, { title: INJECTED, placeName: 'Rådhus\r\nBEGIN:VALARM' });
		const reg = (await registerForEvent(db, event.id, person(1), { ...opts, emailVerified: true })).registration;
		const attachment = confirmedMail((await findEventById(db, event.id))!, reg, 'tok', BASE).attachments![0].content as string;
		for (const ics of [eventIcs(event, BASE), feedIcs([event], BASE), attachment]) {
			const lines = ics.split('\r\n');
			expect(lines.filter((l) => l === 'BEGIN:VEVENT')).toHaveLength(1);
			expect(lines.some((l) => l.startsWith('BEGIN:VALARM') || l.startsWith('SUMMARY:Falsk'))).toBe(false);
			// Every line is a property (NAME:… / NAME;…) or a folded continuation.
			for (const line of lines.filter(Boolean)) expect(line, line).toMatch(/^([A-Z][A-Z0-9-]*[:;]| )/);
			expect(ics).not.toMatch(/[^\r]\n|\r[^\n]/);
		}
		const name = eventIcs(event, BASE).split('\r\n').find((l) => l.startsWith('X-WR-CALNAME:'));
		expect(name).toBe('X-WR-CALNAME:Temadag BEGIN:VEVENT SUMMARY:Falsk møde\\; klik her\\, nu');
	});
});
