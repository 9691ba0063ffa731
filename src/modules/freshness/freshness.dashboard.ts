/**
 * The freshness dashboard (/admin/aktualitet): how much of the directory is confirmed within its interval,
 * per organisation and unit, and the entries that need someone now — each with the way to fix it.
 */
import { stringify } from 'csv-stringify/sync';
import type { Db } from '@db/client';
import { neutraliseCell } from '@/modules/directory/directory.csv';
import { DEFAULT_FRESHNESS_CONFIG, type FreshnessConfig } from './freshness.config';
import { listLoopPeople, type LoopPerson } from './freshness.repository';
import { dueOn, freshnessState, type FreshnessState } from './freshness.rules';

export interface ShareRow {
	id: number;
	name: string;
	total: number;
	/** Confirmed within their interval (not yet due). */
	confirmed: number;
	/** 0…100, rounded down; 100 for an empty group. */
	percent: number;
}

export interface DashboardPerson extends LoopPerson {
	state: FreshnessState;
	dueOn: string;
	reasons: string[];
}

export interface FreshnessDashboard {
	overall: ShareRow;
	organisations: (ShareRow & { units: ShareRow[] })[];
	/** Longest unconfirmed first (never-confirmed first of all). */
	oldest: DashboardPerson[];
	/** needs_attention, bounced address or overdue; bounced, then overdue, then the rest. */
	flagged: DashboardPerson[];
	/** Every person the filter let through, needing action first (for the CSV export). */
	people: DashboardPerson[];
	/** Organisations in scope (before the filter), for the filter's options. */
	organisationOptions: { id: number; name: string }[];
}

/** What the coordinator narrows the dashboard to (a GET form; every field optional). */
export interface DashboardFilter {
	/** Municipality code: the person's municipality or their organisation's. */
	municipality?: string;
	organisationId?: number;
	/** `handling` = needs action (flagged); else a freshness state. */
	state?: 'handling' | FreshnessState;
}

const STATES = ['handling', 'ok', 'due', 'overdue'] as const;

/** The filter from the page's query string; anything unknown is ignored. */
export function parseDashboardFilter(params: URLSearchParams): DashboardFilter {
	const filter: DashboardFilter = {};
	const municipality = params.get('kommune') ?? '';
	if (/^\d{3}$/.test(municipality)) filter.municipality = municipality;
	const organisation = Number(params.get('organisation'));
	if (Number.isInteger(organisation) && organisation > 0) filter.organisationId = organisation;
	const state = params.get('tilstand') ?? '';
	if ((STATES as readonly string[]).includes(state)) filter.state = state as DashboardFilter['state'];
	return filter;
}

/** The filter back as a query string (for the CSV link and drill-down links). */
export function dashboardQuery(filter: DashboardFilter, extra: Record<string, string> = {}): string {
	const params = new URLSearchParams();
	if (filter.municipality) params.set('kommune', filter.municipality);
	if (filter.organisationId) params.set('organisation', String(filter.organisationId));
	if (filter.state) params.set('tilstand', filter.state);
	for (const [k, v] of Object.entries(extra)) params.set(k, v);
	const q = params.toString();
	return q ? `?${q}` : '';
}

/** `all` for admins; editors pass the units and organisations they may edit. */
export type DashboardScope = { all: true } | { unitIds: number[]; organisationIds: number[] };

function share(id: number, name: string, people: DashboardPerson[]): ShareRow {
	const confirmed = people.filter((p) => p.state === 'ok').length;
	return { id, name, total: people.length, confirmed, percent: people.length ? Math.floor((confirmed * 100) / people.length) : 100 };
}

