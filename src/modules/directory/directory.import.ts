/**
 * `npm run db:import -- FILE.csv [--dry-run]`: creates and updates people (upsert by `id` = person.ref)
 * from the directory CSV format. All or nothing: every row is checked first (format, then references
 * against the database); one problem anywhere and nothing is written. Writes run in one transaction
 * through directory.writes.ts, so each change carries an audit entry (actor `system:import`).
 *
 * A dry run performs the very same writes inside the transaction and rolls it back, so what it reports
 * is exactly what a real run would do.
 */
import { existsSync, readFileSync, statSync } from 'node:fs';
import { basename } from 'node:path';
import type { Kysely, Transaction } from 'kysely';
import type { Database, OrganisationType } from '@db/schema';
import { systemActor, type Actor, type Changes } from '@/modules/audit/audit.repository';
import { jsonArray } from '@/lib/text';
import { columnLabel, EXPORT_COLUMNS, parseDirectoryCsvPaced, type CsvIssue, type DirectoryRecord, type ParsedRow } from './directory.csv';
import { ensureOrganisation, ensureUnit, patchPerson, saveOrganisation, savePerson, saveUnit, type WriteOutcome } from './directory.writes';
import { ensureAfterHoursLines } from '@/modules/hours/hours.writes';

export { parseDirectoryCsv } from './directory.csv';

type Executor = Kysely<Database> | Transaction<Database>;

export interface ImportOptions {
	/** Report what would happen; write nothing. */
	dryRun?: boolean;
	/** Who the audit log names; `system:import` unless a caller (e.g. the demo seed) says otherwise. */
	actor?: Actor;
	/** Shown in the report. */
	fileName?: string;
	/**
	 * The newest audit id the caller's preview saw (web import): checked inside the write transaction, so a
	 * change made since the preview refuses the import (`report.stale`) instead of writing over it.
	 */
	expectAuditId?: number;
	/**
	 * Web import: rows with problems are rejected (listed in `errors`) and the rest imported, instead of the
	 * CLI's all-or-nothing. Problems with the file as a whole (header, unreadable CSV) still stop everything.
	 */
	skipInvalidRows?: boolean;
}

export interface PersonOutcome {
	/** Line number in the file (header = 1). */
	row: number;
	id: string;
	name: string;
	action: 'created' | 'updated' | 'unchanged';
	/** Changed fields, CSV column names, readable before/after values. */
	changes: Record<string, [before: string, after: string]>;
}

export interface ImportReport {
	ok: boolean;
	dryRun: boolean;
	fileName: string | null;
	delimiter: ';' | ',' | null;
	/** Person rows found in the file. */
	rowsRead: number;
	/** Every problem, ordered by row; empty when ok. */
	errors: CsvIssue[];
	/** One per row, in file order; empty when not ok. */
	people: PersonOutcome[];
	organisationsCreated: string[];
	unitsCreated: string[];
	/** Existing units whose service area (`service_area`) the file changes: "Organisation / Enhed". */
	unitsChanged: string[];
	/** Rows left out because of their problems (only with `skipInvalidRows`). */
	rejectedRows: number[];
	/** True when `expectAuditId` no longer matched: the data changed since the preview; nothing written. */
	stale: boolean;
	counts: { created: number; changed: number; unchanged: number };
	/** Things worth knowing that are not errors (e.g. the file was read as Windows-1252). */
	notes: string[];
}

class DryRunRollback extends Error {}

/**
 * Kysely over better-sqlite3 resolves every query as a microtask, so a loop of awaited writes never lets timers
 * or other requests run. A web import of thousands of rows yields to the event loop every ~20 ms instead.
 */
function createPacer(sliceMs = 20): () => Promise<void> {
	let sliceStart = performance.now();
	return async () => {
		if (performance.now() - sliceStart < sliceMs) return;
		await new Promise<void>((resolve) => setImmediate(resolve));
		sliceStart = performance.now();
	};
}
class StaleImport extends Error {}

// ---------- reference data ----------

interface Vocabulary {
	/** lower-case/folded spelling → slug */
	lookup: Map<string, string>;
	slugs: string[];
}

