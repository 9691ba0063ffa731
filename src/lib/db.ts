import { DATABASE_PATH, DATABASE_URL } from 'astro:env/server';
import { createDb, databaseTarget, type Db } from '@db/client';
import { migrateToLatest } from '@db/migrate';

let instance: Db | undefined;
let ready: Promise<unknown> | undefined;

/** The app's one database handle (lazy, so builds never open the file). */
export function getDb(): Db {
	instance ??= createDb(databaseTarget({ DATABASE_URL, DATABASE_PATH }), { checkpointInBackground: true });
	return instance;
}

/** Brings the schema up to date once per process (the middleware awaits it before the first request). */
export function ensureDbReady(): Promise<unknown> {
	ready ??= migrateToLatest(getDb());
	return ready;
}
