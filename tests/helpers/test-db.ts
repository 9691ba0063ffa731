import { createHash, randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { createDb, type Db } from '@db/client';
import { migrateToLatest } from '@db/migrate';
import { migrations } from '@db/migrations/index';

/**
 * A migrated database of its own for a test file; call cleanup() in afterEach/afterAll.
 * SQLite (default): a file in a fresh temp folder. With TEST_DATABASE_URL=postgres://… (tests/run-engines
 * sets it for the PostgreSQL run): a fresh database on that server, created from a migrated template and
 * dropped again by cleanup(). `path` is then the database URL (what createDb() takes).
 */
export async function createTestDb(options: { engine?: 'sqlite' | 'postgres' } = {}): Promise<{ db: Db; path: string; dir: string; cleanup: () => Promise<void> }> {
	const dir = mkdtempSync(join(tmpdir(), 'vejviser-test-'));
	const server = options.engine === 'sqlite' ? undefined : process.env.TEST_DATABASE_URL?.trim();
	if (options.engine === 'postgres' && !server) throw new Error('TEST_DATABASE_URL is not set');
	if (server) {
		const url = await freshPostgresDatabase(server);
		const db = createDb(url);
		return {
			db,
			path: url,
			dir,
			cleanup: async () => {
				await db.destroy();
				await dropPostgresDatabase(server, url);
				rmSync(dir, { recursive: true, force: true });
			},
		};
	}
	const path = join(dir, 'test.db');
	const db = createDb(path);
	await migrateToLatest(db);
	return {
		db,
		path,
		dir,
		cleanup: async () => {
			await db.destroy();
			rmSync(dir, { recursive: true, force: true });
		},
	};
}

function withDatabase(url: string, name: string): string {
	const u = new URL(url);
	u.pathname = `/${name}`;
	return u.toString();
}

async function admin<T>(server: string, fn: (client: pg.Client) => Promise<T>): Promise<T> {
	const client = new pg.Client({ connectionString: server });
	await client.connect();
	try {
		return await fn(client);
	} finally {
		await client.end();
	}
}

/** Bump when the PostgreSQL DDL translation changes (db/client.ts toPostgresDdl), so templates are rebuilt. */
const TEMPLATE_VERSION = 2;

/** The template's name changes with the set of migrations, so a new migration gets a new template. */
function templateName(): string {
	const hash = createHash('sha256').update(`${TEMPLATE_VERSION}:${Object.keys(migrations).sort().join(',')}`).digest('hex').slice(0, 10);
	return `vejviser_template_${hash}`;
}

/** Creates (once per migration set, under an advisory lock so parallel test files wait) a migrated template, then a copy of it. */
export async function freshPostgresDatabase(server: string): Promise<string> {
	const template = templateName();
	const name = `vejviser_test_${randomBytes(6).toString('hex')}`;
	await admin(server, async (client) => {
		await client.query('SELECT pg_advisory_lock(hashtext($1))', [template]);
		try {
			const exists = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [template]);
			if (exists.rowCount === 0) {
				const building = `${template}_building`;
				await client.query(`DROP DATABASE IF EXISTS ${building}`);
				await client.query(`CREATE DATABASE ${building}`);
				const db = createDb(withDatabase(server, building));
				await migrateToLatest(db);
				await db.destroy();
				await client.query(`ALTER DATABASE ${building} RENAME TO ${template}`);
			}
			// Copies from one template must not overlap (PostgreSQL refuses while the template is being read).
			await client.query(`CREATE DATABASE ${name} TEMPLATE ${template}`);
		} finally {
			await client.query('SELECT pg_advisory_unlock(hashtext($1))', [template]);
		}
	});
	return withDatabase(server, name);
}

export async function dropPostgresDatabase(server: string, url: string): Promise<void> {
	const name = new URL(url).pathname.slice(1);
	if (!/^vejviser_test_[0-9a-f]+$/.test(name)) throw new Error(`Not a test database: ${name}`);
	await admin(server, (client) => client.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`));
}
