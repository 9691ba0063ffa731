/**
 * One of several processes racing for seats (tests/events-concurrency.test.ts, bench/events.bench.ts):
 *   tsx tests/events-concurrency.worker.ts DB_PATH EVENT_ID FIRST COUNT START_AT_MS
 * waits until START_AT_MS so every process starts together, registers COUNT people, prints JSON stats.
 */
import { createDb } from '@db/client';
import { registerForEvent } from '@/modules/events/events.registrations';

const [dbPath, eventId, first, count, startAt] = process.argv.slice(2);
const db = createDb(dbPath);
const wait = Number(startAt) - Date.now();
if (wait > 0) await new Promise((r) => setTimeout(r, wait));
const started = performance.now();
const outcomes: Record<string, number> = {};
let errors = 0;
for (let i = Number(first); i < Number(first) + Number(count); i++) {
	try {
		const { outcome } = await registerForEvent(
			db,
			Number(eventId),
			{ name: `Racer ${i}`, email: `racer${i}@kommune.example`, organisation: 'Racekommune', jobTitle: 'Psykolog' },
			{ emailVerified: true, now: new Date('2030-05-01T10:00:00Z'), baseUrl: 'http://vejviser.test' },
		);
		outcomes[outcome] = (outcomes[outcome] ?? 0) + 1;
	} catch (error) {
		errors++;
		console.error(String(error));
	}
}
const ms = performance.now() - started;
await db.destroy();
console.log(JSON.stringify({ pid: process.pid, outcomes, errors, ms }));
