/**
 * WAL checkpoints off the event loop, for the server's long-lived SQLite handle.
 *
 * By default SQLite checkpoints inside the COMMIT of whichever write passes 1,000 WAL pages: that write copies the
 * pages back into the database file and syncs it, synchronously, on the event loop — and while readers keep using
 * the log it may not finish, so later commits try again. Under a stream of theme-day registrations (issue 13)
 * BEGIN/COMMIT were ~11 % of the server's profile, and the same build served 290–460 registrations/s with SQLite's
 * own checkpoints against 400–575/s with none, run for run.
 *
 * So the server's connections only checkpoint as a backstop (BACKSTOP_PAGES, if this thread stopped), and a worker
 * thread with its own connection runs a PASSIVE checkpoint every few hundred milliseconds: it never waits for or
 * blocks readers and writers, copies what no reader still needs, and lets the next writer start the log over.
 * Durability is unchanged (`synchronous = NORMAL`: the checkpoint syncs, a commit does not).
 *
 * The worker is a few lines of CommonJS given as text (`eval`): a worker file would have to survive Vite's server
 * build, Vitest and tsx alike; this needs only the path of the SQLite binding this Node loads.
 */
import { Worker } from 'node:worker_threads';

/** The server's connections checkpoint themselves only past this many WAL pages (4 KiB each: 64 MiB). */
export const BACKSTOP_PAGES = 16_384;

const WORKER_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
const Database = require(workerData.binding);
const db = new Database(workerData.path);
db.pragma('busy_timeout = 0');
const checkpoint = () => {
	try {
		db.pragma('wal_checkpoint(PASSIVE)');
	} catch {
		// Another checkpoint is running (a CLI's own): the next tick tries again.
	}
};
const timer = setInterval(checkpoint, workerData.everyMs);
parentPort.on('message', (message) => {
	if (message !== 'stop') return;
	clearInterval(timer);
	checkpoint();
	db.close();
	parentPort.close();
});
`;

export interface Checkpointer {
	/** Runs a last checkpoint and ends the thread (awaited by the handle's destroy()). */
	stop(): Promise<void>;
}

/** Starts checkpointing `path` every `everyMs` in a worker thread; `binding` is the resolved path of the SQLite package. */
export function startBackgroundCheckpoints(path: string, binding: string, everyMs = 250): Checkpointer {
	const worker = new Worker(WORKER_SOURCE, { eval: true, workerData: { path, binding, everyMs } });
	// It must never keep a finished process alive, nor take it down: without it the backstop checkpoints.
	worker.unref();
	worker.on('error', (error) => console.error('SQLite checkpoints: the worker stopped; the connections checkpoint themselves', error));
	const exited = new Promise<void>((resolve) => worker.once('exit', () => resolve()));
	return {
		async stop() {
			worker.postMessage('stop');
			const timeout = new Promise<void>((resolve) => setTimeout(resolve, 5000).unref());
			await Promise.race([exited, timeout]);
		},
	};
}
