/**
 * A long keyset read on SQLite, run on a worker thread with its own read-only connection.
 *
 * Building the search index at 100,000 people reads 100,000 rows of 27 columns: inside better-sqlite3 that was
 * ~0.4 s on the event loop (a fifth of a rebuild), most of it making a JavaScript value per column. Here the worker
 * runs the statements and hands each page over as JSON text (one string to copy between threads); the main thread
 * parses it in a quarter of the time and meanwhile indexes the page before. The worker reads two pages ahead of
 * what was taken, no further, so a slow consumer does not pile up the table in memory.
 *
 * Same consistency as reading page by page on the main thread: each statement sees what was committed when it ran
 * (keyset paging never held a snapshot across pages either). Like checkpoints.ts, the worker is CommonJS given as
 * text: it needs only the path of the SQLite binding this Node loads.
 */
import { on } from 'node:events';
import { Worker } from 'node:worker_threads';

const WORKER_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
const Database = require(workerData.binding);
let statement;
let after = workerData.after;
let done = false;
try {
	const db = new Database(workerData.path, { readonly: true, fileMustExist: true });
	// A reader waits here, on its own thread, in the rare case WAL recovery holds the file.
	db.pragma('busy_timeout = 5000');
	statement = db.prepare(workerData.sql).raw(true);
} catch (error) {
	done = true;
	parentPort.postMessage({ error: String(error && error.message) });
}
const params = workerData.params;
parentPort.on('message', () => {
	if (done) return;
	try {
		params[workerData.afterAt] = after;
		const rows = statement.all(params);
		if (rows.length > 0) after = rows[rows.length - 1][workerData.keyAt];
		else done = true;
		parentPort.postMessage({ rows: JSON.stringify(rows) });
	} catch (error) {
		// SQLite's error class does not cross threads: its message does.
		done = true;
		parentPort.postMessage({ error: String(error && error.message) });
	}
});
`;

export interface KeysetRead {
	/** The resolved path of the SQLite package (better-sqlite3 or its Node 22 alias). */
	binding: string;
	path: string;
	/** One page's statement; `params[afterAt]` is replaced by the key of the last row read. */
	sql: string;
	params: unknown[];
	afterAt: number;
	/** Column of the key in a row. */
	keyAt: number;
	/** The key to read after. */
	after: unknown;
}

/** Pages of rows (arrays), in key order, until the statement returns none. */
export async function* keysetPagesInWorker(read: KeysetRead): AsyncGenerator<unknown[][]> {
	const worker = new Worker(WORKER_SOURCE, { eval: true, workerData: read });
	try {
		worker.postMessage('more');
		worker.postMessage('more');
		// Ends with an error if the worker fails (the statement, the file), and ends if it exits at all.
		for await (const [message] of on(worker, 'message', { close: ['exit'] })) {
			const { rows: text, error } = message as { rows?: string; error?: string };
			if (error !== undefined) throw new Error(`SQLite (keyset read): ${error}`);
			const rows = JSON.parse(text!) as unknown[][];
			if (rows.length === 0) return;
			worker.postMessage('more');
			yield rows;
		}
		throw new Error('keyset read: the worker ended before the last page');
	} finally {
		await worker.terminate();
	}
}
