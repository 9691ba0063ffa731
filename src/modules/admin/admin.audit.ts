/**
 * The audit log viewer (/admin/log): every audited change, filterable by person, editor, entity type and date
 * (Copenhagen days), newest first, paged. Read-only. Admins see the whole log; organisation and unit editors see
 * the entries about what they edit — the people of their units (also entries merged into them), the units, their
 * shared contacts and the organisation itself — and nothing else (accounts, reference data, other organisations).
 */
import type { Db } from '@db/client';
import { isIsoDate } from '@/lib/dates';
import { localToUtc } from '@/modules/events/events.rules';
import { toAuditEntry, type AuditEntry } from '@/modules/audit/audit.repository';

export const AUDIT_PAGE_SIZE = 50;

/** Entity types with Danish names, for the filter; unknown types still list under their own name. */
export const ENTITY_LABELS: Record<string, string> = {
	person: 'Person',
	unit: 'Enhed',
	organisation: 'Organisation',
	unit_contact: 'Fælles kontakt',
	correction: 'Rettelse',
	user: 'Bruger',
	topic: 'Emne',
	role: 'Rolle',
	age_group: 'Aldersgruppe',
	municipality: 'Kommune',
	search_term: 'Søgeord',
	event: 'Temadag',
	registration: 'Tilmelding',
	supervision_group: 'Supervisionsgruppe',
	supervision_meeting: 'Supervisionsmøde',
	supervision_membership: 'Supervisionsmedlemskab',
	api_key: 'API-nøgle',
};

/** Actions in Danish for the viewer; an action not listed shows as stored. */
export const ACTION_LABELS: Record<string, string> = {
	create: 'oprettet',
	update: 'ændret',
	delete: 'slettet',
	left: 'stoppet',
	merge: 'flettet med en dublet',
	merged_into: 'flettet ind i en anden post',
	erase: 'slettet efter anmodning (GDPR)',
	revoke: 'trukket tilbage',
	register: 'tilmeldt',
	cancel: 'afmeldt',
	approve: 'godkendt',
	apply: 'søgt om plads',
	attendance: 'fremmøde registreret',
	check_in: 'tjekket ind',
	confirm_email: 'e-mail bekræftet',
	promote: 'fået plads fra ventelisten',
	no_show: 'udeblevet',
	purge_unconfirmed: 'ubekræftet tilmelding slettet',
	export_participants: 'deltagerliste hentet',
	programme: 'program ændret',
};

export interface AuditFilter {
	/** A person's ref (merged-away refs included): entries about that person. */
	person: string;
	/** Part of the editor's e-mail or `system:…`. */
	editor: string;
	entity: string;
	/** YYYY-MM-DD, Copenhagen days, inclusive. */
	from: string;
	to: string;
	page: number;
}

/** An entry as the viewer shows it: each changed field's before → after as text. */
export interface AuditRow extends Omit<AuditEntry, 'changes'> {
	changes: Array<{ field: string; before: string; after: string }>;
}

export function parseAuditFilter(params: URLSearchParams): AuditFilter {
	const date = (v: string | null) => (v && isIsoDate(v) ? v : '');
	const page = Number(params.get('side') ?? 1);
	return {
		person: (params.get('person') ?? '').trim().slice(0, 100),
		editor: (params.get('redaktoer') ?? '').trim().slice(0, 200),
		entity: (params.get('type') ?? '').trim().slice(0, 50),
		from: date(params.get('fra')),
		to: date(params.get('til')),
		page: Number.isSafeInteger(page) && page > 0 ? page : 1,
	};
}

const show = (value: unknown): string => {
	if (value === null || value === undefined || value === '') return '—';
	if (Array.isArray(value)) return value.length ? value.join(', ') : '—';
	if (typeof value === 'object') return JSON.stringify(value);
	return String(value);
};

/** Whose entries a viewer may read: everything (admins), or what their scopes name (editors). */
export type AuditScope = { all: true } | { organisationIds: number[]; unitIds: number[] };

/** Entity types an editor's view can hold. */
const SCOPED_TYPES = ['person', 'unit', 'unit_contact', 'organisation'];

