/**
 * A long keyset read run on a worker thread with a connection of its own (keysetPages in client.ts).
 *
 * Building the search index at 100,000 people reads 100,000 rows of 27 columns: inside better-sqlite3 that was
 * ~0.4 s on the event loop (a fifth of a rebuild), most of it making a JavaScript value per column; with `pg` the
 * parsing of the server's text rows was more. Here the worker runs the statements and hands each page over as JSON
 * text (one string to copy between threads); the main thread parses it in a quarter of the time and meanwhile
 * indexes the page before. The worker reads two pages ahead of what was taken, no further, so a slow consumer does
 * not pile up the table in memory. Rows must be text, numbers or null (JSON): no blobs.
 *
 * Same consistency as reading page by page on the main thread: each statement sees what was committed when it ran
 * (keyset paging never held a snapshot across pages either). Like checkpoints.ts, the worker is CommonJS given as
 * text: it needs only the resolved path of the driver this Node loads.
 */
import { on } from 'node:events';
import { Worker } from 'node:worker_threads';

const WORKER_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
const { sql, params, afterAt, keyAt } = workerData;
let after = workerData.after;
let done = false;
let read;
let close = async () => {};
const fail = (error) => {
	// Driver error classes do not cross threads: their message does.
	done = true;
	parentPort.postMessage({ error: String(error && error.message) });
};
try {
	if (workerData.sqlite) {
		const Database = require(workerData.sqlite.binding);
		const db = new Database(workerData.sqlite.path, { readonly: true, fileMustExist: true });
		// A reader waits here, on its own thread, in the rare case WAL recovery holds the file.
		db.pragma('busy_timeout = 5000');
		const statement = db.prepare(sql).raw(true);
		read = async () => statement.all(params);
		close = async () => db.close();
	} else {
		const pg = require(workerData.postgres.driver);
		const asNumber = new Set(workerData.postgres.numberTypes);
		const client = new pg.Client({
			connectionString: workerData.postgres.url,
			options: workerData.postgres.options,
			types: { getTypeParser: (oid, format) => (asNumber.has(oid) ? Number : pg.types.getTypeParser(oid, format)) },
		});
		client.on('error', () => {});
		const connected = client.connect();
		read = async () => {
			await connected;
			return (await client.query({ text: sql, values: params, rowMode: 'array' })).rows;
		};
		close = () => client.end();
	}
} catch (error) {
	fail(error);
}
let queue = Promise.resolve();
parentPort.on('message', (message) => {
	queue = queue.then(async () => {
		if (message === 'stop') {
			done = true;
			await close().catch(() => {});
			parentPort.close();
			return;
		}
		if (done) return;
		try {
			params[afterAt] = after;
			const rows = await read();
			if (rows.length > 0) after = rows[rows.length - 1][keyAt];
			else done = true;
			parentPort.postMessage({ rows: JSON.stringify(rows) });
		} catch (error) {
			fail(error);
		}
	});
});
`;

export interface KeysetRead {
	/** SQLite: the resolved path of the package (better-sqlite3 or its Node 22 alias) and the database file. */
	sqlite?: { binding: string; path: string };
	/** PostgreSQL: the resolved path of `pg`, the server, its connection options and the type ids read as numbers. */
	postgres?: { driver: string; url: string; options?: string; numberTypes: number[] };
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
	const exited = new Promise<void>((resolve) => worker.once('exit', () => resolve()));
	try {
		worker.postMessage('more');
		worker.postMessage('more');
		// Ends with an error if the worker fails (the statement, the file), and ends if it exits at all.
		for await (const [message] of on(worker, 'message', { close: ['exit'] })) {
			const { rows: text, error } = message as { rows?: string; error?: string };
			if (error !== undefined) throw new Error(`keyset read on a worker thread: ${error}`);
			const rows = JSON.parse(text!) as unknown[][];
			if (rows.length === 0) return;
			worker.postMessage('more');
			yield rows;
		}
		throw new Error('keyset read: the worker ended before the last page');
	} finally {
		// Closes its connection (a PostgreSQL session ends cleanly), then the thread; a stuck one is ended.
		worker.postMessage('stop');
		const timeout = new Promise<void>((resolve) => setTimeout(resolve, 2000).unref());
		await Promise.race([exited, timeout]);
		await worker.terminate();
	}
}
