/**
 * The freshness dashboard (/admin/aktualitet): how much of the directory is confirmed within its interval,
 * per organisation and unit, and the entries that need someone now — each with the way to fix it.
 */
import type { Db } from '@db/client';
import { DEFAULT_FRESHNESS_CONFIG, type FreshnessConfig } from './freshness.config';
import { fdb, listLoopPeople, type LoopPerson } from './freshness.repository';
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
	/** needs_attention, bounced address or overdue; overdue/bounced first. */
	flagged: DashboardPerson[];
}

/** `all` for admins; editors pass the units and organisations they may edit. */
export type DashboardScope = { all: true } | { unitIds: number[]; organisationIds: number[] };

function share(id: number, name: string, people: DashboardPerson[]): ShareRow {
	const confirmed = people.filter((p) => p.state === 'ok').length;
	return { id, name, total: people.length, confirmed, percent: people.length ? Math.floor((confirmed * 100) / people.length) : 100 };
}

export async function loadFreshnessDashboard(db: Db, scope: DashboardScope, now: Date = new Date(), config: FreshnessConfig = DEFAULT_FRESHNESS_CONFIG, opts: { listSize?: number } = {}): Promise<FreshnessDashboard> {
	const f = fdb(db);
	const loop = await listLoopPeople(f, 'all' in scope ? {} : { unitIds: scope.unitIds, organisationIds: scope.organisationIds });
	const bouncedRows = await db.selectFrom('mail_outbox').select('to_address').distinct().where('status', '=', 'bounced').execute();
	const bounced = new Set(bouncedRows.map((r) => r.to_address.toLowerCase()));

	const people: DashboardPerson[] = loop.map((p) => {
		const state = freshnessState(p, now, config);
		const reasons: string[] = [];
		if (p.email && bounced.has(p.email.toLowerCase())) reasons.push('E-mail afvist');
		if (state === 'overdue') reasons.push('Ikke bekræftet i over 3 måneder efter fristen');
		if (p.needsAttention) reasons.push(p.needsAttention);
		return { ...p, state, dueOn: dueOn(p, config), reasons: [...new Set(reasons)] };
	});

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
	const weight = (p: DashboardPerson) => (p.reasons.includes('E-mail afvist') ? 0 : p.state === 'overdue' ? 1 : 2);
	const flagged = people
		.filter((p) => p.reasons.length > 0)
		.sort((a, b) => weight(a) - weight(b) || (a.verifiedAt ?? '').localeCompare(b.verifiedAt ?? ''));

	return { overall: share(0, 'Alle', people), organisations, oldest, flagged };
}
