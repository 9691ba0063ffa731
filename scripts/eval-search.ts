/**
 * Search quality: `npm run eval:search -- FILE.csv QUERIES.json [--verbose]`
 *
 * Imports the CSV into a temporary database and prints recall@3 (one of the first three results is acceptable)
 * and top-1 (the first result is acceptable), overall and per kind, then lists the failures.
 * QUERIES.json: [{ "q": "...", "kind": "need" | "name" | "successor", "acceptable": ["P000123", ...] }].
 *
 * `--fill OUT.json` instead computes `acceptable` by the fixtures README's rule and writes the file: for `need`
 * from `municipality` (name), `topic`, `age`, `role` (active municipal people matching all of them); for `name`
 * from `name` (+ optional `municipality`/`organisation`); for `successor` the current holder of the job of the
 * left person called `name`. This is how tests/fixtures/search-queries-extra.json is made.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { createDb } from '../db/client';
import { migrateToLatest } from '../db/migrate';
import { importDirectoryFile } from '../src/modules/directory/directory.import';
import { search } from '../src/modules/search/search.service';
import { rawSqlite } from '../db/client';
import { resolveCurrentSuccessor } from '../src/modules/directory/directory.repository';

interface EvalQuery {
	q: string;
	kind: string;
	acceptable: string[];
}

const args = process.argv.slice(2).filter((a) => a !== '--');
const verbose = args.includes('--verbose');
const fillIndex = args.indexOf('--fill');
const fillOut = fillIndex >= 0 ? args[fillIndex + 1] : undefined;
const [csvPath, queriesPath] = args.filter((a, i) => !a.startsWith('--') && !(fillIndex >= 0 && i === fillIndex + 1));
if (!csvPath || !queriesPath) {
	console.error('Brug: npm run eval:search -- FIL.csv FORESPØRGSLER.json [--verbose]');
	process.exit(2);
}

const dir = mkdtempSync(join(tmpdir(), 'vejviser-eval-'));
const db = createDb(join(dir, 'eval.db'));
try {
	await migrateToLatest(db);
	const report = await importDirectoryFile(db, resolve(csvPath));
	if (!report.ok) {
		console.error(`Importen fejlede (${report.errors.length} fejl), fx: ${report.errors.slice(0, 3).map((e) => `række ${e.row}: ${e.message}`).join('; ')}`);
		process.exit(1);
	}
	const queries = JSON.parse(readFileSync(resolve(queriesPath), 'utf8')) as EvalQuery[];
	if (fillOut) {
		await fill(queries as unknown as Spec[]);
		writeFileSync(resolve(fillOut), JSON.stringify(queries, null, 1) + '\n');
		console.log(`Skrev ${queries.length} forespørgsler med acceptable id'er til ${fillOut}`);
		process.exit(0);
	}
	const byKind = new Map<string, { n: number; r3: number; t1: number }>();
	const failures: string[] = [];
	const times: number[] = [];
	await search(db, 'opvarmning', { log: false });
	for (const item of queries) {
		const started = performance.now();
		const result = await search(db, item.q, { type: 'person', limit: 10, log: false });
		times.push(performance.now() - started);
		const refs = result.hits.map((h) => h.ref);
		const ok = new Set(item.acceptable);
		const top1 = refs.length > 0 && ok.has(refs[0]);
		const recall3 = refs.slice(0, 3).some((r) => ok.has(r));
		const k = byKind.get(item.kind) ?? { n: 0, r3: 0, t1: 0 };
		k.n++;
		k.r3 += recall3 ? 1 : 0;
		k.t1 += top1 ? 1 : 0;
		byKind.set(item.kind, k);
		if (!recall3 || !top1 || verbose) {
			const parts = result.parsed.parts.map((p) => `${p.kind}:${p.kind === 'text' ? p.words.map((w) => w.key).join('+') : p.slugs.join('|')}`).join(' ');
			failures.push(`${recall3 ? (top1 ? 'ok    ' : 'top-1 ') : 'MISS  '} [${item.kind}] "${item.q}" → ${refs.slice(0, 3).join(', ') || '(intet)'}; ønsket ${item.acceptable.slice(0, 4).join(', ')}${item.acceptable.length > 4 ? '…' : ''}  {${parts}}`);
		}
	}
	const pct = (a: number, n: number) => `${((100 * a) / Math.max(1, n)).toFixed(1)} %`;
	const all = [...byKind.values()].reduce((s, k) => ({ n: s.n + k.n, r3: s.r3 + k.r3, t1: s.t1 + k.t1 }), { n: 0, r3: 0, t1: 0 });
	console.log(`Søgekvalitet på ${queries.length} forespørgsler (${report.rowsRead} personer importeret)`);
	console.log(`  alle        recall@3 ${pct(all.r3, all.n)}   top-1 ${pct(all.t1, all.n)}`);
	for (const [kind, k] of byKind) console.log(`  ${kind.padEnd(11)} recall@3 ${pct(k.r3, k.n)}   top-1 ${pct(k.t1, k.n)}   (${k.n})`);
	times.sort((a, b) => a - b);
	console.log(`  tid pr. søgning: median ${times[Math.floor(times.length / 2)].toFixed(2)} ms, maks ${times.at(-1)!.toFixed(2)} ms`);
	if (failures.length) {
		console.log(verbose ? '\nAlle forespørgsler:' : '\nFejl:');
		for (const f of failures) console.log('  ' + f);
	}
} finally {
	await db.destroy();
	rmSync(dir, { recursive: true, force: true });
}

interface Spec {
	q: string;
	kind: string;
	acceptable?: string[];
	municipality?: string | null;
	topic?: string | null;
	age?: string | null;
	role?: string | null;
	name?: string;
	organisation?: string;
}

/** The README's rule, applied to the imported database. */
async function fill(specs: Spec[]): Promise<void> {
	const raw = rawSqlite(db);
	const code = (name: string) => (raw.prepare('SELECT code FROM municipality WHERE name = ?').get(name) as { code: string } | undefined)?.code;
	for (const s of specs) {
		if (s.kind === 'need') {
			const where = ["p.status = 'active'", "o.type = 'kommune'", 'p.municipality_code = ?'];
			const params: unknown[] = [code(s.municipality ?? '')];
			if (s.topic) (where.push('EXISTS (SELECT 1 FROM person_topic t WHERE t.person_id = p.id AND t.topic_slug = ?)'), params.push(s.topic));
			if (s.age) (where.push('EXISTS (SELECT 1 FROM person_age_group a WHERE a.person_id = p.id AND a.age_group_slug = ?)'), params.push(s.age));
			if (s.role) (where.push('EXISTS (SELECT 1 FROM person_role r WHERE r.person_id = p.id AND r.role_slug = ?)'), params.push(s.role));
			s.acceptable = (raw.prepare(`SELECT p.ref FROM person p JOIN unit u ON u.id = p.unit_id JOIN organisation o ON o.id = u.organisation_id WHERE ${where.join(' AND ')} ORDER BY p.ref`).all(...params) as Array<{ ref: string }>).map((r) => r.ref);
		} else {
			const people = raw
				.prepare(
					`SELECT p.id, p.ref, p.status, p.municipality_code, o.name AS org FROM person p JOIN unit u ON u.id = p.unit_id JOIN organisation o ON o.id = u.organisation_id
					WHERE p.first_name || ' ' || p.last_name = ?`,
				)
				.all(s.name ?? '') as Array<{ id: number; ref: string; status: string; municipality_code: string | null; org: string }>;
			const wanted = people.filter((p) => (!s.municipality || p.municipality_code === code(s.municipality)) && (!s.organisation || p.org === s.organisation));
			const refs: string[] = [];
			for (const p of wanted) {
				if (s.kind === 'successor' || p.status === 'left') {
					const successor = await resolveCurrentSuccessor(db, p.id);
					if (successor) refs.push(successor.ref);
				} else refs.push(p.ref);
			}
			s.acceptable = refs;
		}
		if (!s.acceptable.length) console.warn(`Ingen acceptable for "${s.q}"`);
	}
}
