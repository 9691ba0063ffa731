/**
 * `npm run db:export -- FILE.csv`: the whole directory (people who have left included) in the import
 * format (contract columns, then the optional `service_area` extension) — `;`, UTF-8 with BOM (so Excel reads æøå), CRLF, ordered by id — so export → import changes nothing.
 * Cells a spreadsheet would run as a formula are neutralised with a leading `'`; the importer strips it again.
 */
import { writeFileSync } from 'node:fs';
import { stringify } from 'csv-stringify/sync';
import type { Kysely } from 'kysely';
import type { Database } from '@db/schema';
import { EXPORT_COLUMNS, neutraliseCell, type CsvColumn } from './directory.csv';

/** Tag slugs per person, in the reference table's display order. */
async function tagsByPerson(db: Kysely<Database>) {
	const [topics, roles, ageGroups] = await Promise.all([
		db.selectFrom('person_topic').innerJoin('topic', 'topic.slug', 'person_topic.topic_slug').select(['person_id', 'topic_slug as slug']).orderBy('topic.sort').orderBy('topic.slug').execute(),
		db.selectFrom('person_role').innerJoin('role', 'role.slug', 'person_role.role_slug').select(['person_id', 'role_slug as slug']).orderBy('role.sort').orderBy('role.slug').execute(),
		db
			.selectFrom('person_age_group')
			.innerJoin('age_group', 'age_group.slug', 'person_age_group.age_group_slug')
			.select(['person_id', 'age_group_slug as slug'])
			.orderBy('age_group.sort')
			.orderBy('age_group.min_age')
			.execute(),
	]);
	const group = (rows: Array<{ person_id: number; slug: string }>) => {
		const map = new Map<number, string[]>();
		for (const r of rows) map.set(r.person_id, [...(map.get(r.person_id) ?? []), r.slug]);
		return map;
	};
	return { topics: group(topics), roles: group(roles), ageGroups: group(ageGroups) };
}

/** The directory as CSV text (BOM included). */
export async function exportDirectoryCsv(db: Kysely<Database>): Promise<string> {
	return (await buildExport(db)).csv;
}

/** The directory as CSV text and how many people it holds (the web export logs the count). */
export async function buildExport(db: Kysely<Database>): Promise<{ csv: string; count: number }> {
	const people = await db
		.selectFrom('person')
		.innerJoin('unit', 'unit.id', 'person.unit_id')
		.innerJoin('organisation', 'organisation.id', 'unit.organisation_id')
		.leftJoin('person as successor', 'successor.id', 'person.successor_id')
		.select([
			'person.id as pk',
			'unit.id as unit_id',
			'person.ref',
			'person.first_name',
			'person.last_name',
			'person.title',
			'organisation.name as organisation',
			'organisation.type as organisation_type',
			'organisation.municipality_code as organisation_municipality_code',
			'person.municipality_code',
			'unit.name as unit',
			'person.key_person',
			'person.phone',
			'person.mobile',
			'person.email',
			'person.hours',
			'person.note',
			'person.verified_at',
			'person.status',
			'successor.ref as successor_ref',
		])
		.orderBy('person.ref')
		.execute();
	const tags = await tagsByPerson(db);
	const served = new Map<number, string[]>();
	for (const r of await db.selectFrom('unit_municipality').select(['unit_id', 'municipality_code']).orderBy('municipality_code').execute())
		served.set(r.unit_id, [...(served.get(r.unit_id) ?? []), r.municipality_code]);

	const records = people.map((p) => {
		const row: Record<CsvColumn, string> = {
			id: p.ref,
			first_name: p.first_name,
			last_name: p.last_name,
			title: p.title,
			organisation: p.organisation,
			organisation_type: p.organisation_type,
			municipality_code: p.municipality_code ?? (p.organisation_type === 'kommune' ? (p.organisation_municipality_code ?? '') : ''),
			unit: p.unit,
			key_person: p.key_person ? 'ja' : 'nej',
			roles: (tags.roles.get(p.pk) ?? []).join('|'),
			topics: (tags.topics.get(p.pk) ?? []).join('|'),
			age_groups: (tags.ageGroups.get(p.pk) ?? []).join('|'),
			phone: p.phone ?? '',
			mobile: p.mobile ?? '',
			email: p.email ?? '',
			hours: p.hours,
			note: p.note,
			verified_at: p.verified_at ?? '',
			status: p.status,
			successor_id: p.successor_ref ?? '',
			service_area: (served.get(p.unit_id) ?? []).join('|'),
		};
		return EXPORT_COLUMNS.map((column) => neutraliseCell(row[column] ?? ''));
	});

	const csv = stringify(records, { header: true, columns: [...EXPORT_COLUMNS], delimiter: ';', bom: true, record_delimiter: '\r\n' });
	return { csv, count: records.length };
}

/** Writes the directory to a file; returns how many people were written. */
export async function exportDirectoryFile(db: Kysely<Database>, absPath: string): Promise<number> {
	const { csv, count } = await buildExport(db);
	writeFileSync(absPath, csv, 'utf8');
	return count;
}