export async function loadFreshnessDashboard(db: Db, scope: DashboardScope, now: Date = new Date(), config: FreshnessConfig = DEFAULT_FRESHNESS_CONFIG, opts: { listSize?: number; filter?: DashboardFilter } = {}): Promise<FreshnessDashboard> {
	const loop = await listLoopPeople(db, 'all' in scope ? {} : { unitIds: scope.unitIds, organisationIds: scope.organisationIds });
	const bouncedRows = await db.selectFrom('mail_outbox').select('to_address').distinct().where('status', '=', 'bounced').execute();
	const bounced = new Set(bouncedRows.map((r) => r.to_address.toLowerCase()));

	const all: DashboardPerson[] = loop.map((p) => {
		const state = freshnessState(p, now, config);
		const reasons: string[] = [];
		if (p.email && bounced.has(p.email.toLowerCase())) reasons.push('E-mail afvist');
		if (state === 'overdue') reasons.push('Ikke bekræftet i over 3 måneder efter fristen');
		if (p.needsAttention) reasons.push(p.needsAttention);
		return { ...p, state, dueOn: dueOn(p, config), reasons: [...new Set(reasons)] };
	});
	const organisationOptions = [...new Map(all.map((p) => [p.organisationId, p.organisationName])).entries()]
		.map(([id, name]) => ({ id, name }))
		.sort((a, b) => a.name.localeCompare(b.name, 'da'));
	const only = opts.filter ?? {};
	const people = all.filter(
		(p) =>
			(!only.municipality || p.municipalityCode === only.municipality) &&
			(!only.organisationId || p.organisationId === only.organisationId) &&
			(!only.state || (only.state === 'handling' ? p.reasons.length > 0 : p.state === only.state)),
	);

	const byOrg = new Map<number, DashboardPerson[]>();
	for (const p of people) byOrg.set(p.organisationId, [...(byOrg.get(p.organisationId) ?? []), p]);
	const organisations = [...byOrg.entries()]
		.map(([orgId, members]) => {
			const byUnit = new Map<number, DashboardPerson[]>();
			for (const p of members) byUnit.set(p.unitId, [...(byUnit.get(p.unitId) ?? []), p]);
			const units = [...byUnit.entries()].map(([unitId, ps]) => share(unitId, ps[0].unitName, ps)).sort((a, b) => a.percent - b.percent || a.name.localeCompare(b.name, 'da'));
			return { ...share(orgId, members[0].organisationName, members), units };
		})
		.sort((a, b) => a.percent - b.percent || a.name.localeCompare(b.name, 'da'));

	const size = opts.listSize ?? 25;
	const oldest = [...people]
		.sort((a, b) => (a.verifiedAt ?? '').localeCompare(b.verifiedAt ?? '') || a.id - b.id)
		.slice(0, size);
	// What needs action first: bounced addresses (nobody can be reached), overdue, other flags, then the rest.
	const weight = (p: DashboardPerson) => (p.reasons.includes('E-mail afvist') ? 0 : p.state === 'overdue' ? 1 : p.reasons.length ? 2 : p.state === 'due' ? 3 : 4);
	const byUrgency = (a: DashboardPerson, b: DashboardPerson) => weight(a) - weight(b) || (a.verifiedAt ?? '').localeCompare(b.verifiedAt ?? '') || a.id - b.id;
	const flagged = people.filter((p) => p.reasons.length > 0).sort(byUrgency);

	return { overall: share(0, 'Alle', people), organisations, oldest, flagged, people: [...people].sort(byUrgency), organisationOptions };
}

const CSV_HEADER = ['Id', 'Navn', 'Stilling', 'Enhed', 'Organisation', 'Kommunekode', 'Tilstand', 'Senest bekræftet', 'Frist', 'Kræver handling', 'E-mail'];
export const STATE_LABEL: Record<FreshnessState, string> = { ok: 'Bekræftet', due: 'Afventer bekræftelse', overdue: 'Ikke bekræftet' };

/**
 * The filtered dashboard as CSV (needs action first): UTF-8 with BOM and `;` for Danish Excel, every cell
 * formula-neutralised like the directory export.
 */
export function freshnessCsv(people: DashboardPerson[]): string {
	const rows = people.map((p) =>
		[p.ref, `${p.firstName} ${p.lastName}`, p.title, p.unitName, p.organisationName, p.municipalityCode ?? '', STATE_LABEL[p.state], p.verifiedAt?.slice(0, 10) ?? '', p.dueOn, p.reasons.join('; '), p.email ?? ''].map((cell) =>
			neutraliseCell(cell),
		),
	);
	return '\uFEFF' + stringify([CSV_HEADER, ...rows], { delimiter: ';', record_delimiter: '\r\n', quoted_match: /[;"\r\n]/ });
}