/** ASCII folding that matches the slug conventions (`rådgivning` → `radgivning`, `skolevægring` → `skolevaegring`). */
function fold(value: string): string {
	return value
		.toLowerCase()
		.replace(/æ/g, 'ae')
		.replace(/ø/g, 'o')
		.replace(/oe/g, 'o')
		.replace(/å/g, 'a')
		.replace(/aa/g, 'a')
		.replace(/[\s_–—]+/g, '-');
}

function vocabulary(rows: Array<{ slug: string; label: string; synonyms: string }>): Vocabulary {
	const lookup = new Map<string, string>();
	for (const r of rows) for (const key of [r.slug.toLowerCase(), fold(r.slug)]) lookup.set(key, r.slug);
	// Labels and synonyms count only where they point at exactly one slug and do not shadow a slug.
	const candidates = new Map<string, Set<string>>();
	for (const r of rows)
		for (const word of [r.label, ...jsonArray(r.synonyms)])
			for (const key of [word.toLowerCase().trim(), fold(word.trim())]) candidates.set(key, (candidates.get(key) ?? new Set()).add(r.slug));
	for (const [key, slugs] of candidates) if (slugs.size === 1 && !lookup.has(key)) lookup.set(key, [...slugs][0]);
	return { lookup, slugs: rows.map((r) => r.slug) };
}

function resolveTag(vocab: Vocabulary, value: string): string | undefined {
	return vocab.lookup.get(value.toLowerCase()) ?? vocab.lookup.get(fold(value));
}

interface References {
	municipalities: Map<string, string>;
	topics: Vocabulary;
	roles: Vocabulary;
	ageGroups: Vocabulary;
	/** lower-case name → organisation */
	organisations: Map<string, { id: number; name: string; type: OrganisationType; municipalityCode: string | null }>;
	/** person ref → successor ref (null when none) for everyone already in the directory */
	people: Map<string, string | null>;
}

async function loadReferences(db: Executor): Promise<References> {
	const [municipalities, topics, roles, ageGroups, organisations, people] = await Promise.all([
		db.selectFrom('municipality').select(['code', 'name']).execute(),
		db.selectFrom('topic').select(['slug', 'label', 'synonyms']).execute(),
		db.selectFrom('role').select(['slug', 'label', 'synonyms']).execute(),
		db.selectFrom('age_group').select(['slug', 'label', 'synonyms']).execute(),
		db.selectFrom('organisation').select(['id', 'name', 'type', 'municipality_code']).execute(),
		db.selectFrom('person as p').leftJoin('person as s', 's.id', 'p.successor_id').select(['p.ref as ref', 's.ref as successor']).execute(),
	]);
	return {
		municipalities: new Map(municipalities.map((m) => [m.code, m.name])),
		topics: vocabulary(topics),
		roles: vocabulary(roles),
		ageGroups: vocabulary(ageGroups),
		organisations: new Map(organisations.map((o) => [o.name.toLowerCase(), { id: o.id, name: o.name, type: o.type, municipalityCode: o.municipality_code }])),
		people: new Map(people.map((p) => [p.ref, p.successor ?? null])),
	};
}

// ---------- validation against the database ----------

interface ResolvedRow {
	row: number;
	record: DirectoryRecord;
	organisationName: string;
	topics: string[];
	roles: string[];
	ageGroups: string[];
}

