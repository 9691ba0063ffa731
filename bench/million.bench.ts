/**
 * A country-sized simulation (issue 13): 1,000,000 generated people (never committed; written to a temp file and
 * deleted): write time, what the CSV importer would take at its measured rate, index build time, heap and RSS,
 * search p50/p95 — printed with what would have to change to serve that size.
 * Runs only when named: `npm run bench -- million` (a plain `npm run bench` skips it: it takes minutes and GBs).
 * Runs in a child process with a larger heap. Env: BENCH_MILLION_N (default 1,000,000).
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { createDb } from '../db/client';
import { migrateToLatest } from '../db/migrate';
import { importDirectoryFile } from '../src/modules/directory/directory.import';
import { getSearchState, rebuildSearchIndex } from '../src/modules/search/search.service';
import { generate, timeQueries } from './search.bench';

const mb = (bytes: number) => `${Math.round(bytes / 1048576)} MB`;

async function child(): Promise<void> {
	const n = Number(process.env.BENCH_MILLION_N ?? 1_000_000);
	const dir = mkdtempSync(join(tmpdir(), 'vejviser-bench-million-'));
	try {
		// The CSV importer's rate on the fixture (the real import path: validation, upserts, audit per row).
		const small = createDb(join(dir, 'small.db'));
		await migrateToLatest(small);
		let t = performance.now();
		const report = await importDirectoryFile(small, resolve('tests/fixtures/directory.csv'));
		const perRow = (performance.now() - t) / report.rowsRead;
		await small.destroy();

		const path = join(dir, 'million.db');
		const db = createDb(path);
		await migrateToLatest(db);
		t = performance.now();
		await generate(db, n);
		const writeS = (performance.now() - t) / 1000;
		console.log(`${n.toLocaleString('da-DK')} personer skrevet i bulk på ${writeS.toFixed(1)} s; databasefil ${mb(statSync(path).size)}`);
		console.log(`  CSV-importen (${perRow.toFixed(2)} ms pr. række målt på ${report.rowsRead} rækker) ville tage ca. ${((perRow * n) / 60_000).toFixed(0)} min for ${n.toLocaleString('da-DK')} rækker`);

		setFlagsFromString('--expose-gc');
		const gc = runInNewContext('gc') as () => void;
		gc();
		const before = process.memoryUsage();
		const cpuBefore = process.cpuUsage();
		const built = await rebuildSearchIndex(db);
		const cpu = process.cpuUsage(cpuBefore);
		gc();
		const mem = process.memoryUsage();
		// Typed arrays as the index reports them (process-wide arrayBuffers still holds freed build buffers).
		const typed = (await getSearchState(db)).index.stats().typedArrayBytes;
		const bytes = mem.heapUsed - before.heapUsed + typed;
		console.log(
			`  indeksbygning ${(built.ms / 1000).toFixed(1)} s (CPU ${((cpu.user + cpu.system) / 1e6).toFixed(1)} s; ${built.docs.toLocaleString('da-DK')} dokumenter; load ${loadavg()[0].toFixed(1)}), ` +
				`hukommelse +${mb(bytes)} (heap ${mb(mem.heapUsed - before.heapUsed)} + typed arrays ${mb(typed)}; ${Math.round(bytes / built.docs)} bytes pr. dokument), rss ${mb(mem.rss)}`,
		);
		await timeQueries(db, 1);
		const s = await timeQueries(db, 3);
		console.log(`  søgning p50 ${s.p50.toFixed(1)} ms, p95 ${s.p95.toFixed(1)} ms, maks ${s.max.toFixed(1)} ms over ${s.n} søgninger`);
		await db.destroy();
	} finally {
		rmSync(dir, { recursive: true, force: true });
	}
	console.log(
		[
			'  Det der skulle ændres for et helt land:',
			'  - indekset: postings og rangeringsfelter ligger allerede i typed arrays; kortdata (~140 bytes pr. person i en kompakt',
			'    streng) og ord-ordbogen (hvert telefonnummer og ref er et ord) skulle hentes fra databasen for de ~20 viste hits;',
			'  - bygningen: læsningen ligger allerede i en worker-tråd, men selve indekseringen i skiver på event-loopet går ikke',
			'    længere; den skulle også ud (en worker eller et separat job med snapshot på disk, indlæst ved start), aldrig i',
			'    anmodningsvejen; inkrementelt derefter;',
			'  - søgningen: afgrænsning før rangering (kommune/region først) så en forespørgsel ikke scorer hundredtusinder af poster;',
			'  - importen: bulk-indsættelse pr. organisation i én transaktion og revisionslog pr. import i stedet for pr. række;',
			'  - flere processer/maskiner: sidecachen og indekset er pr. proces; PostgreSQL i stedet for én SQLite-fil.',
		].join('\n'),
	);
}

export async function run(): Promise<void> {
	if (!process.argv.some((a) => a.includes('million'))) {
		console.log('Springes over (minutter og flere GB): kør `npm run bench -- million`.');
		return;
	}
	const self = fileURLToPath(import.meta.url);
	const result = spawnSync(process.execPath, ['--max-old-space-size=8192', '--import', 'tsx', self, 'child'], { stdio: 'inherit', env: process.env });
	if (result.status !== 0) throw new Error(`the simulation exited with ${result.status ?? result.signal}`);
}

if (import.meta.url === `file://${process.argv[1]}` && process.argv[2] === 'child') await child();
