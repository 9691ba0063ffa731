/**
 * Fault: the mail server is down while someone registers for a theme day and an editor hands a person over.
 * Both actions are kept (their rows and their queued mails commit with them), delivery only retries, and once
 * the mail server is back every mail goes out — nothing lost, nothing twice (issue 15, "Faults").
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { SMTPServer } from 'smtp-server';
import type { AddressInfo } from 'node:net';
import type { Db } from '@db/client';
import { createTestDb } from './helpers/test-db';
import { as, buildNetwork } from './helpers/editing-network';
import { makeEvent } from './events-helpers';
import { handoverSchema } from '@/modules/directory/directory.schema';
import { handOver } from '@/modules/directory/directory.handover';
import { findPersonById } from '@/modules/directory/directory.repository';
import { registerForEvent } from '@/modules/events/events.registrations';
import { deliverDueMail } from '@/modules/mail/mail.delivery';
import { createMailTransport } from '@/modules/mail/mail.transport';

async function startSmtp(port = 0) {
	const received: string[][] = [];
	const server = new SMTPServer({
		authOptional: true,
		disabledCommands: ['STARTTLS', 'AUTH'],
		logger: false,
		onData(stream, session, callback) {
			stream.on('data', () => {});
			stream.on('end', () => {
				received.push(session.envelope.rcptTo.map((r) => r.address));
				callback();
			});
		},
	});
	await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
	return { port: (server.server.address() as AddressInfo).port, received, close: () => new Promise<void>((resolve) => server.close(() => resolve())) };
}

describe('SMTP down during a registration and a handover', () => {
	let db: Db;
	let cleanup: () => Promise<void>;
	beforeEach(async () => {
		({ db, cleanup } = await createTestDb());
	});
	afterEach(() => cleanup());

	it('keeps both actions and delivers every mail once the mail server is back', async () => {
		const probe = await startSmtp();
		const port = probe.port;
		await probe.close(); // connection refused from here on
		const transport = createMailTransport({ SMTP_URL: `smtp://127.0.0.1:${port}`, MAIL_FROM: 'Vejviser <noreply@vejviser.test>' });

		const n = await buildNetwork(db);
		const event = await makeEvent(db, { capacity: 5 });
		const registration = await registerForEvent(db, event.id, { name: 'Rita Registrant', email: 'rita@kommune.test', organisation: 'Testkommune', jobTitle: 'Psykolog' }, { emailVerified: true });
		expect(registration.outcome).toBe('confirmed');
		const handover = await handOver(db, as('unit_editor', { unitIds: [n.ppr] }), n.leader, handoverSchema.parse({ mode: 'successor', successorRef: 'T002', moveTags: 'on' }));
		expect(handover).toMatchObject({ ok: true, welcomeQueued: true });

		const queued = await db.selectFrom('mail_outbox').select(['id', 'kind', 'to_address']).where('status', '=', 'queued').execute();
		expect(queued.map((m) => m.kind)).toEqual(expect.arrayContaining(['event-confirmation', 'welcome']));

		// Down: every attempt fails temporarily, nothing is dropped, the actions stay done.
		const down = await deliverDueMail(db, transport, new Date());
		expect(down).toMatchObject({ sent: 0, failed: 0, retrying: queued.length });
		expect(await db.selectFrom('event_registration').select('status').where('email', '=', 'rita@kommune.test').executeTakeFirst()).toMatchObject({ status: 'confirmed' });
		expect(await findPersonById(db, n.leader)).toMatchObject({ status: 'left' });

		// Back (same port): after the first backoff every mail is delivered exactly once.
		const back = await startSmtp(port);
		try {
			const report = await deliverDueMail(db, transport, new Date(Date.now() + 2 * 60_000));
			expect(report.sent).toBe(queued.length);
			expect(back.received.flat().sort()).toEqual(queued.map((m) => m.to_address).sort());
			const again = await deliverDueMail(db, transport, new Date(Date.now() + 60 * 60_000));
			expect(again.sent).toBe(0);
		} finally {
			await back.close();
		}
	});
});
