import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { SMTPServer } from 'smtp-server';
import type { AddressInfo } from 'node:net';
import { createTestDb } from './helpers/test-db';
import type { Db } from '@db/client';
import { enqueueMail, findMail, listOutbox, requeueMail } from '@/modules/mail/mail.repository';
import { classifySendError, deliverDueMail, MAX_ATTEMPTS } from '@/modules/mail/mail.delivery';
import { createMailTransport, type MailTransport } from '@/modules/mail/mail.transport';
import { ensureOrganisation, ensureUnit, savePerson } from '@/modules/directory/directory.writes';
import { systemActor } from '@/modules/audit/audit.repository';

interface Received {
	to: string[];
	raw: string;
}

/** A real SMTP server on a free local port; `rcpt` decides per recipient (return an error to reject). */
async function startSmtp(rcpt: (address: string, attempt: number) => Error | null = () => null) {
	const received: Received[] = [];
	let attempts = 0;
	const server = new SMTPServer({
		authOptional: true,
		disabledCommands: ['STARTTLS', 'AUTH'],
		logger: false,
		onRcptTo(address, _session, callback) {
			attempts++;
			callback(rcpt(address.address, attempts) ?? undefined);
		},
		onData(stream, session, callback) {
			let raw = '';
			stream.on('data', (chunk: Buffer) => (raw += chunk.toString('utf8')));
			stream.on('end', () => {
				received.push({ to: session.envelope.rcptTo.map((r) => r.address), raw });
				callback();
			});
		},
	});
	await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
	const port = (server.server.address() as AddressInfo).port;
	return { server, port, received, close: () => new Promise<void>((resolve) => server.close(() => resolve())) };
}

function smtpError(code: number, message: string): Error {
	return Object.assign(new Error(message), { responseCode: code });
}

const minutes = (date: Date, n: number) => new Date(date.getTime() + n * 60_000);

