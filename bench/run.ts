/**
 * `npm run bench`: imports every `bench/*.bench.ts` and runs its exported `run()` in turn (alphabetical),
 * printing each module's figures. `npm run bench -- search` runs only modules whose name contains "search".
 * A bench module: `export async function run(): Promise<void>` that prints its own lines.
 */
import { readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const only = process.argv.slice(2).filter((a) => a !== '--');
const files = readdirSync(here)
	.filter((f) => f.endsWith('.bench.ts'))
	.filter((f) => only.length === 0 || only.some((o) => f.includes(o)))
	.sort();
if (files.length === 0) console.log('Ingen bench-moduler fundet.');
let failed = 0;
for (const file of files) {
	console.log(`\n=== ${file} ===`);
	const started = performance.now();
	try {
		const mod = (await import(pathToFileURL(join(here, file)).href)) as { run?: () => Promise<void> };
		if (typeof mod.run !== 'function') throw new Error('exports no run()');
		await mod.run();
		console.log(`(${file}: ${((performance.now() - started) / 1000).toFixed(1)} s)`);
	} catch (error) {
		failed++;
		console.error(`${file} fejlede:`, error);
	}
}
process.exit(failed ? 1 : 0);
