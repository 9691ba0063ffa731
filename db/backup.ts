/**
 * Backups and restores of the SQLite file. A backup is SQLite's online backup (consistent while the site keeps
 * writing), checked with `PRAGMA integrity_check` before it counts. A restore checks the copy the same way, then
 * swaps it in with a rename, so the database is never half-restored.
 */
import { existsSync, readdirSync, renameSync, rmSync, statSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { openSqlite, rawSqlite, type Db } from './client';

/** 'ok', or SQLite's list of problems. */
export function integrityCheck(file: string): string {
	const db = openSqlite(file, { readonly: true, fileMustExist: true });
	try {
		const rows = db.prepare('PRAGMA integrity_check').all() as Array<{ integrity_check: string }>;
		return rows.map((r) => r.integrity_check).join('; ');
	} finally {
		db.close();
	}
}

/** Writes a consistent copy of the open database to `file` and checks it. Throws (and removes it) when not sound. */
export async function backupDatabase(db: Db, file: string): Promise<void> {
	try {
		await rawSqlite(db).backup(file);
		// A backup is one self-contained file: no WAL beside it.
		const copy = openSqlite(file);
		copy.pragma('journal_mode = DELETE');
		copy.close();
		const check = integrityCheck(file);
		if (check !== 'ok') throw new Error(`Sikkerhedskopien ${file} er ikke i orden: ${check}`);
	} catch (error) {
		rmSync(file, { force: true });
		// A full disk is the likely operator problem: say it plainly (the site itself keeps running).
		const code = (error as { code?: string }).code ?? '';
		if (code === 'SQLITE_FULL' || code === 'ENOSPC' || code === 'EFBIG' || /disk is full|file too large/i.test(String(error)))
			throw new Error(`Sikkerhedskopien kunne ikke skrives til ${file}: der er ikke plads på disken (${(error as Error).message}). Intet er ændret i databasen.`, { cause: error });
		throw error;
	}
}

/**
 * Puts the backup `from` in place of the database file `to` (which no server may have open): checks the backup,
 * copies it beside the target, then renames it over the target and drops the old WAL files.
 */
export async function restoreDatabase(from: string, to: string): Promise<void> {
	if (!existsSync(from)) throw new Error(`Filen ${from} findes ikke.`);
	const check = integrityCheck(from);
	if (check !== 'ok') throw new Error(`Sikkerhedskopien ${from} er ikke i orden: ${check}`);
	const staging = join(dirname(to), `.${basename(to)}.restore-${process.pid}`);
	const source = openSqlite(from, { readonly: true, fileMustExist: true });
	try {
		await source.backup(staging);
	} finally {
		source.close();
	}
	for (const suffix of ['-wal', '-shm']) rmSync(to + suffix, { force: true });
	renameSync(staging, to);
}

/** Daily copies in `dir`, named by time; keeps the newest `keep`. Returns the new file. */
export async function rotateBackup(db: Db, dir: string, keep: number, now: Date = new Date()): Promise<string> {
	const file = join(dir, `vejviser-${now.toISOString().replace(/[:.]/g, '-').slice(0, 19)}.db`);
	await backupDatabase(db, file);
	const copies = readdirSync(dir)
		.filter((f) => /^vejviser-.*\.db$/.test(f))
		.map((f) => join(dir, f))
		.sort((a, b) => statSync(b).mtimeMs - statSync(a).mtimeMs || b.localeCompare(a));
	for (const old of copies.slice(Math.max(1, keep))) for (const suffix of ['', '-wal', '-shm']) rmSync(old + suffix, { force: true });
	return file;
}
