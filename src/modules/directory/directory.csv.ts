/**
 * The directory CSV format (docs: contracts.md "Directory CSV format"), shared by import and export:
 * the column list, delimiter detection, spreadsheet-formula neutralising and the pure, database-free
 * part of reading a file (structure and field formats). Reference checks against the database live in
 * directory.import.ts.
 *
 * Row numbers are line numbers in the file: the header is "række 1", the first person usually "række 2".
 */
import { parse } from 'csv-parse/sync';
import type { OrganisationType, PersonStatus } from '@db/schema';
import { isIsoDate } from '@/lib/dates';
import { normaliseEmail } from '@/lib/email';
import { normalisePhone } from '@/lib/phone';

export const DIRECTORY_COLUMNS = [
	'id',
	'first_name',
	'last_name',
	'title',
	'organisation',
	'organisation_type',
	'municipality_code',
	'unit',
	'key_person',
	'roles',
	'topics',
	'age_groups',
	'phone',
	'mobile',
	'email',
	'hours',
	'note',
	'verified_at',
	'status',
	'successor_id',
] as const;

/**
 * Extensions of the contract format (README "Directory CSV format: extensions"): optional, so files without
 * them import as before; our export writes them after the contract columns so export → import round-trips.
 * `service_area`: the municipality codes (`|`-separated) the person's unit serves; empty = leave unchanged.
 */
export const OPTIONAL_COLUMNS = ['service_area'] as const;
export type OptionalColumn = (typeof OPTIONAL_COLUMNS)[number];
/** What `npm run db:export` (and the web export) writes: the contract columns, then the extensions. */
export const EXPORT_COLUMNS = [...DIRECTORY_COLUMNS, ...OPTIONAL_COLUMNS] as const;

export type DirectoryColumn = (typeof DIRECTORY_COLUMNS)[number];
/** A column a problem can be reported in. */
export type CsvColumn = DirectoryColumn | OptionalColumn;

export const ORGANISATION_TYPES: readonly OrganisationType[] = ['kommune', 'region', 'frivillig', 'andet'];

const REQUIRED: readonly DirectoryColumn[] = ['id', 'first_name', 'last_name', 'organisation', 'organisation_type', 'unit'];

/** Danish column descriptions for error messages, so a non-technical editor knows which cell is meant. */
const COLUMN_LABEL: Record<CsvColumn, string> = {
	id: 'id',
	first_name: 'fornavn',
	last_name: 'efternavn',
	title: 'titel',
	organisation: 'organisation',
	organisation_type: 'organisationstype',
	municipality_code: 'kommunekode',
	unit: 'enhed',
	key_person: 'nøgleperson',
	roles: 'roller',
	topics: 'emner',
	age_groups: 'aldersgrupper',
	phone: 'telefon',
	mobile: 'mobil',
	email: 'e-mail',
	hours: 'træffetid',
	note: 'note',
	verified_at: 'bekræftet dato',
	status: 'status',
	successor_id: 'efterfølger',
	service_area: 'dækningsområde',
};

export function columnLabel(column: string): string {
	return COLUMN_LABEL[column as CsvColumn] ?? column;
}

/** One person as the file describes them, cleaned and format-checked (references not yet resolved). */
export interface DirectoryRecord {
	id: string;
	firstName: string;
	lastName: string;
	title: string;
	organisation: string;
	organisationType: OrganisationType;
	/** 3-digit code, or null when the cell is empty. */
	municipalityCode: string | null;
	unit: string;
	keyPerson: boolean;
	/** Raw tag values as written (trimmed, empty items dropped); resolved to slugs against the reference tables. */
	roles: string[];
	topics: string[];
	ageGroups: string[];
	/** E.164 or null. */
	phone: string | null;
	mobile: string | null;
	/** Lower-case or null. */
	email: string | null;
	hours: string;
	note: string;
	/** YYYY-MM-DD or null. */
	verifiedAt: string | null;
	status: PersonStatus;
	successorId: string | null;
	/** Municipality codes the unit serves (`service_area`); null when the column is absent or the cell empty (= unchanged). */
	serviceArea: string[] | null;
}

export interface CsvIssue {
	/** Line number in the file (header = 1); 0 for problems with the file as a whole. */
	row: number;
	/** The column the problem is in, or null for whole-row/file problems. */
	column: CsvColumn | null;
	message: string;
}

export interface ParsedRow {
	/** Line number in the file where the row starts (header = 1). */
	row: number;
	raw: Record<CsvColumn, string>;
	/** The cleaned row; fields with errors hold a neutral value (null, false, 'active'). */
	record: DirectoryRecord;
	/** This row's problems (also listed in ParsedCsv.errors); empty when the row is fine. */
	errors: CsvIssue[];
}