function checkReferences(rows: ParsedRow[], refs: References, errors: CsvIssue[]): ResolvedRow[] {
	const resolved: ResolvedRow[] = [];
	const fileIds = new Set(rows.map((r) => r.raw.id).filter(Boolean));
	// What the file says about each organisation: the database wins; otherwise most rows win (ties: first row),
	// so the odd row out is the one reported.
	const orgInFile = agreeOnOrganisations(rows, refs);
	/** organisation + unit (lower-case) → the first row's service area, so disagreeing rows are reported. */
	const areaInFile = new Map<string, { row: number; codes: string }>();

	for (const { row, record, errors: formatErrors } of rows) {
		const err = (column: CsvIssue['column'], message: string) => errors.push({ row, column, message });
		const before = errors.length;

		if (record.municipalityCode && !refs.municipalities.has(record.municipalityCode))
			err('municipality_code', `Kommunekoden "${record.municipalityCode}" findes ikke blandt de officielle kommunekoder.`);

		const tags = (column: 'topics' | 'roles' | 'age_groups', vocab: Vocabulary, values: string[], what: string) => {
			const slugs: string[] = [];
			for (const value of values) {
				const slug = resolveTag(vocab, value);
				if (slug) slugs.push(slug);
				else err(column, `Ukendt ${what} "${value}". Mulige: ${vocab.slugs.join(', ')}.`);
			}
			return [...new Set(slugs)];
		};
		const topics = tags('topics', refs.topics, record.topics, 'emne');
		const roles = tags('roles', refs.roles, record.roles, 'rolle');
		const ageGroups = tags('age_groups', refs.ageGroups, record.ageGroups, 'aldersgruppe');

		const typeKnown = !formatErrors.some((e) => e.column === 'organisation_type' || e.column === 'organisation');
		const key = record.organisation.toLowerCase();
		const existing = refs.organisations.get(key);
		const agreed = orgInFile.get(key);
		const organisationName = agreed?.name ?? record.organisation;
		const code = record.organisationType === 'kommune' ? record.municipalityCode : null;
		if (typeKnown && agreed) {
			const source = existing ? 'findes allerede i kataloget med' : 'har i andre rækker i filen';
			if (agreed.type !== record.organisationType)
				err('organisation_type', `Organisationen "${agreed.name}" ${source} typen "${agreed.type}", ikke "${record.organisationType}".`);
			else if (code && agreed.code && agreed.code !== code)
				err('municipality_code', `Organisationen "${agreed.name}" ${source} kommunekoden ${agreed.code}, ikke ${code}.`);
		}

		if (record.serviceArea) {
			const unknown = record.serviceArea.filter((c) => !refs.municipalities.has(c));
			if (unknown.length) err('service_area', `Kommunekoderne ${unknown.join(', ')} i dækningsområdet findes ikke blandt de officielle kommunekoder.`);
			const unitKey = `${key}\u0000${record.unit.toLowerCase()}`;
			const first = areaInFile.get(unitKey);
			if (!first) areaInFile.set(unitKey, { row, codes: record.serviceArea.join('|') });
			else if (first.codes !== record.serviceArea.join('|'))
				err('service_area', `Enheden "${record.unit}" har dækningsområdet ${first.codes} i række ${first.row}; alle rækker for samme enhed skal have samme dækningsområde (eller stå tomme).`);
		}

		if (record.successorId && !fileIds.has(record.successorId) && !refs.people.has(record.successorId))
			err('successor_id', `Efterfølgeren "${record.successorId}" findes hverken i filen eller i kataloget.`);

		if (errors.length === before && !formatErrors.length) resolved.push({ row, record, organisationName, topics, roles, ageGroups });
	}

	// A ring of successors would send every lookup in circles and leave nobody current.
	const successorOf = new Map(refs.people);
	for (const { record } of rows) successorOf.set(record.id, record.successorId);
	for (const { row, record } of rows) {
		if (!record.successorId) continue;
		const seen = new Set([record.id]);
		for (let ref: string | null | undefined = record.successorId; ref; ref = successorOf.get(ref)) {
			if (ref === record.id) {
				errors.push({ row, column: 'successor_id', message: `Efterfølgerkæden fra "${record.id}" fører tilbage til "${record.id}" selv.` });
				break;
			}
			if (seen.has(ref)) break;
			seen.add(ref);
		}
	}
	return resolved;
}

