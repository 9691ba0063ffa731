import { spawn } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Db } from '@db/client';
import { createTestDb } from './helpers/test-db';
import { makeEvent } from './events-helpers';
import { listRegistrations, waitlistPosition } from '@/modules/events/events.repository';
import { confirmRegistration, registerForEvent } from '@/modules/events/events.registrations';
import { hashToken } from '@/modules/events/events.seats';

/** Starts `processes` tsx workers that together register `total` people at once; resolves with their stats. */
function race(dbPath: string, eventId: number, processes: number, total: number): Promise<Array<{ outcomes: Record<string, number>; errors: number; ms: number }>> {
	const startAt = Date.now() + 2500; // tsx needs a moment to start; then all go together
	const per = Math.ceil(total / processes);
	return Promise.all(
		Array.from({ length: processes }, (_, p) => {
			const first = p * per;
			const count = Math.max(0, Math.min(per, total - first));
			return new Promise<{ outcomes: Record<string, number>; errors: number; ms: number }>((resolve, reject) => {
				const child = spawn('npx', ['tsx', 'tests/events-concurrency.worker.ts', dbPath, String(eventId), String(first), String(count), String(startAt)], { stdio: ['ignore', 'pipe', 'inherit'] });
				let out = '';
				child.stdout.on('data', (d) => (out += d));
				child.on('exit', (code) => (code === 0 ? resolve(JSON.parse(out.trim().split('\n').pop()!)) : reject(new Error(`worker exited ${code}: ${out}`))));
			});
		}),
	);
}

describe('Simultaneous registrations from several processes', () => {
	let db: Db;
	let path: string;
	let cleanup: () => Promise<void>;
	beforeAll(async () => {
		({ db, path, cleanup } = await createTestDb());
	});
	afterAll(async () => cleanup());

	it('never exceed the capacity: 50 registrations from 5 processes give exactly 20 confirmed and 30 waitlisted in order', async () => {
		const event = await makeEvent(db, { capacity: 20 });
		const stats = await race(path, event.id, 5, 50);
		expect(stats.reduce((n, s) => n + s.errors, 0)).toBe(0);
		const regs = await listRegistrations(db, event.id);
		const confirmed = regs.filter((r) => r.status === 'confirmed');
		const waitlisted = regs.filter((r) => r.status === 'waitlisted');
		expect(confirmed).toHaveLength(20);
		expect(waitlisted).toHaveLength(30);
		// In order: every seat went to someone who queued before everyone on the waitlist, and the waitlist
		// positions are 1..30 in queue order.
		const maxConfirmedSeq = Math.max(...confirmed.map((r) => r.queueSeq!));
		expect(waitlisted.every((r) => r.queueSeq! > maxConfirmedSeq)).toBe(true);
		expect(await Promise.all(waitlisted.map((r) => waitlistPosition(db, r)))).toEqual(Array.from({ length: 30 }, (_, i) => i + 1));
		expect(new Set(regs.map((r) => r.queueSeq)).size).toBe(50);
		// Every registration got exactly one mail: 20 confirmations, 30 waitlist notices.
		const mails = await db.selectFrom('mail_outbox').select(['kind', (eb) => eb.fn.countAll<number>().as('n')]).groupBy('kind').orderBy('kind').execute();
		expect(mails.map((m) => [m.kind, Number(m.n)])).toEqual([
			['event-confirmation', 20],
			['event-waitlist', 30],
		]);
	}, 60_000);

	it('200 concurrent address confirmations for a 20-seat day: exactly 20 seats, 180 waitlisted in order, 0 errors', async () => {
		const event = await makeEvent(db, { capacity: 20, title: 'Tyve pladser' });
		const now = new Date('2030-05-01T10:00:00Z');
		const tokens: string[] = [];
		for (let i = 0; i < 200; i++) {
			const { registration } = await registerForEvent(db, event.id, { name: `Bekræfter ${i}`, email: `bekraefter${i}@kommune.example`, organisation: 'Testkommune', jobTitle: 'Psykolog' }, { now, baseUrl: 'http://vejviser.test' });
			// The token the confirmation mail carries is only stored hashed: plant a known one for the test.
			const token = `bekraeft-${i}-${event.id}`;
			await db.insertInto('event_registration_token').values({ token_hash: hashToken(token), registration_id: registration.id, created_at: now.toISOString() }).execute();
			tokens.push(token);
		}
		// All at once: on PostgreSQL these run on the pool's parallel connections and meet at the theme day's lock.
		const results = await Promise.allSettled(tokens.map((token) => confirmRegistration(db, token, { now, baseUrl: 'http://vejviser.test' })));
		expect(results.filter((r) => r.status === 'rejected')).toEqual([]);
		const outcomes = results.map((r) => (r as PromiseFulfilledResult<Awaited<ReturnType<typeof confirmRegistration>>>).value.outcome);
		expect(outcomes.filter((o) => o === 'confirmed')).toHaveLength(20);
		expect(outcomes.filter((o) => o === 'waitlisted')).toHaveLength(180);
		const regs = await listRegistrations(db, event.id);
		const confirmed = regs.filter((r) => r.status === 'confirmed');
		const waitlisted = regs.filter((r) => r.status === 'waitlisted');
		expect([confirmed.length, waitlisted.length]).toEqual([20, 180]);
		expect(new Set(regs.map((r) => r.queueSeq)).size).toBe(200);
		const maxConfirmedSeq = Math.max(...confirmed.map((r) => r.queueSeq!));
		expect(waitlisted.every((r) => r.queueSeq! > maxConfirmedSeq)).toBe(true);
		expect(await Promise.all(waitlisted.map((r) => waitlistPosition(db, r)))).toEqual(Array.from({ length: 180 }, (_, i) => i + 1));
		// The position each person was told is the position they hold.
		const told = results.map((r) => (r as PromiseFulfilledResult<Awaited<ReturnType<typeof confirmRegistration>>>).value).filter((v) => v.outcome === 'waitlisted');
		for (const v of told) expect(v.position).toBe(await waitlistPosition(db, regs.find((r) => r.id === v.registration.id)!));
	}, 120_000);
});
