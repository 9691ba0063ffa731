import { Migrator, type Migration, type MigrationProvider } from 'kysely';
import type { Db } from './client';
import { migrations } from './migrations/index';

const provider: MigrationProvider = {
	async getMigrations(): Promise<Record<string, Migration>> {
		return migrations;
	},
};

/** Applies every pending migration in order; throws with the failing migration's name. */
export async function migrateToLatest(db: Db): Promise<string[]> {
	// Parts were developed in parallel with reserved numbers; a database that ran a later number first must
	// still accept an earlier one.
	const migrator = new Migrator({ db, provider, allowUnorderedMigrations: true });
	const { error, results } = await migrator.migrateToLatest();
	if (error) {
		const failed = results?.find((r) => r.status === 'Error');
		throw new Error(`Migration ${failed?.migrationName ?? '?'} failed: ${String((error as Error).message ?? error)}`);
	}
	return (results ?? []).filter((r) => r.status === 'Success').map((r) => r.migrationName);
}