describe('Mail delivery over SMTP', () => {
	let db: Db;
	let cleanup: () => Promise<void>;
	const closers: (() => Promise<void>)[] = [];
	const t0 = new Date('2026-03-02T08:00:00.000Z');

	beforeEach(async () => {
		({ db, cleanup } = await createTestDb());
	});
	afterEach(async () => {
		for (const close of closers.splice(0)) await close();
		await cleanup();
	});

	function smtpTransport(port: number): MailTransport {
		return createMailTransport({ SMTP_URL: `smtp://127.0.0.1:${port}`, MAIL_FROM: 'Vejviser <noreply@vejviser.test>' });
	}

	async function queue(to: string, extra: Partial<Parameters<typeof enqueueMail>[1]> = {}) {
		await enqueueMail(db, { to, subject: 'Bekræft dine oplysninger', text: 'Hej\nhttp://localhost/bekraeft/abc', kind: 'test', ...extra });
		const row = await db.selectFrom('mail_outbox').select('id').orderBy('id', 'desc').executeTakeFirstOrThrow();
		// The queue stamps real time; pin it to the fake clock so due-ness is decided by `now` alone.
		await db.updateTable('mail_outbox').set({ next_attempt_at: t0.toISOString() }).where('id', '=', row.id).execute();
		return row.id;
	}

	it('delivers a queued mail with its attachment and marks it sent', async () => {
		const smtp = await startSmtp();
		closers.push(smtp.close);
		const id = await queue('anna@kommune.test', {
			attachments: [{ filename: 'temadag.ics', content: 'BEGIN:VCALENDAR\r\nEND:VCALENDAR', contentType: 'text/calendar' }],
		});

		const report = await deliverDueMail(db, smtpTransport(smtp.port), t0);

		expect(report.sent).toBe(1);
		expect(smtp.received).toHaveLength(1);
		expect(smtp.received[0].to).toEqual(['anna@kommune.test']);
		expect(smtp.received[0].raw).toContain('filename=temadag.ics');
		expect(smtp.received[0].raw).toContain('Auto-Submitted: auto-generated');
		const mail = await findMail(db, id);
		expect(mail?.status).toBe('sent');
		expect(mail?.sent_at).toBe(t0.toISOString());
		expect(mail?.attempts).toBe(1);
	});

	it('finds mails in the outbox by part of the address, whatever the case', async () => {
		await queue('Anna.Berg@Kommune.test');
		await queue('bo@kommune.test');
		const found = await listOutbox(db, { to: 'anna.BERG' });
		expect(found.map((m) => m.to_address)).toEqual(['Anna.Berg@Kommune.test']);
	});

	it('retries a 4xx temporary failure only after the backoff and then delivers it', async () => {
		const smtp = await startSmtp((_address, attempt) => (attempt === 1 ? smtpError(451, 'Try again later') : null));
		closers.push(smtp.close);
		const id = await queue('bo@kommune.test');
		const transport = smtpTransport(smtp.port);

		const first = await deliverDueMail(db, transport, t0);
		expect(first).toMatchObject({ sent: 0, retrying: 1 });
		let mail = await findMail(db, id);
		expect(mail).toMatchObject({ status: 'queued', attempts: 1, next_attempt_at: minutes(t0, 1).toISOString() });
		expect(mail?.last_error).toContain('451');

		const tooEarly = await deliverDueMail(db, transport, new Date(minutes(t0, 1).getTime() - 1000));
		expect(tooEarly.sent + tooEarly.retrying).toBe(0);
		expect(smtp.received).toHaveLength(0);

		const retry = await deliverDueMail(db, transport, minutes(t0, 1));
		expect(retry.sent).toBe(1);
		expect(smtp.received).toHaveLength(1);
		mail = await findMail(db, id);
		expect(mail).toMatchObject({ status: 'sent', attempts: 2 });
	});

	it('marks a 5xx rejected address as bounced and flags the directory entry at once, audited as system:mail', async () => {
		const smtp = await startSmtp((address) => (address.toLowerCase().startsWith('ukendt') ? smtpError(550, 'User unknown') : null));
		closers.push(smtp.close);
		const org = await ensureOrganisation(db, systemActor('test'), { name: 'Testkommune', type: 'kommune', municipalityCode: null });
		const unit = await ensureUnit(db, systemActor('test'), org.id, 'PPR');
		const person = await savePerson(db, systemActor('test'), {
			ref: 'p-1', firstName: 'Ulla', lastName: 'Ukendt', title: 'Psykolog', unitId: unit.id, municipalityCode: null,
			phone: null, mobile: null, email: 'ukendt@kommune.test', hours: '', note: '', keyPerson: true, status: 'active',
			successorId: null, verifiedAt: null, topics: [], roles: [], ageGroups: [],
		});
		const id = await queue('Ukendt@Kommune.test');

		const report = await deliverDueMail(db, smtpTransport(smtp.port), t0);

		expect(report).toMatchObject({ bounced: 1, flagged: 1, sent: 0, retrying: 0 });
		expect((await findMail(db, id))?.status).toBe('bounced');
		const flagged = await db.selectFrom('person').select('needs_attention').where('id', '=', person.id).executeTakeFirstOrThrow();
		expect(flagged.needs_attention).toMatch(/^E-mail afvist .*ukendt@kommune\.test/i);
		const audit = await db.selectFrom('audit_log').selectAll().where('entity_id', '=', person.id).where('action', '=', 'flag').executeTakeFirstOrThrow();
		expect(audit.actor).toBe('system:mail');
		expect(smtp.received).toHaveLength(0);

		const again = await deliverDueMail(db, smtpTransport(smtp.port), minutes(t0, 60));
		expect(again.bounced + again.sent).toBe(0);
	});

	it('loses nothing while the mail server is down and delivers once it is back', async () => {
		const smtp = await startSmtp();
		const port = smtp.port;
		await smtp.close(); // connection refused from now on
		const id = await queue('cecilie@kommune.test');

		const down = await deliverDueMail(db, smtpTransport(port), t0);
		expect(down).toMatchObject({ retrying: 1, sent: 0, failed: 0 });
		const mail = await findMail(db, id);
		expect(mail).toMatchObject({ status: 'queued', attempts: 1 });
		expect(mail?.last_error).toMatch(/ECONNREFUSED|connect/i);

		const back = await startSmtpOn(port);
		closers.push(back.close);
		const report = await deliverDueMail(db, smtpTransport(port), minutes(t0, 1));
		expect(report.sent).toBe(1);
		expect(back.received).toHaveLength(1);
	});

	it('gives up after the last attempt and keeps the mail visible for a manual retry', async () => {
		const smtp = await startSmtp(() => smtpError(452, 'Mailbox full'));
		closers.push(smtp.close);
		const id = await queue('dorte@kommune.test');
		const transport = smtpTransport(smtp.port);

		let now = t0;
		for (let i = 0; i < MAX_ATTEMPTS; i++) {
			await deliverDueMail(db, transport, now);
			now = minutes(now, 24 * 60);
		}
		expect(await findMail(db, id)).toMatchObject({ status: 'failed', attempts: MAX_ATTEMPTS });
		expect(await requeueMail(db, id, now)).toBe(true);
		expect(await findMail(db, id)).toMatchObject({ status: 'queued', attempts: 0 });
	});

	it('never sends a mail twice when two workers deliver at the same moment', async () => {
		const smtp = await startSmtp();
		closers.push(smtp.close);
		for (let i = 0; i < 5; i++) await queue(`person${i}@kommune.test`);
		const transport = smtpTransport(smtp.port);

		const [a, b] = await Promise.all([deliverDueMail(db, transport, t0), deliverDueMail(db, transport, t0)]);

		expect(a.sent + b.sent).toBe(5);
		expect(smtp.received).toHaveLength(5);
	});
});

async function startSmtpOn(port: number) {
	const received: Received[] = [];
	const server = new SMTPServer({
		authOptional: true,
		disabledCommands: ['STARTTLS', 'AUTH'],
		logger: false,
		onData(stream, session, callback) {
			stream.on('data', () => undefined);
			stream.on('end', () => {
				received.push({ to: session.envelope.rcptTo.map((r) => r.address), raw: '' });
				callback();
			});
		},
	});
	await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
	return { received, close: () => new Promise<void>((resolve) => server.close(() => resolve())) };
}

describe('Mail without SMTP_URL', () => {
	it('stores due mail in the outbox with status stored', async () => {
		const { db, cleanup } = await createTestDb();
		try {
			await enqueueMail(db, { to: 'eva@kommune.test', subject: 'Din kode', text: 'Koden er ABCD1234', kind: 'signin-code' });
			const report = await deliverDueMail(db, createMailTransport({ NODE_ENV: 'test' }), new Date(Date.now() + 1000));
			expect(report.stored).toBe(1);
			const row = await db.selectFrom('mail_outbox').selectAll().executeTakeFirstOrThrow();
			expect(row.status).toBe('stored');
			expect(row.sent_at).not.toBeNull();
		} finally {
			await cleanup();
		}
	});
});

describe('Send error classification', () => {
	it('treats our own SMTP authentication errors as temporary so nothing is dropped while the operator fixes them', () => {
		expect(classifySendError({ responseCode: 535, command: 'AUTH PLAIN' })).toBe('temporary');
		expect(classifySendError({ responseCode: 550, command: 'RCPT TO' })).toBe('bounce');
		expect(classifySendError({ responseCode: 554, command: 'DATA' })).toBe('permanent');
		expect(classifySendError({ code: 'ECONNECTION' })).toBe('temporary');
	});
});