export interface ParsedCsv {
	delimiter: ';' | ',';
	rows: ParsedRow[];
	errors: CsvIssue[];
}

// ---------- formula neutralising (OWASP "CSV injection") ----------

const FORMULA_START = /^[=+\-@\t\r]/;

/** Prefixes `'` to a cell a spreadsheet would run as a formula. */
export function neutraliseCell(value: string): string {
	return FORMULA_START.test(value) ? `'${value}` : value;
}

/** Undoes neutraliseCell so our own exports import unchanged (`'+4512345678` → `+4512345678`). */
export function unneutraliseCell(value: string): string {
	return /^'[=+\-@\t\r]/.test(value) ? value.slice(1) : value;
}

// ---------- reading ----------

/** `;` or `,`: whichever occurs more often in the header line (outside quotes). */
export function detectDelimiter(headerLine: string): ';' | ',' {
	let semicolons = 0;
	let commas = 0;
	let quoted = false;
	for (const ch of headerLine) {
		if (ch === '"') quoted = !quoted;
		else if (!quoted && ch === ';') semicolons++;
		else if (!quoted && ch === ',') commas++;
	}
	return commas > semicolons ? ',' : ';';
}

const collapse = (s: string) => s.replace(/\s+/g, ' ').trim();

/** Splits a `|`-list, dropping blanks (`a||b|` → [a, b]). */
export function splitList(value: string): string[] {
	return value
		.split('|')
		.map((v) => collapse(v))
		.filter(Boolean);
}

function parseBoolean(value: string): boolean | undefined {
	const v = value.trim().toLowerCase();
	if (v === '' || v === 'nej' || v === 'n') return false;
	if (v === 'ja' || v === 'j') return true;
	return undefined;
}

/**
 * Parses the text of a directory CSV file: header, rows, and every field's format. Pure: no database.
 * Returns all problems found, not just the first.
 */
export function parseDirectoryCsv(text: string): ParsedCsv {
	const steps = parseSteps(text);
	for (;;) {
		const step = steps.next();
		if (step.done) return step.value;
	}
}

/**
 * parseDirectoryCsv for a server: the same steps, calling `pace` between slices of work (a 1,400-row file
 * takes ~0.5 s to read and check, which must not stall every other request).
 */
export async function parseDirectoryCsvPaced(text: string, pace: () => Promise<void>): Promise<ParsedCsv> {
	const steps = parseSteps(text);
	for (;;) {
		const step = steps.next();
		if (step.done) return step.value;
		await pace();
	}
}

/** Lines per csv-parse call: small enough to yield often, large enough to cost nothing. */
const LINES_PER_SLICE = 200;

/**
 * Cuts CSV text at record boundaries every `lines` lines: a line break ends a record only outside quotes,
 * i.e. after an even number of `"` (an escaped `""` counts two). `offset` is the number of lines before the slice.
 */
function* slices(text: string, lines: number): Generator<{ text: string; offset: number }> {
	let start = 0;
	let startLine = 0;
	let line = 0;
	let quotes = 0;
	let inSlice = 0;
	for (let i = 0; i < text.length; i++) {
		const ch = text.charCodeAt(i);
		if (ch === 34) quotes++;
		else if (ch === 10) {
			line++;
			if (quotes % 2 === 0 && ++inSlice >= lines) {
				yield { text: text.slice(start, i + 1), offset: startLine };
				start = i + 1;
				startLine = line;
				inSlice = 0;
			}
		}
	}
	if (start < text.length) yield { text: text.slice(start), offset: startLine };
}

