import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'csv-parse/sync';
import { afterEach, describe, expect, it } from 'vitest';
import { systemActor } from '@/modules/audit/audit.repository';
import { exportDirectoryCsv, exportDirectoryFile } from '@/modules/directory/directory.export';
import { importDirectoryCsv, importDirectoryFile } from '@/modules/directory/directory.import';
import { DIRECTORY_COLUMNS, EXPORT_COLUMNS, neutraliseCell, unneutraliseCell } from '@/modules/directory/directory.csv';
import { ensureOrganisation, ensureUnit, savePerson } from '@/modules/directory/directory.writes';
import { createTestDb } from './helpers/test-db';

const fixture = (name: string) => join(import.meta.dirname, 'fixtures', name);

let cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
	for (const c of cleanups) await c();
	cleanups = [];
});
async function freshDb() {
	const t = await createTestDb();
	cleanups.push(t.cleanup);
	return t;
}

describe('directory export', () => {
	it('round-trips the full fixture: importing the export changes nothing', async () => {
		const { db, dir } = await freshDb();
		await importDirectoryFile(db, fixture('directory.csv'));
		const file = join(dir, 'export.csv');
		expect(await exportDirectoryFile(db, file)).toBe(1368);
		const auditBefore = await db.selectFrom('audit_log').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();

		const report = await importDirectoryFile(db, file);
		expect(report.ok).toBe(true);
		expect(report.counts).toEqual({ created: 0, changed: 0, unchanged: 1368 });
		expect(report.organisationsCreated).toEqual([]);
		expect(report.unitsCreated).toEqual([]);
		const auditAfter = await db.selectFrom('audit_log').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
		expect(auditAfter.n).toBe(auditBefore.n);

		// …and a second database loaded from the export exports the same bytes.
		const other = await freshDb();
		expect((await importDirectoryFile(other.db, file)).counts.created).toBe(1368);
		expect(await exportDirectoryCsv(other.db)).toBe(readFileSync(file, 'utf8'));
	});

	it('writes the contract format: BOM, semicolons, CRLF, header, every person ordered by id', async () => {
		const { db } = await freshDb();
		await importDirectoryFile(db, fixture('directory.csv'));
		const text = await exportDirectoryCsv(db);
		expect(text.startsWith('\uFEFFid;first_name;last_name;')).toBe(true);
		expect(text.split('\r\n')[0]).toBe('\uFEFF' + EXPORT_COLUMNS.join(';'));
		const rows: string[][] = parse(text, { bom: true, delimiter: ';' });
		expect(rows).toHaveLength(1369);
		const ids = rows.slice(1).map((r) => r[0]);
		expect(ids).toEqual([...ids].sort());
		const byId = new Map(rows.slice(1).map((r) => [r[0], Object.fromEntries(DIRECTORY_COLUMNS.map((c, i) => [c, r[i]]))]));
		expect(byId.get('P000012')).toMatchObject({ status: 'left', successor_id: 'P000006', municipality_code: '201', organisation_type: 'kommune' });
		expect(byId.get('P000002')).toMatchObject({ mobile: "'+4575644639", email: 'charlotte.hansen2@alleroed.kommune.example', key_person: 'nej' });
		expect(rows.slice(1).filter((r) => r[DIRECTORY_COLUMNS.indexOf('status')] === 'left')).toHaveLength(52);
	});

	it('neutralises cells a spreadsheet would run, and imports them back unchanged', async () => {
		const { db } = await freshDb();
		const actor = systemActor('test');
		const org = await ensureOrganisation(db, actor, { name: 'Testforeningen', type: 'frivillig', municipalityCode: null });
		const unit = await ensureUnit(db, actor, org.id, '-Rådgivning');
		await savePerson(db, actor, {
			ref: 'F1',
			firstName: '=cmd|/C calc',
			lastName: '@SUM(A1)',
			title: '+Leder',
			unitId: unit.id,
			municipalityCode: null,
			phone: '+4544342814',
			mobile: null,
			email: null,
			hours: '\tMan',
			note: '=HYPERLINK("http://x.example")',
			keyPerson: false,
			status: 'active',
			successorId: null,
			verifiedAt: null,
			topics: [],
			roles: [],
			ageGroups: [],
		});
		const text = await exportDirectoryCsv(db);
		const [, row] = parse(text, { bom: true, delimiter: ';' }) as string[][];
		const cell = (c: (typeof DIRECTORY_COLUMNS)[number]) => row[DIRECTORY_COLUMNS.indexOf(c)];
		expect(cell('first_name')).toBe("'=cmd|/C calc");
		expect(cell('last_name')).toBe("'@SUM(A1)");
		expect(cell('title')).toBe("'+Leder");
		expect(cell('unit')).toBe("'-Rådgivning");
		expect(cell('phone')).toBe("'+4544342814");
		expect(cell('hours')).toBe("'\tMan");
		expect(cell('note')).toBe('\'=HYPERLINK("http://x.example")');

		const report = await importDirectoryCsv(db, text);
		expect(report.errors).toEqual([]);
		expect(report.counts).toEqual({ created: 0, changed: 0, unchanged: 1 });
	});

	it('neutralises only formula starts and undoes only its own prefix', () => {
		expect(neutraliseCell('=1+1')).toBe("'=1+1");
		expect(neutraliseCell('Anna')).toBe('Anna');
		expect(neutraliseCell("'quoted")).toBe("'quoted");
		expect(unneutraliseCell("'=1+1")).toBe('=1+1');
		expect(unneutraliseCell("'quoted")).toBe("'quoted");
	});

	it('exports a vacancy and a left person with their successor, and re-imports them unchanged', async () => {
		const { db } = await freshDb();
		const source = [
			DIRECTORY_COLUMNS.join(','),
			'V1,Ida,Vakant,,Region Test,region,,Team,nej,,,,,,,,,2026-01-02,left,',
			'V2,Ole,Gået,,Region Test,region,,Team,ja,akut,angst,13-17,,,ole@region.example,,,2026-01-02,left,V3',
			'V3,Eva,Ny,,Region Test,region,,Team,ja,akut,angst,13-17,,,eva@region.example,,,2026-01-02,active,',
		].join('\n');
		expect((await importDirectoryCsv(db, source)).counts.created).toBe(3);
		const text = await exportDirectoryCsv(db);
		// The contract columns come first and unchanged; the optional service_area extension follows (empty here).
		expect(text).toContain('V1;Ida;Vakant;;Region Test;region;;Team;nej;;;;;;;;;2026-01-02;left;;\r\n');
		expect(text).toContain(';left;V3;\r\n');
		expect((await importDirectoryCsv(db, text)).counts).toEqual({ created: 0, changed: 0, unchanged: 3 });
	});

	it('round-trips the optional service_area column and still imports files without it', async () => {
		const { db } = await freshDb();
		const head = DIRECTORY_COLUMNS.join(',');
		const row = (id: string) => `${id},Ida,Test,,Region Test,region,,Team,nej,akut,angst,13-17,,,${id.toLowerCase()}@region.example,,,2026-01-02,active,`;
		expect((await importDirectoryCsv(db, [head, row('S1')].join('\n'))).ok).toBe(true);
		const withArea = await importDirectoryCsv(db, [`${head},service_area`, `${row('S1')},270|219`, `${row('S2')},219|270`].join('\n'));
		expect(withArea.ok).toBe(true);
		expect(withArea.unitsChanged).toEqual(['Region Test / Team']);
		const text = await exportDirectoryCsv(db);
		expect(text).toContain('active;;219|270\r\n');
		const again = await importDirectoryCsv(db, text);
		expect(again.counts).toEqual({ created: 0, changed: 0, unchanged: 2 });
		expect(again.unitsChanged).toEqual([]);
		const clash = await importDirectoryCsv(db, [`${head},service_area`, `${row('S1')},219`, `${row('S2')},270|999`].join('\n'));
		expect(clash.ok).toBe(false);
		expect(clash.errors.map((e) => [e.row, e.column])).toEqual([[3, 'service_area'], [3, 'service_area']]);
		expect(clash.errors[0].message).toMatch(/999/);
	});
});