function agreeOnOrganisations(rows: ParsedRow[], refs: References) {
	const tally = new Map<string, { name: string; types: Map<string, number>; codes: Map<string, number> }>();
	const bump = (m: Map<string, number>, k: string) => m.set(k, (m.get(k) ?? 0) + 1);
	for (const { record, errors } of rows) {
		if (!record.organisation || errors.some((e) => e.column === 'organisation_type')) continue;
		const key = record.organisation.toLowerCase();
		const t = tally.get(key) ?? { name: record.organisation, types: new Map(), codes: new Map() };
		tally.set(key, t);
		bump(t.types, record.organisationType);
		if (record.organisationType === 'kommune' && record.municipalityCode) bump(t.codes, record.municipalityCode);
	}
	// Map iteration keeps insertion order, so on a tie the value seen first wins.
	const top = (m: Map<string, number>) => [...m].reduce<[string, number] | null>((best, e) => (!best || e[1] > best[1] ? e : best), null)?.[0] ?? null;
	const agreed = new Map<string, { name: string; type: OrganisationType; code: string | null }>();
	for (const [key, t] of tally) {
		const existing = refs.organisations.get(key);
		const type = existing?.type ?? (top(t.types) as OrganisationType);
		const code = (existing?.type === 'kommune' ? existing.municipalityCode : null) ?? (type === 'kommune' ? top(t.codes) : null);
		agreed.set(key, { name: existing?.name ?? t.name, type, code });
	}
	return agreed;
}

// ---------- the import ----------

/** Imports directory CSV text. Never throws for bad data: problems come back in the report. */
export async function importDirectoryCsv(db: Kysely<Database>, text: string, opts: ImportOptions = {}): Promise<ImportReport> {
	const report: ImportReport = {
		ok: false,
		dryRun: opts.dryRun ?? false,
		fileName: opts.fileName ?? null,
		delimiter: null,
		rowsRead: 0,
		errors: [],
		people: [],
		organisationsCreated: [],
		unitsCreated: [],
		unitsChanged: [],
		rejectedRows: [],
		stale: false,
		counts: { created: 0, changed: 0, unchanged: 0 },
		notes: [],
	};
	const pace = createPacer();
	const parsed = await parseDirectoryCsvPaced(text, pace);
	report.delimiter = parsed.delimiter;
	report.rowsRead = parsed.rows.length;
	const errors = [...parsed.errors];
	const refs = await loadReferences(db);
	let rows = checkReferences(parsed.rows, refs, errors);
	if (errors.length) {
		report.errors = sortIssues(errors);
		const personRows = new Set(parsed.rows.map((r) => r.row));
		const fileLevel = errors.some((e) => e.row === 0 || (!personRows.has(e.row) && e.column === null && !/felter, men overskriften/.test(e.message)));
		if (!opts.skipInvalidRows || fileLevel) return report;
		// Leave out the rows with problems, then check the rest again: a row may lean on a rejected one
		// (its successor), which rejects it too. Repeats until nothing new is found.
		for (;;) {
			const rejected = new Set(errors.map((e) => e.row));
			const more: CsvIssue[] = [];
			rows = checkReferences(parsed.rows.filter((r) => !rejected.has(r.row)), refs, more);
			if (!more.length) break;
			errors.push(...more);
		}
		report.errors = sortIssues(errors);
		report.rejectedRows = [...new Set(errors.map((e) => e.row))].sort((a, b) => a - b);
	}

	const actor = opts.actor ?? systemActor('import');
	try {
		await db.transaction().execute(async (trx) => {
			if (opts.expectAuditId !== undefined) {
				const latest = await trx.selectFrom('audit_log').select((eb) => eb.fn.max('id').as('max')).executeTakeFirst();
				if (Number(latest?.max ?? 0) !== opts.expectAuditId) throw new StaleImport();
			}
			await writeRows(trx, actor, rows, refs, report);
			// The CSV has no after-hours lines: each member municipality and the region get one (hours.writes.ts).
			await ensureAfterHoursLines(trx, actor);
			if (report.dryRun) throw new DryRunRollback();
		});
	} catch (error) {
		if (error instanceof StaleImport) {
			report.stale = true;
			report.errors = [{ row: 0, column: null, message: 'Kataloget er ændret, siden forhåndsvisningen blev lavet. Intet er skrevet: lav en ny forhåndsvisning.' }];
			return report;
		}
		if (!(error instanceof DryRunRollback)) {
			// Validation should have caught it; if the database still refuses, nothing was written and the operator must know.
			report.errors = [{ row: 0, column: null, message: `Databasen afviste importen, og intet er skrevet: ${error instanceof Error ? error.message : String(error)}` }];
			report.people = [];
			report.organisationsCreated = [];
			report.unitsCreated = [];
			report.unitsChanged = [];
			report.rejectedRows = [];
			report.counts = { created: 0, changed: 0, unchanged: 0 };
			return report;
		}
	}
	for (const p of report.people) report.counts[p.action === 'created' ? 'created' : p.action === 'updated' ? 'changed' : 'unchanged']++;
	report.ok = true;
	return report;
}

