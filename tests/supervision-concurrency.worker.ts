/**
 * One of several processes approving applications at once (tests/supervision-groups.test.ts):
 *   tsx tests/supervision-concurrency.worker.ts DB_PATH GROUP_ID START_AT_MS MEMBERSHIP_ID...
 * waits until START_AT_MS so every process starts together, approves each membership, prints JSON stats.
 */
import { createDb } from '@db/client';
import { approveApplication } from '@/modules/supervision/supervision.writes';

const [dbPath, groupId, startAt, ...ids] = process.argv.slice(2);
const db = createDb(dbPath, { maxWaitMs: 30_000 });
const wait = Number(startAt) - Date.now();
if (wait > 0) await new Promise((r) => setTimeout(r, wait));
const outcomes: Record<string, number> = {};
let errors = 0;
for (const id of ids) {
	try {
		const outcome = await approveApplication(db, Number(groupId), Number(id), '', { label: `worker-${process.pid}`, userId: null });
		outcomes[outcome] = (outcomes[outcome] ?? 0) + 1;
	} catch (error) {
		errors++;
		console.error(String(error));
	}
}
await db.destroy();
console.log(JSON.stringify({ pid: process.pid, outcomes, errors }));
