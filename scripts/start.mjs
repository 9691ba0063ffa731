// `npm start`: build if needed, migrate, seed an empty database, then serve on HOST:PORT (default localhost:4321).
import { execSync, spawn } from 'node:child_process';
import { existsSync, statSync, readdirSync } from 'node:fs';
import { join } from 'node:path';

const outDir = process.env.ASTRO_OUT_DIR ?? 'dist';
const entry = join(outDir, 'server', 'entry.mjs');

/** Newest modification time under a folder (to rebuild when sources changed since the last build). */
function newest(dir) {
	let latest = 0;
	for (const name of readdirSync(dir, { withFileTypes: true })) {
		const path = join(dir, name.name);
		latest = Math.max(latest, name.isDirectory() ? newest(path) : statSync(path).mtimeMs);
	}
	return latest;
}

const sources = ['src', 'content', 'public', 'db'].filter(existsSync);
const stale = !existsSync(entry) || sources.some((dir) => newest(dir) > statSync(entry).mtimeMs);
if (stale) {
	console.log('Bygger Vejviser …');
	execSync('npx astro build', { stdio: 'inherit', env: { ...process.env, ASTRO_TELEMETRY_DISABLED: '1' } });
}
execSync('npx tsx db/cli.ts migrate', { stdio: 'inherit' });
execSync('npx tsx db/cli.ts seed', { stdio: 'inherit' });

process.env.HOST ??= 'localhost';
process.env.PORT ??= '4321';
console.log(`Vejviser kører på http://${process.env.HOST}:${process.env.PORT}`);
const server = spawn(process.execPath, [entry], { stdio: 'inherit', env: process.env });
for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => server.kill(signal));
server.on('exit', (code) => process.exit(code ?? 0));