async function writeRows(trx: Transaction<Database>, actor: Actor, rows: ResolvedRow[], refs: References, report: ImportReport) {
	const organisationIds = new Map<string, number>();
	const unitIds = new Map<string, number>();
	const unitLabel = new Map<number, string>();
	const idByRef = new Map((await trx.selectFrom('person').select(['id', 'ref']).execute()).map((p) => [p.ref, p.id]));
	const refById = new Map([...idByRef].map(([ref, id]) => [id, ref]));
	const byRef = new Map(rows.map((r) => [r.record.id, r]));
	const outcomes = new Map<string, { row: ResolvedRow; outcome: WriteOutcome }>();
	const deferred: ResolvedRow[] = [];
	const inProgress = new Set<string>();

	for (const u of await trx.selectFrom('unit').innerJoin('organisation', 'organisation.id', 'unit.organisation_id').select(['unit.id', 'unit.name', 'organisation.name as org']).execute())
		unitLabel.set(u.id, `${u.org} / ${u.name}`);

	async function organisationId(r: ResolvedRow): Promise<number> {
		const key = r.organisationName.toLowerCase();
		const cached = organisationIds.get(key);
		if (cached !== undefined) return cached;
		const code = r.record.organisationType === 'kommune' ? r.record.municipalityCode : null;
		const org = await ensureOrganisation(trx, actor, { name: r.organisationName, type: r.record.organisationType, municipalityCode: code });
		if (org.created) report.organisationsCreated.push(r.organisationName);
		else if (code && !org.municipalityCode)
			// An organisation created elsewhere without its municipality gets it from the file.
			await saveOrganisation(trx, actor, { name: r.organisationName, type: org.type, municipalityCode: code }, org.id);
		organisationIds.set(key, org.id);
		return org.id;
	}

	async function unitId(r: ResolvedRow): Promise<number> {
		const orgId = await organisationId(r);
		const key = `${orgId}\u0000${r.record.unit.toLowerCase()}`;
		const cached = unitIds.get(key);
		if (cached !== undefined) return cached;
		const unit = await ensureUnit(trx, actor, orgId, r.record.unit);
		if (unit.created) {
			report.unitsCreated.push(`${r.organisationName} / ${r.record.unit}`);
			unitLabel.set(unit.id, `${r.organisationName} / ${r.record.unit}`);
		}
		unitIds.set(key, unit.id);
		// checkReferences made every row of a unit agree, so the first row with a service area speaks for the unit.
		const area = rows.find((x) => x.record.serviceArea && x.organisationName.toLowerCase() === r.organisationName.toLowerCase() && x.record.unit.toLowerCase() === r.record.unit.toLowerCase())?.record.serviceArea;
		if (area) {
			const current = await trx.selectFrom('unit').select('name').where('id', '=', unit.id).executeTakeFirstOrThrow();
			const saved = await saveUnit(trx, actor, { organisationId: orgId, name: current.name, municipalityCodes: area }, unit.id);
			if (saved.action === 'updated' && !unit.created) report.unitsChanged.push(`${r.organisationName} / ${current.name}`);
		}
		return unit.id;
	}

	// Successors are written before the people they replace, so a new successor has an id to point at;
	// people already in the directory are known by id from the start.
	async function write(r: ResolvedRow): Promise<void> {
		const ref = r.record.id;
		if (outcomes.has(ref)) return;
		inProgress.add(ref);
		const successorRef = r.record.successorId;
		if (successorRef && !idByRef.has(successorRef) && byRef.has(successorRef) && !inProgress.has(successorRef)) await write(byRef.get(successorRef)!);
		let successorId: number | null = null;
		if (successorRef) {
			successorId = idByRef.get(successorRef) ?? null;
			if (successorId === null) deferred.push(r);
		}
		const rec = r.record;
		const outcome = await savePerson(trx, actor, {
			ref,
			firstName: rec.firstName,
			lastName: rec.lastName,
			title: rec.title,
			unitId: await unitId(r),
			municipalityCode: rec.municipalityCode,
			phone: rec.phone,
			mobile: rec.mobile,
			email: rec.email,
			hours: rec.hours,
			note: rec.note,
			keyPerson: rec.keyPerson,
			status: rec.status,
			successorId,
			verifiedAt: rec.verifiedAt,
			topics: r.topics,
			roles: r.roles,
			ageGroups: r.ageGroups,
		});
		idByRef.set(ref, outcome.id);
		refById.set(outcome.id, ref);
		outcomes.set(ref, { row: r, outcome });
		inProgress.delete(ref);
	}

	const pace = createPacer();
	for (const r of rows) {
		await write(r);
		await pace();
	}
	// Second pass: only reached by successor links the first pass could not resolve yet.
	for (const r of deferred) {
		await pace();
		const patched = await patchPerson(trx, actor, idByRef.get(r.record.id)!, { successor_id: idByRef.get(r.record.successorId!) ?? null });
		const entry = outcomes.get(r.record.id)!;
		Object.assign(entry.outcome.changes, patched.changes);
		if (entry.outcome.action === 'unchanged' && patched.action === 'updated') entry.outcome.action = 'updated';
	}

	const show = (field: string, value: unknown): string => {
		if (value === null || value === undefined || value === '') return '(tom)';
		if (field === 'unit_id') return unitLabel.get(Number(value)) ?? String(value);
		if (field === 'successor_id') return refById.get(Number(value)) ?? String(value);
		if (field === 'key_person') return value ? 'ja' : 'nej';
		if (Array.isArray(value)) return value.length ? [...value].sort().join('|') : '(tom)';
		return String(value);
	};
	const columnOf: Record<string, string> = { ref: 'id', unit_id: 'unit', age_groups: 'age_groups' };
	for (const r of rows) {
		const { outcome } = outcomes.get(r.record.id)!;
		const changes: PersonOutcome['changes'] = {};
		if (outcome.action === 'updated')
			for (const [field, [before, after]] of Object.entries(outcome.changes as Changes)) changes[columnOf[field] ?? field] = [show(field, before), show(field, after)];
		report.people.push({ row: r.row, id: r.record.id, name: `${r.record.firstName} ${r.record.lastName}`, action: outcome.action, changes });
	}
}

