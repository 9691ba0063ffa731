/**
 * `npm run db:*` and `user:add`. Thin: parses arguments, opens the database at DATABASE_PATH and calls
 * the module that owns the work. Exit code ≠ 0 on any failure.
 */
import { existsSync } from 'node:fs';
import { basename, resolve } from 'node:path';
import { createDb, databaseTarget, isPostgresUrl, type Db } from './client';
import { migrateToLatest } from './migrate';
import { backupDatabase, processesUsing, restoreDatabase } from './backup';

/** DATABASE_URL (PostgreSQL) or the SQLite file at DATABASE_PATH — the same choice the server makes. */
const target = databaseTarget();
const postgres = isPostgresUrl(target);
const databasePath = postgres ? target : resolve(target);
/** For messages: never print a password from the URL. */
const databaseName = postgres ? target.replace(/\/\/[^@/]*@/, '//') : databasePath;
const [command, ...args] = process.argv.slice(2);
/** A command-line tool may wait longer for the site's writes to finish than a person on a web page. */
const cliOptions = { maxWaitMs: Number(process.env.DB_MAX_WAIT_MS ?? 60_000) };

async function withDb<T>(fn: (db: Db) => Promise<T>): Promise<T> {
	const db = createDb(databasePath, cliOptions);
	try {
		await migrateToLatest(db);
		return await fn(db);
	} finally {
		await db.destroy();
	}
}

/** The address of a server that answers on this database right now, if any (it records its address). */
async function runningServer(): Promise<string | undefined> {
	if (postgres || !existsSync(databasePath)) return undefined;
	const { recalledServerAddress } = await import('../src/lib/base-url');
	const db = createDb(databasePath, cliOptions);
	const address = await recalledServerAddress(db).catch(() => undefined);
	await db.destroy();
	if (!address) return undefined;
	try {
		const res = await fetch(`${address}/api/health`, { signal: AbortSignal.timeout(1500) });
		return res.ok ? address : undefined;
	} catch {
		return undefined;
	}
}

const commands: Record<string, () => Promise<number>> = {
	async migrate() {
		const db = createDb(databasePath, cliOptions);
		const applied = await migrateToLatest(db);
		await db.destroy();
		console.log(applied.length ? `Migrerede ${databaseName}: ${applied.join(', ')}` : `${databaseName} er allerede opdateret.`);
		return 0;
	},
	async seed() {
		const { seedDemoNetwork } = await import('./seed');
		return withDb(async (db) => {
			const result = await seedDemoNetwork(db);
			console.log(result.seeded ? `Demonetværket er lagt i ${databaseName}: ${result.people} personer.` : `Databasen har allerede data; intet seedet.`);
			return 0;
		});
	},
	async setup() {
		await commands.migrate();
		return commands.seed();
	},
	async import() {
		const file = args.find((a) => !a.startsWith('--'));
		if (!file) {
			console.error('Brug: npm run db:import -- FIL.csv [--dry-run]');
			return 2;
		}
		const { importDirectoryFile, formatImportReport } = await import('../src/modules/directory/directory.import');
		return withDb(async (db) => {
			const report = await importDirectoryFile(db, resolve(file), { dryRun: args.includes('--dry-run') });
			console.log(formatImportReport(report));
			return report.ok ? 0 : 1;
		});
	},
	async export() {
		/** Bulk exports of people's data are logged (issue 12): the operator's login name when the shell has one. */
		const logCliExport = async (db: Db, kind: string, rows: number, target: string, note = '') => {
			const { logExport } = await import('../src/modules/privacy/privacy.exports');
			await logExport(db, { actor: `system:cli${process.env.USER ? ` (${process.env.USER})` : ''}`, kind, channel: 'cli', rows, detail: basename(target) + note });
		};
		const formatAt = args.indexOf('--format');
		const format = formatAt >= 0 ? args[formatAt + 1] : 'csv';
		const target = args.find((a, i) => !a.startsWith('--') && !(formatAt >= 0 && i === formatAt + 1));
		if (!target || (format !== 'csv' && format !== 'hsds')) {
			console.error('Brug: npm run db:export -- FIL.csv  ·  npm run db:export -- --format hsds MAPPE');
			return 2;
		}
		if (format === 'hsds') {
			const { exportHsdsFolder } = await import('../src/modules/hsds/hsds.export');
			return withDb(async (db) => {
				const counts = await exportHsdsFolder(db, resolve(target));
				// Rows = people's entries that left (the services' contacts); the file counts go in the detail.
				await logCliExport(db, 'hsds', counts.contacts, target, ` (${counts.services} tilbud, ${counts.organizations} organisationer)`);
				console.log(`Eksporterede ${counts.services} tilbud og ${counts.organizations} organisationer som HSDS 3.0 til ${target}.`);
				return 0;
			});
		}
		const { exportDirectoryFile } = await import('../src/modules/directory/directory.export');
		return withDb(async (db) => {
			const count = await exportDirectoryFile(db, resolve(target));
			await logCliExport(db, 'csv', count, target);
			console.log(`Eksporterede ${count} personer til ${target}.`);
			return 0;
		});
	},
	async backup() {
		const file = args[0];
		if (!file) {
			console.error('Brug: npm run db:backup -- FIL');
			return 2;
		}
		if (postgres) {
			console.error('På PostgreSQL tages sikkerhedskopier med pg_dump (se README); db:backup gælder SQLite-filen.');
			return 2;
		}
		// SQLite's online backup API: consistent while the site keeps writing; checked before it counts.
		const db = createDb(databasePath, cliOptions);
		try {
			await backupDatabase(db, resolve(file));
		} finally {
			await db.destroy();
		}
		console.log(`Sikkerhedskopi skrevet til ${file} (integritet kontrolleret).`);
		return 0;
	},
	async restore() {
		const file = args[0];
		if (!file) {
			console.error('Brug: npm run db:restore -- FIL   (stop serveren først)');
			return 2;
		}
		if (postgres) {
			console.error('På PostgreSQL gendannes med pg_restore/psql (se README); db:restore gælder SQLite-filen.');
			return 2;
		}
		const running = await runningServer();
		if (running) {
			console.error(`Serveren kører på ${running}. Stop den først (fx systemctl stop vejviser), og kør så kommandoen igen.`);
			return 1;
		}
		// Also when the recorded address is not reachable from here: any process with the file open.
		const holders = processesUsing(databasePath);
		if (holders.length) {
			console.error(`Databasen ${databasePath} er åben i en anden proces (pid ${holders.join(', ')}: serveren, jobs:run eller en import). Stop den først (fx systemctl stop vejviser), og kør så kommandoen igen.`);
			return 1;
		}
		await restoreDatabase(resolve(file), databasePath);
		console.log(`Databasen ${databasePath} er gendannet fra ${file}. Start serveren igen.`);
		return 0;
	},
	async copy() {
		const { copyFromCli } = await import('./copy');
		return copyFromCli(args);
	},
	async 'user:add'() {
		const { addUserFromCli } = await import('../src/modules/auth/auth.cli');
		return withDb((db) => addUserFromCli(db, args));
	},
};

const run = commands[command ?? ''];
if (!run) {
	console.error(`Ukendt kommando "${command ?? ''}". Mulige: ${Object.keys(commands).join(', ')}`);
	process.exit(2);
}
run().then(
	(code) => process.exit(code),
	(error) => {
		console.error(error instanceof Error ? error.message : error);
		process.exit(1);
	},
);
