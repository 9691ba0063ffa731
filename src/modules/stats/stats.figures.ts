/**
 * The usage figures of `/admin/tal`: aggregates only, one query (or one query pair) per table, never a query
 * per row. Every table also leaves as CSV (`/admin/tal/<table>.csv`), with the same columns as on the page.
 */
import { stringify } from 'csv-stringify/sync';
import { sql } from 'kysely';
import { neutraliseCell } from '@/modules/directory/directory.csv';
import type { Db } from '@db/client';
import { listLoopPeople } from '@/modules/freshness/freshness.repository';
import { freshnessState } from '@/modules/freshness/freshness.rules';
import { weekOf } from './stats.repository';

/** One figure table: Danish column headings, rows of cells (numbers stay numbers for the CSV and the chart). */
export interface FigureTable {
	id: TableId;
	title: string;
	/** What the numbers mean, in one Danish sentence (shown under the heading and in the table's caption). */
	description: string;
	columns: string[];
	rows: Array<Array<string | number>>;
	/** The column the chart draws (bar length) and the column that labels each bar. */
	chart?: { label: number; value: number; unit: string; max?: number };
}

export const TABLE_IDS = ['soegninger-uge', 'soegninger-situation', 'soegninger-kommune', 'aktualitet', 'temadage', 'supervision'] as const;
export type TableId = (typeof TABLE_IDS)[number];

export interface FigurePeriod {
	/** First day (inclusive), `YYYY-MM-DD`. */
	from: string;
	/** Last day (inclusive), `YYYY-MM-DD`. */
	to: string;
}

const DAY = 86_400_000;

/** The default period: the last 26 weeks up to today (Copenhagen). */
export function defaultPeriod(now: Date = new Date()): FigurePeriod {
	return { from: weekOf(new Date(now.getTime() - 26 * 7 * DAY)), to: new Date(now.getTime()).toISOString().slice(0, 10) };
}

/** The period from `?fra=&til=`; bad or missing dates fall back to the default (the page says which period it shows). */
export function parsePeriod(params: URLSearchParams, now: Date = new Date()): FigurePeriod {
	const fallback = defaultPeriod(now);
	const ok = (v: string | null) => !!v && /^\d{4}-\d{2}-\d{2}$/.test(v) && !Number.isNaN(Date.parse(v));
	const from = ok(params.get('fra')) ? params.get('fra')! : fallback.from;
	const to = ok(params.get('til')) ? params.get('til')! : fallback.to;
	return from <= to ? { from, to } : { from: to, to: from };
}

const percent = (part: number, whole: number) => (whole === 0 ? 0 : Math.round((part / whole) * 1000) / 10);

async function labels(db: Db) {
	const [municipalities, roles] = await Promise.all([
		db.selectFrom('municipality').select(['code', 'name']).execute(),
		db.selectFrom('role').select(['slug', 'label']).execute(),
	]);
	return {
		municipality: new Map(municipalities.map((m) => [m.code, m.name])),
		role: new Map(roles.map((r) => [r.slug, r.label])),
	};
}

async function searchesPerWeek(db: Db, period: FigurePeriod): Promise<FigureTable> {
	const rows = await db
		.selectFrom('search_stat')
		.select((eb) => ['week', eb.fn.sum<number>('searches').as('searches'), eb.fn.sum<number>('zero_results').as('zero')])
		.where('week', '>=', weekOf(new Date(`${period.from}T12:00:00Z`)))
		.where('week', '<=', period.to)
		.groupBy('week')
		.orderBy('week')
		.execute();
	return {
		id: 'soegninger-uge',
		title: 'Søgninger pr. uge',
		description: 'Antal søgninger i hver uge (ugen begynder mandag), og hvor stor en del der ikke fandt noget.',
		columns: ['Uge (mandag)', 'Søgninger', 'Uden resultat', 'Andel uden resultat (%)'],
		rows: rows.map((r) => [r.week, Number(r.searches), Number(r.zero), percent(Number(r.zero), Number(r.searches))]),
		chart: { label: 0, value: 1, unit: 'søgninger' },
	};
}