function sortIssues(issues: CsvIssue[]): CsvIssue[] {
	const order = (c: CsvIssue['column']) => (c ? EXPORT_COLUMNS.indexOf(c) : -1);
	return [...issues].sort((a, b) => a.row - b.row || order(a.column) - order(b.column));
}

/** Reads a file (UTF-8, BOM optional; Windows-1252 from older Excel is accepted and noted) and imports it. */
export async function importDirectoryFile(db: Kysely<Database>, absPath: string, opts: ImportOptions = {}): Promise<ImportReport> {
	if (!existsSync(absPath) || !statSync(absPath).isFile()) {
		const report = await importDirectoryCsv(db, '', { fileName: basename(absPath), ...opts });
		report.errors = [{ row: 0, column: null, message: `Filen ${absPath} findes ikke.` }];
		return report;
	}
	return importDirectoryBytes(db, readFileSync(absPath), { fileName: basename(absPath), ...opts });
}

/** File bytes as text: UTF-8 (BOM optional), else Windows-1252 from older Excel (with a note saying so). */
export function decodeCsvBytes(bytes: Uint8Array): { text: string; note: string | null } {
	try {
		return { text: new TextDecoder('utf-8', { fatal: true }).decode(bytes), note: null };
	} catch {
		return {
			text: new TextDecoder('windows-1252').decode(bytes),
			note: 'Filen var ikke gemt som UTF-8 og er læst som Windows-1252 (Excels ældre CSV-format). Tjek æ, ø og å i resultatet.',
		};
	}
}

