/**
 * Scratch databases on a PostgreSQL server for the measuring scripts (`eval:search`, `bench`): created empty,
 * dropped again afterwards. Never the database a URL names: a run must not touch a network's data.
 */
import { randomBytes } from 'node:crypto';
import { connect } from 'node:net';
import pg from 'pg';

async function onServer<T>(url: string, fn: (client: pg.Client) => Promise<T>): Promise<T> {
	const client = new pg.Client({ connectionString: url });
	await client.connect();
	try {
		return await fn(client);
	} finally {
		await client.end();
	}
}

/** A fresh, empty database `<prefix>_<random>` on the server `url` points at; returns its URL. */
export async function createScratchDatabase(url: string, prefix: string): Promise<string> {
	const name = `${prefix}_${randomBytes(6).toString('hex')}`;
	await onServer(url, (c) => c.query(`CREATE DATABASE ${name}`));
	const u = new URL(url);
	u.pathname = `/${name}`;
	return u.toString();
}

/** Drops a database made by createScratchDatabase (refuses any other name). */
export async function dropScratchDatabase(serverUrl: string, scratchUrl: string, prefix: string): Promise<void> {
	const name = new URL(scratchUrl).pathname.slice(1);
	if (!new RegExp(`^${prefix}_[0-9a-f]{12}$`).test(name)) throw new Error(`Not a scratch database: ${name}`);
	await onServer(serverUrl, (c) => c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`));
}

/** Whether something answers on the server's port (the bench runs PostgreSQL beside SQLite only then). */
export function serverAnswers(url: string): Promise<boolean> {
	const { hostname, port } = new URL(url);
	return new Promise((resolve) => {
		const socket = connect({ host: hostname || '127.0.0.1', port: Number(port || 5432) });
		socket.setTimeout(2000);
		socket.once('connect', () => (socket.destroy(), resolve(true)));
		socket.once('timeout', () => (socket.destroy(), resolve(false)));
		socket.once('error', () => resolve(false));
	});
}

/** The outside URL without its password, for printing. */
export const shown = (url: string) => url.replace(/\/\/[^@/]*@/, '//');