async function searchesBy(db: Db, period: FigurePeriod, by: 'situation' | 'municipality_code', names: Map<string, string>): Promise<FigureTable> {
	const rows = await db
		.selectFrom('search_stat')
		.select((eb) => [eb.ref(by).as('key'), eb.fn.sum<number>('searches').as('searches'), eb.fn.sum<number>('zero_results').as('zero')])
		.where('week', '>=', weekOf(new Date(`${period.from}T12:00:00Z`)))
		.where('week', '<=', period.to)
		.groupBy(by)
		.orderBy('searches', 'desc')
		.execute();
	const none = by === 'situation' ? 'Ingen situation nævnt' : 'Ingen kommune nævnt';
	const isSituation = by === 'situation';
	return {
		id: isSituation ? 'soegninger-situation' : 'soegninger-kommune',
		title: isSituation ? 'Søgninger efter situation' : 'Søgninger efter kommune',
		description: isSituation
			? 'Hvilken situation (fx udskrivning, akut) søgningen nævnte, i hele perioden.'
			: 'Hvilken kommune søgningen nævnte eller filtrerede på, i hele perioden.',
		columns: [isSituation ? 'Situation' : 'Kommune', 'Søgninger', 'Uden resultat', 'Andel uden resultat (%)'],
		rows: rows.map((r) => {
			const key = String(r.key ?? '');
			return [key ? (names.get(key) ?? key) : none, Number(r.searches), Number(r.zero), percent(Number(r.zero), Number(r.searches))];
		}),
		chart: { label: 0, value: 1, unit: 'søgninger' },
	};
}

/**
 * Share of active entries confirmed within their interval (the one freshness rule), per municipality and
 * unit type. A "unit type" is the unit's name across organisations (PPR, Sundhedsplejen …): the steering
 * group compares like with like between municipalities.
 */
async function freshness(db: Db, names: Map<string, string>, now: Date): Promise<FigureTable> {
	const people = await listLoopPeople(db);
	const groups = new Map<string, { municipality: string; unitType: string; total: number; ok: number }>();
	for (const p of people) {
		const municipality = p.municipalityCode ? (names.get(p.municipalityCode) ?? p.municipalityCode) : `Uden kommune (${p.organisationName})`;
		const key = `${municipality}\u0000${p.unitName}`;
		const group = groups.get(key) ?? { municipality, unitType: p.unitName, total: 0, ok: 0 };
		group.total++;
		if (freshnessState(p, now) === 'ok') group.ok++;
		groups.set(key, group);
	}
	const rows = [...groups.values()].sort((a, b) => a.municipality.localeCompare(b.municipality, 'da') || a.unitType.localeCompare(b.unitType, 'da'));
	return {
		id: 'aktualitet',
		title: 'Bekræftet inden for intervallet',
		description: 'Andel aktive poster, der er bekræftet inden for deres interval, efter kommune og enhedstype (enhedens navn).',
		columns: ['Kommune', 'Enhedstype', 'Poster', 'Bekræftet i tide', 'Andel bekræftet (%)'],
		rows: rows.map((g) => [g.municipality, g.unitType, g.total, g.ok, percent(g.ok, g.total)]),
		chart: { label: 1, value: 4, unit: '%', max: 100 },
	};
}

/**
 * Registrations and attendance per theme day and the municipality the participant works in (their linked
 * directory entry's municipality, else their organisation's); guests without a linked entry count as "Ukendt".
 */
async function themeDays(db: Db, period: FigurePeriod, names: Map<string, string>): Promise<FigureTable> {
	const rows = await db
		.selectFrom('event_registration as r')
		.innerJoin('event as e', 'e.id', 'r.event_id')
		.leftJoin('user as u', 'u.id', 'r.user_id')
		.leftJoin('person as p', 'p.id', 'u.person_id')
		.leftJoin('unit as un', 'un.id', 'p.unit_id')
		.leftJoin('organisation as o', 'o.id', 'un.organisation_id')
		.select((eb) => [
			'e.id as event_id',
			'e.title',
			'e.starts_at',
			eb.fn.coalesce('p.municipality_code', 'o.municipality_code').as('municipality_code'),
			eb.fn.countAll<number>().as('registrations'),
			eb.fn.sum<number>(eb.case().when('r.status', '=', 'attended').then(1).else(0).end()).as('attended'),
			eb.fn.sum<number>(eb.case().when('r.status', '=', 'no_show').then(1).else(0).end()).as('no_show'),
		])
		.where('r.status', 'not in', ['pending', 'cancelled'])
		.where('e.starts_at', '>=', `${period.from}T00:00:00`)
		.where('e.starts_at', '<=', `${period.to}T23:59:59`)
		.groupBy(['e.id', 'e.title', 'e.starts_at', sql`coalesce(p.municipality_code, o.municipality_code)`])
		.orderBy('e.starts_at')
		.orderBy('e.id')
		.execute();
	return {
		id: 'temadage',
		title: 'Temadage: tilmeldte og fremmødte',
		description: 'Tilmeldinger (uden aflyste og ubekræftede) og fremmøde pr. temadag og deltagernes kommune.',
		columns: ['Temadag', 'Dato', 'Kommune', 'Tilmeldte', 'Mødt', 'Udeblevet'],
		rows: rows.map((r) => [
			r.title,
			String(r.starts_at).slice(0, 10),
			r.municipality_code ? (names.get(String(r.municipality_code)) ?? String(r.municipality_code)) : 'Ukendt',
			Number(r.registrations),
			Number(r.attended ?? 0),
			Number(r.no_show ?? 0),
		]),
	};
}