/** The one entry point for an uploaded or read file (CLI and web import): decode, then importDirectoryCsv. */
export async function importDirectoryBytes(db: Kysely<Database>, bytes: Uint8Array, opts: ImportOptions = {}): Promise<ImportReport> {
	const { text, note } = decodeCsvBytes(bytes);
	const report = await importDirectoryCsv(db, text, opts);
	if (note) report.notes.push(note);
	return report;
}

// ---------- the report ----------

const plural = (n: number, one: string, many: string) => `${n} ${n === 1 ? one : many}`;

/** The Danish text the CLI prints. */
export function formatImportReport(report: ImportReport): string {
	const lines: string[] = [];
	const file = report.fileName ? ` af ${report.fileName}` : '';
	for (const note of report.notes) lines.push(`Bemærk: ${note}`);

	if (!report.ok) {
		const rowsWithErrors = new Set(report.errors.map((e) => e.row)).size;
		lines.push(`Importen${file} er afvist: ${plural(report.errors.length, 'fejl', 'fejl')} i ${plural(rowsWithErrors, 'række', 'rækker')}. Intet er skrevet til databasen.`);
		lines.push('Rækkenummeret er linjenummeret i filen; overskriften er række 1. Ret fejlene og kør importen igen.');
		lines.push('');
		for (const e of report.errors) {
			const where = e.row > 0 ? `Række ${e.row}` : 'Filen';
			const column = e.column ? `, kolonne ${e.column}${columnLabel(e.column) !== e.column ? ` (${columnLabel(e.column)})` : ''}` : '';
			lines.push(`${where}${column}: ${e.message}`);
		}
		return lines.join('\n');
	}

	const { created, changed, unchanged } = report.counts;
	lines.push(
		report.dryRun
			? `Prøvekørsel${file} (--dry-run): intet er skrevet. Sådan ville importen gå for ${plural(report.rowsRead, 'række', 'rækker')}:`
			: `Importen${file} er gennemført: ${plural(report.rowsRead, 'række', 'rækker')} læst.`,
	);
	const verb = (done: string, would: string) => (report.dryRun ? would : done);
	lines.push(`  ${verb('Oprettet', 'Ville oprette')}: ${plural(created, 'person', 'personer')}`);
	lines.push(`  ${verb('Ændret', 'Ville ændre')}: ${plural(changed, 'person', 'personer')}`);
	lines.push(`  Uændret: ${plural(unchanged, 'person', 'personer')}`);
	if (report.organisationsCreated.length)
		lines.push(`  ${verb('Nye', 'Ville oprette')} organisationer: ${report.organisationsCreated.length} (${report.organisationsCreated.join('; ')})`);
	if (report.unitsCreated.length) lines.push(`  ${verb('Nye', 'Ville oprette')} enheder: ${report.unitsCreated.length}`);
	if (report.unitsChanged.length) lines.push(`  ${verb('Ændret', 'Ville ændre')} dækningsområde: ${report.unitsChanged.length} (${report.unitsChanged.join('; ')})`);

	if (report.dryRun && created) {
		lines.push('', 'Ville oprette:');
		for (const p of report.people.filter((x) => x.action === 'created')) lines.push(`  + ${p.id} ${p.name} (række ${p.row})`);
	}
	if (changed) {
		lines.push('', verb('Ændret:', 'Ville ændre:'));
		for (const p of report.people.filter((x) => x.action === 'updated')) {
			lines.push(`  ~ ${p.id} ${p.name} (række ${p.row})`);
			for (const [field, [before, after]] of Object.entries(p.changes)) lines.push(`      ${field}: ${before} → ${after}`);
		}
	}
	return lines.join('\n');
}