/** One page of entries matching the filter; `personUnknown` when the person filter names no one. */
export async function listAudit(db: Db, f: AuditFilter, scope: AuditScope = { all: true }): Promise<{ rows: AuditRow[]; total: number; pages: number; personUnknown: boolean; entityTypes: string[] }> {
	let personIds: number[] | null = null;
	if (f.person) {
		const own = await db.selectFrom('person').select('id').where('ref', '=', f.person).executeTakeFirst();
		const alias = await db.selectFrom('person_ref_alias').select(['person_id', 'merged_person_id']).where('ref', '=', f.person).executeTakeFirst();
		const keptId = own?.id ?? alias?.person_id;
		if (keptId !== undefined) {
			const merged = (await db.selectFrom('person_ref_alias').select('merged_person_id').where('person_id', '=', keptId).execute()).map((r) => r.merged_person_id);
			personIds = [keptId, ...merged];
		} else personIds = [];
	}
	let q = db.selectFrom('audit_log');
	if (!('all' in scope)) {
		// Subqueries, so the scope is one statement however many people an organisation has.
		const orgIds = scope.organisationIds.length ? scope.organisationIds : [-1];
		const ownUnitIds = scope.unitIds.length ? scope.unitIds : [-1];
		const units = db.selectFrom('unit').select('id').where((eb) => eb.or([eb('organisation_id', 'in', orgIds), eb('id', 'in', ownUnitIds)]));
		const people = db.selectFrom('person').select('id').where('unit_id', 'in', units);
		const merged = db.selectFrom('person_ref_alias').select('merged_person_id').where('person_id', 'in', people);
		const contacts = db.selectFrom('unit_contact').select('id').where('unit_id', 'in', units);
		q = q.where((eb) =>
			eb.or([
				eb.and([eb('entity_type', '=', 'person'), eb.or([eb('entity_id', 'in', people), eb('entity_id', 'in', merged)])]),
				eb.and([eb('entity_type', '=', 'unit'), eb('entity_id', 'in', units)]),
				eb.and([eb('entity_type', '=', 'unit_contact'), eb('entity_id', 'in', contacts)]),
				eb.and([eb('entity_type', '=', 'organisation'), eb('entity_id', 'in', orgIds)]),
			]),
		);
	}
	if (personIds) q = personIds.length ? q.where('entity_type', '=', 'person').where('entity_id', 'in', personIds) : q.where('id', '<', 0);
	// Actors are stored lower-case (e-mails, `system:…`); `%`/`_` typed by an admin only widen their own search.
	if (f.editor) q = q.where('actor', 'like', `%${f.editor.toLowerCase()}%`);
	if (f.entity) q = q.where('entity_type', '=', f.entity);
	if (f.from) q = q.where('at', '>=', localToUtc(f.from, '00:00'));
	if (f.to) {
		const next = new Date(`${f.to}T12:00:00Z`);
		next.setUTCDate(next.getUTCDate() + 1);
		q = q.where('at', '<', localToUtc(next.toISOString().slice(0, 10), '00:00'));
	}
	const total = Number((await q.select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow()).n);
	const pages = Math.max(1, Math.ceil(total / AUDIT_PAGE_SIZE));
	const page = Math.min(f.page, pages);
	const rows = await q.selectAll().orderBy('id', 'desc').limit(AUDIT_PAGE_SIZE).offset((page - 1) * AUDIT_PAGE_SIZE).execute();
	const allTypes = (await db.selectFrom('audit_log').select('entity_type').distinct().orderBy('entity_type').execute()).map((r) => r.entity_type);
	const entityTypes = 'all' in scope ? allTypes : allTypes.filter((t) => SCOPED_TYPES.includes(t));
	return {
		total,
		pages,
		personUnknown: personIds !== null && personIds.length === 0,
		entityTypes,
		rows: rows.map(toAuditEntry).map((entry) => ({
			...entry,
			changes: Object.entries(entry.changes).map(([field, pair]) => ({ field, before: show(Array.isArray(pair) ? pair[0] : null), after: show(Array.isArray(pair) ? pair[1] : pair) })),
		})),
	};
}