/** Supervision delivered: meetings held (attendance recorded, not cancelled), their hours and hours × people present. */
async function supervision(db: Db, period: FigurePeriod): Promise<FigureTable> {
	const rows = await db
		.selectFrom('supervision_meeting as m')
		.innerJoin('supervision_group as g', 'g.id', 'm.group_id')
		.select((eb) => [
			'g.title',
			eb.fn.countAll<number>().as('meetings'),
			eb.fn.sum<number>('m.duration_minutes').as('minutes'),
			eb.fn.sum<number>(eb('m.duration_minutes', '*', eb.fn.coalesce('m.present_count', eb.lit(0)))).as('person_minutes'),
		])
		.where('m.recorded_at', 'is not', null)
		.where('m.cancelled_at', 'is', null)
		.where('m.starts_at', '>=', `${period.from}T00:00:00`)
		.where('m.starts_at', '<=', `${period.to}T23:59:59`)
		.groupBy(['g.id', 'g.title'])
		.orderBy('g.title')
		.execute();
	const hours = (minutes: unknown) => Math.round((Number(minutes ?? 0) / 60) * 100) / 100;
	return {
		id: 'supervision',
		title: 'Supervision leveret',
		description: 'Afholdte møder (med registreret fremmøde) pr. gruppe, timer og deltagertimer (timer gange fremmødte).',
		columns: ['Gruppe', 'Møder', 'Timer', 'Deltagertimer'],
		rows: rows.map((r) => [r.title, Number(r.meetings), hours(r.minutes), hours(r.person_minutes)]),
		chart: { label: 0, value: 3, unit: 'deltagertimer' },
	};
}

type Names = Awaited<ReturnType<typeof labels>>;
const LOADERS: Record<TableId, (db: Db, period: FigurePeriod, names: Names, now: Date) => Promise<FigureTable>> = {
	'soegninger-uge': (db, period) => searchesPerWeek(db, period),
	'soegninger-situation': (db, period, names) => searchesBy(db, period, 'situation', names.role),
	'soegninger-kommune': (db, period, names) => searchesBy(db, period, 'municipality_code', names.municipality),
	aktualitet: (db, _period, names, now) => freshness(db, names.municipality, now),
	temadage: (db, period, names) => themeDays(db, period, names.municipality),
	supervision: (db, period) => supervision(db, period),
};

/** Every table of the page, each from its own single query. */
export async function loadFigures(db: Db, period: FigurePeriod, now: Date = new Date()): Promise<FigureTable[]> {
	const names = await labels(db);
	return Promise.all(TABLE_IDS.map((id) => LOADERS[id](db, period, names, now)));
}

/** One table by id (the CSV download), or undefined for an unknown id. */
export async function loadFigure(db: Db, id: string, period: FigurePeriod, now: Date = new Date()): Promise<FigureTable | undefined> {
	if (!(TABLE_IDS as readonly string[]).includes(id)) return undefined;
	return LOADERS[id as TableId](db, period, await labels(db), now);
}

/** The table as CSV (UTF-8 with BOM and `;`, as Danish Excel opens it; cells neutralised against formulas). */
export function figureCsv(table: FigureTable): string {
	return '\uFEFF' + stringify([table.columns, ...table.rows.map((r) => r.map((c) => (typeof c === 'number' ? String(c).replace('.', ',') : neutraliseCell(c))))], { delimiter: ';' });
}