function* parseSteps(text: string): Generator<void, ParsedCsv> {
	// One line-ending convention before parsing keeps csv-parse's line counting exact for CRLF files.
	const normalised = text.replace(/^\uFEFF/, '').replace(/\r\n?/g, '\n');
	const firstLine = normalised.split('\n', 1)[0] ?? '';
	const delimiter = detectDelimiter(firstLine);
	const errors: CsvIssue[] = [];

	const records: Array<{ record: string[]; info: { lines: number } }> = [];
	// A file with unbalanced quotes is read whole, so csv-parse reports the problem where it really starts.
	const balanced = (normalised.match(/"/g)?.length ?? 0) % 2 === 0;
	let offset = 0;
	try {
		for (const slice of balanced ? slices(normalised, LINES_PER_SLICE) : [{ text: normalised, offset: 0 }]) {
			offset = slice.offset;
			const part = parse(slice.text, { delimiter, info: true, relax_column_count: true, skip_empty_lines: true }) as unknown as typeof records;
			for (const r of part) records.push({ record: r.record, info: { lines: r.info.lines + slice.offset } });
			yield;
		}
	} catch (error) {
		const e = error as { code?: string; lines?: number; message?: string };
		const line = typeof e.lines === 'number' ? e.lines + offset : 0;
		const message =
			e.code === 'CSV_QUOTE_NOT_CLOSED'
				? 'Et anførselstegn (") åbner et felt, der aldrig lukkes. Tjek rækken og rækkerne før den.'
				: e.code === 'CSV_INVALID_CLOSING_QUOTE'
					? 'Et anførselstegn (") står midt i et felt. Sæt hele feltet i anførselstegn og skriv anførselstegn inde i feltet dobbelt ("").'
					: `Filen kan ikke læses som CSV (${e.message ?? String(error)}).`;
		return { delimiter, rows: [], errors: [{ row: line, column: null, message }] };
	}

	// Whitespace-only lines and rows of bare delimiters (spreadsheets leave them at the end) carry nothing.
	const meaningful = records.filter((r) => r.record.some((cell) => cell.trim() !== ''));
	const headerEntry = meaningful.shift();
	if (!headerEntry) return { delimiter, rows: [], errors: [{ row: 1, column: null, message: 'Filen er tom: der er hverken overskrift eller rækker.' }] };

	const header = headerEntry.record.map((h) => h.replace(/^\uFEFF/, '').trim().toLowerCase());
	const headerRow = startLine(headerEntry);
	const known = new Set<string>(EXPORT_COLUMNS);
	const unknown = header.filter((h) => !known.has(h));
	const missing = DIRECTORY_COLUMNS.filter((c) => !header.includes(c));
	const repeated = header.filter((h, i) => h && header.indexOf(h) !== i);
	if (unknown.length)
		errors.push({ row: headerRow, column: null, message: `Ukendte kolonner i overskriften: ${unknown.map((h) => `"${h}"`).join(', ')}. Tilladte kolonner: ${EXPORT_COLUMNS.join(', ')}.` });
	if (missing.length) errors.push({ row: headerRow, column: null, message: `Overskriften mangler kolonnerne: ${missing.join(', ')}.` });
	if (header.length === 1)
		errors.push({ row: headerRow, column: null, message: 'Overskriften blev læst som én kolonne: filen skal bruge semikolon (;) eller komma (,) som skilletegn.' });
	if (repeated.length) errors.push({ row: headerRow, column: null, message: `Kolonnerne ${[...new Set(repeated)].join(', ')} står mere end én gang i overskriften.` });
	if (errors.length) return { delimiter, rows: [], errors };

	const rows: ParsedRow[] = [];
	const firstRowOfId = new Map<string, number>();
	for (const [i, entry] of meaningful.entries()) {
		if (i % 100 === 99) yield;
		const row = startLine(entry);
		if (entry.record.length !== header.length) {
			errors.push({
				row,
				column: null,
				message: `Rækken har ${entry.record.length} felter, men overskriften har ${header.length}. Tjek skilletegn (${delimiter}) og anførselstegn i rækken.`,
			});
			continue;
		}
		// What follows our own `'` prefix is the stored value verbatim (a leading tab included), so it is not trimmed again.
		const raw = { service_area: '', ...Object.fromEntries(header.map((h, i) => [h, unneutraliseCell(entry.record[i].trim())])) } as Record<CsvColumn, string>;
		const rowErrors: CsvIssue[] = [];
		const record = validateFields(raw, row, rowErrors);
		if (raw.id) {
			const first = firstRowOfId.get(raw.id);
			if (first !== undefined) rowErrors.push({ row, column: 'id', message: `id "${raw.id}" står allerede i række ${first}; hvert id må kun forekomme én gang.` });
			else firstRowOfId.set(raw.id, row);
		}
		errors.push(...rowErrors);
		rows.push({ row, raw, record, errors: rowErrors });
	}
	return { delimiter, rows, errors };
}

/** csv-parse reports the line a record ends on; a quoted field may span lines. */
function startLine(entry: { record: string[]; info: { lines: number } }): number {
	const inner = entry.record.reduce((n, cell) => n + (cell.match(/\n/g)?.length ?? 0), 0);
	return entry.info.lines - inner;
}

/**
 * `YYYY-MM-DD`, also when a spreadsheet has rewritten it the Danish way (`15-01-2026`, `15.01.2026`)
 * or added a time (`2026-01-15T08:00:00Z`); null unless it is a real calendar date.
 */
export function toIsoDate(value: string): string | null {
	const v = value.trim();
	const danish = /^(\d{1,2})[.\-/](\d{1,2})[.\-/](\d{4})$/.exec(v);
	const iso = danish ? `${danish[3]}-${danish[2].padStart(2, '0')}-${danish[1].padStart(2, '0')}` : /^(\d{4}-\d{2}-\d{2})(?:[T ]\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:Z|[+-]\d{2}:?\d{2})?)?$/.exec(v)?.[1];
	return iso && isIsoDate(iso) ? iso : null;
}

function validateFields(raw: Record<CsvColumn, string>, row: number, errors: CsvIssue[]): DirectoryRecord {
	const err = (column: CsvColumn, message: string) => errors.push({ row, column, message });

	for (const column of REQUIRED) if (!raw[column]) err(column, `Feltet ${column} (${columnLabel(column)}) skal udfyldes.`);

	const type = raw.organisation_type.toLowerCase() as OrganisationType;
	if (raw.organisation_type && !ORGANISATION_TYPES.includes(type))
		err('organisation_type', `Ukendt organisationstype "${raw.organisation_type}". Brug en af: ${ORGANISATION_TYPES.join(', ')}.`);

	// Official codes are three digits; a leading zero from systems that pad to four is tolerated.
	let municipalityCode: string | null = raw.municipality_code.replace(/^0(?=\d{3}$)/, '') || null;
	if (municipalityCode && !/^\d{3}$/.test(municipalityCode)) {
		err('municipality_code', `Kommunekoden "${raw.municipality_code}" findes ikke; den skal være kommunens officielle 3-cifrede kode (fx 219 for Hillerød).`);
		municipalityCode = null;
	} else if (!municipalityCode && type === 'kommune')
		err('municipality_code', 'Kommunekoden skal udfyldes for personer i en kommune (organisationstype kommune).');

	const keyPerson = parseBoolean(raw.key_person);
	if (keyPerson === undefined) err('key_person', `Nøgleperson skal være "ja" eller "nej", ikke "${raw.key_person}".`);

	const phoneField = (column: 'phone' | 'mobile'): string | null => {
		if (!raw[column]) return null;
		const result = normalisePhone(raw[column]);
		if (!result.ok) {
			err(column, result.error);
			return null;
		}
		return result.e164;
	};
	const phone = phoneField('phone');
	const mobile = phoneField('mobile');

	let email: string | null = null;
	if (raw.email) {
		const result = normaliseEmail(raw.email);
		if (result.ok) email = result.email;
		else err('email', result.error);
	}

	const verifiedAt = raw.verified_at ? toIsoDate(raw.verified_at) : null;
	if (raw.verified_at && !verifiedAt) err('verified_at', `"${raw.verified_at}" er ikke en gyldig dato; skriv den som ÅÅÅÅ-MM-DD, fx 2026-03-12.`);

	const statusRaw = raw.status.toLowerCase();
	const status: PersonStatus = statusRaw === 'left' ? 'left' : 'active';
	if (statusRaw !== '' && statusRaw !== 'active' && statusRaw !== 'left') err('status', `Status skal være "active" eller "left", ikke "${raw.status}".`);

	const successorId = raw.successor_id || null;
	if (successorId && successorId === raw.id) err('successor_id', 'En person kan ikke være sin egen efterfølger.');
	if (successorId && status !== 'left') err('successor_id', `Efterfølger (${successorId}) må kun udfyldes, når status er "left".`);

	let serviceArea: string[] | null = null;
	if (raw.service_area) {
		serviceArea = [...new Set(splitList(raw.service_area).map((c) => c.replace(/^0(?=\d{3}$)/, '')))].sort();
		const bad = serviceArea.filter((c) => !/^\d{3}$/.test(c));
		if (bad.length) err('service_area', `Dækningsområdet skal være officielle 3-cifrede kommunekoder adskilt af |, fx 219|270; "${bad.join('", "')}" er ikke.`);
	}

	return {
		serviceArea,
		id: raw.id,
		firstName: collapse(raw.first_name),
		lastName: collapse(raw.last_name),
		title: collapse(raw.title),
		organisation: collapse(raw.organisation),
		organisationType: type,
		municipalityCode,
		unit: collapse(raw.unit),
		keyPerson: keyPerson ?? false,
		roles: splitList(raw.roles),
		topics: splitList(raw.topics),
		ageGroups: splitList(raw.age_groups),
		phone,
		mobile,
		email,
		hours: raw.hours,
		note: raw.note,
		verifiedAt,
		status,
		successorId,
	};
}
