/**
 * Backups and restores of the SQLite file. A backup is SQLite's online backup (consistent while the site keeps
 * writing), checked with `PRAGMA integrity_check` before it counts. A restore checks the copy the same way, then
 * swaps it in with a rename, so the database is never half-restored.
 */
import { closeSync, existsSync, openSync, readdirSync, readlinkSync, realpathSync, renameSync, rmSync, statSync, writeSync } from 'node:fs';
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
		const full = code === 'SQLITE_FULL' || code === 'ENOSPC' || code === 'EFBIG' || /disk is full|file too large/i.test(String(error));
		const overLimit = !full && code.startsWith('SQLITE_IOERR') && cannotWriteSize(file, databaseSize(db));
		if (full || overLimit) {
			const detail = overLimit ? `filen må ikke blive så stor: grænsen for filstørrelse (ulimit -f) er nået; ${(error as Error).message}` : (error as Error).message;
			throw new Error(`Sikkerhedskopien kunne ikke skrives til ${file}: der er ikke plads på disken (${detail}). Intet er ændret i databasen.`, { cause: error });
		}
		throw error;
	}
}

function databaseSize(db: Db): number {
	const sqlite = rawSqlite(db);
	return Number(sqlite.pragma('page_count', { simple: true })) * Number(sqlite.pragma('page_size', { simple: true }));
}

/**
 * Whether a file of `size` bytes cannot be written beside `file`. A file-size limit (`ulimit -f`) makes a write
 * fail with EFBIG (Node ignores SIGXFSZ), which SQLite reports only as a generic I/O error: one byte written at
 * that offset of a scratch file (sparse, so it costs no space) tells the two apart.
 */
function cannotWriteSize(file: string, size: number): boolean {
	const probe = `${file}.plads-${process.pid}`;
	let fd: number | undefined;
	try {
		fd = openSync(probe, 'w');
		writeSync(fd, Buffer.alloc(1), 0, 1, Math.max(0, size - 1));
		return false;
	} catch (error) {
		const code = (error as { code?: string }).code;
		return code === 'EFBIG' || code === 'ENOSPC';
	} finally {
		if (fd !== undefined) closeSync(fd);
		rmSync(probe, { force: true });
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

/**
 * Other processes that have the database file (or its WAL) open right now — a server, a `jobs:run`, an import —
 * found through /proc on Linux (an empty list elsewhere). `db:restore` refuses while there are any: renaming a file
 * under an open connection would leave that process writing into the old, unlinked file.
 */
export function processesUsing(file: string): number[] {
	let entries: string[];
	try {
		entries = readdirSync('/proc');
	} catch {
		return [];
	}
	const real = (f: string) => {
		try {
			return realpathSync(f);
		} catch {
			return f;
		}
	};
	const targets = new Set([file, `${file}-wal`, `${file}-shm`].map(real));
	const pids: number[] = [];
	for (const name of entries) {
		if (!/^\d+$/.test(name) || Number(name) === process.pid) continue;
		let fds: string[];
		try {
			fds = readdirSync(`/proc/${name}/fd`);
		} catch {
			continue; // gone, or another user's process (the service runs as its own user; run the restore as that user)
		}
		for (const fd of fds) {
			let link = '';
			try {
				link = readlinkSync(`/proc/${name}/fd/${fd}`);
			} catch {
				continue;
			}
			if (targets.has(link)) {
				pids.push(Number(name));
				break;
			}
		}
	}
	return pids;
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
