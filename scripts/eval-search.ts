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
 *
 * Engine: a temporary SQLite file; with `DATABASE_URL=postgres://…` a scratch database on that server instead
 * (`vejviser_eval_<random>`, created and dropped again; the database the URL names is never touched).
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { sql } from 'kysely';
import { createDb, databaseTarget, isPostgresUrl } from '../db/client';
import { migrateToLatest } from '../db/migrate';
import { importDirectoryFile } from '../src/modules/directory/directory.import';
import { search } from '../src/modules/search/search.service';
import { createScratchDatabase, dropScratchDatabase, shown } from './pg-scratch';
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

/** Ends the run early with an exit code, after the scratch database is dropped (process.exit would skip that). */
class Stop {
	constructor(readonly code: number) {}
}

const dir = mkdtempSync(join(tmpdir(), 'vejviser-eval-'));
const server = isPostgresUrl(databaseTarget()) ? databaseTarget() : undefined;
const scratch = server ? await createScratchDatabase(server, 'vejviser_eval') : undefined;
const db = createDb(scratch ?? join(dir, 'eval.db'));
try {
	console.log(`Motor: ${scratch ? `PostgreSQL (${shown(scratch)})` : 'SQLite'}`);
	await migrateToLatest(db);
	const report = await importDirectoryFile(db, resolve(csvPath));
	if (!report.ok) {
		console.error(`Importen fejlede (${report.errors.length} fejl), fx: ${report.errors.slice(0, 3).map((e) => `række ${e.row}: ${e.message}`).join('; ')}`);
		throw new Stop(1);
	}
	const queries = JSON.parse(readFileSync(resolve(queriesPath), 'utf8')) as EvalQuery[];
	if (fillOut) {
		await fill(queries as unknown as Spec[]);
		writeFileSync(resolve(fillOut), JSON.stringify(queries, null, 1) + '\n');
		console.log(`Skrev ${queries.length} forespørgsler med acceptable id'er til ${fillOut}`);
		throw new Stop(0);
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
} catch (error) {
	if (!(error instanceof Stop)) throw error;
	process.exitCode = error.code;
} finally {
	await db.destroy();
	if (server && scratch) await dropScratchDatabase(server, scratch, 'vejviser_eval');
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
	const codes = new Map((await sql<{ code: string; name: string }>`SELECT code, name FROM municipality`.execute(db)).rows.map((r) => [r.name, r.code]));
	const code = (name: string) => codes.get(name);
	for (const s of specs) {
		if (s.kind === 'need') {
			const where = [sql`p.status = 'active'`, sql`o.type = 'kommune'`, sql`p.municipality_code = ${code(s.municipality ?? '') ?? null}`];
			if (s.topic) where.push(sql`EXISTS (SELECT 1 FROM person_topic t WHERE t.person_id = p.id AND t.topic_slug = ${s.topic})`);
			if (s.age) where.push(sql`EXISTS (SELECT 1 FROM person_age_group a WHERE a.person_id = p.id AND a.age_group_slug = ${s.age})`);
			if (s.role) where.push(sql`EXISTS (SELECT 1 FROM person_role r WHERE r.person_id = p.id AND r.role_slug = ${s.role})`);
			const rows = await sql<{ ref: string }>`SELECT p.ref FROM person p JOIN unit u ON u.id = p.unit_id JOIN organisation o ON o.id = u.organisation_id WHERE ${sql.join(where, sql` AND `)}`.execute(db);
			// Bytewise order on both engines (PostgreSQL's collation may differ from SQLite's).
			s.acceptable = rows.rows.map((r) => r.ref).sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
		} else {
			const people = (
				await sql<{ id: number; ref: string; status: string; municipality_code: string | null; org: string }>`SELECT p.id, p.ref, p.status, p.municipality_code, o.name AS org
					FROM person p JOIN unit u ON u.id = p.unit_id JOIN organisation o ON o.id = u.organisation_id
					WHERE p.first_name || ' ' || p.last_name = ${s.name ?? ''} ORDER BY p.id`.execute(db)
			).rows;
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
