/**
 * Child of faults.bench.ts: hands active people over as vacancies, one after another, until it is killed.
 * Each handover is one transaction (status, audit, welcome mail); the bench kills this process mid-way.
 */
import { createDb } from '../db/client';
import { handOver } from '../src/modules/directory/directory.handover';
import { handoverSchema } from '../src/modules/directory/directory.schema';
import { as } from '../tests/helpers/editing-network';

const db = createDb(process.env.DATABASE_PATH!);
const people = await db.selectFrom('person').select('id').where('status', '=', 'active').orderBy('id').limit(400).execute();
for (const person of people) {
	// A named successor, so a welcome mail is queued in the same transaction.
	await handOver(db, as('admin'), person.id, handoverSchema.parse({ mode: 'new', newFirstName: 'Ny', newLastName: `Kollega ${person.id}`, newTitle: 'Rådgiver', newEmail: `ny.${person.id}@bench.example` }));
}
await db.destroy();
