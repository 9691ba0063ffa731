/**
 * An entry's history for its editors: the audit trail turned into readable Danish lines (who, when, which field,
 * before → after), with ids shown as names and slugs as labels.
 */
import type { Db } from '@db/client';
import { formatPhone } from '@/lib/phone';
import { formatDate } from '@/lib/dates';
import { listAuditFor, type AuditEntry } from '@/modules/audit/audit.repository';
import { referenceLabels } from './directory.repository';
import { CORRECTION_KINDS, VISIBILITY_LABELS } from './directory.schema';
import { formatSchedule } from '@/modules/hours/hours.parse';
import { scheduleFromJson } from '@/modules/hours/hours.rules';

export const FIELD_LABELS: Record<string, string> = {
	ref: 'Reference',
	first_name: 'Fornavn',
	last_name: 'Efternavn',
	title: 'Stilling',
	unit_id: 'Enhed',
	organisation_id: 'Organisation',
	municipality_code: 'Kommune',
	phone: 'Telefon',
	mobile: 'Mobil',
	email: 'E-mail',
	hours: 'Træffetid',
	hours_schedule: 'Træffetid (skema)',
	after_hours: 'Uden for åbningstid',
	takes: 'Tager sig af',
	note: 'Note',
	key_person: 'Nøgleperson',
	status: 'Status',
	successor_id: 'Efterfølger',
	deputy_id: 'Stedfortræder',
	away_from: 'Fraværende fra',
	away_until: 'Fraværende til',
	left_at: 'Fratrådt den',
	phone_visibility: 'Hvem ser telefon',
	mobile_visibility: 'Hvem ser mobil',
	email_visibility: 'Hvem ser e-mail',
	verified_at: 'Bekræftet korrekt',
	needs_attention: 'Kræver opmærksomhed',
	topics: 'Emner',
	roles: 'Roller',
	age_groups: 'Aldersgrupper',
	name: 'Navn',
	aliases: 'Andre navne',
	description: 'Beskrivelse',
	address: 'Adresse',
	postcode: 'Postnummer',
	town: 'By',
	municipalities: 'Kommuner',
	label: 'Navn på kontakt',
	type: 'Type',
	website: 'Hjemmeside',
	email_domains: 'E-maildomæner',
	resolution_note: 'Note',
	merged_from: 'Flettet med',
	account: 'Konto',
	registrations_moved: 'Tilmeldinger flyttet',
	group_memberships_moved: 'Gruppemedlemskaber flyttet',
};

/** Minutes after midnight as "8.30". */
const clockText = (m: number) => `${Math.floor(m / 60) % 24}.${String(m % 60).padStart(2, '0')}`;

const ACTION_LABELS: Record<string, string> = {
	create: 'Oprettet',
	update: 'Ændret',
	left: 'Registreret som fratrådt',
	delete: 'Slettet',
	merge: 'Flettet med en dublet',
	merged_into: 'Flettet ind i en anden post',
	verify: 'Bekræftet korrekt',
	resolve: 'Rettelse løst',
	dismiss: 'Rettelse afvist',
	import: 'Importeret',
};

const ENTITY_LABELS: Record<string, string> = { person: 'Person', unit: 'Enhed', unit_contact: 'Fælles kontakt', correction: 'Rettelse', organisation: 'Organisation' };

export interface HistoryChange {
	field: string;
	label: string;
	before: string;
	after: string;
}

export interface HistoryLine {
	id: number;
	at: string;
	actor: string;
	action: string;
	actionLabel: string;
	entityLabel: string;
	entityKind: string;
	changes: HistoryChange[];
}

/** Turns audit entries into readable lines, resolving ids (units, people, municipalities) in a few queries. */
async function present(db: Db, entries: AuditEntry[]): Promise<HistoryLine[]> {
	const labels = await referenceLabels(db);
	const ids = (field: string) => new Set(entries.flatMap((e) => (e.changes[field] ?? []).filter((v): v is number => typeof v === 'number')));
	const personIds = [...new Set([...ids('successor_id'), ...ids('deputy_id')])];
	const unitIds = [...ids('unit_id')];
	const [people, units, municipalities] = await Promise.all([
		personIds.length ? db.selectFrom('person').select(['id', 'first_name', 'last_name', 'ref']).where('id', 'in', personIds).execute() : [],
		unitIds.length ? db.selectFrom('unit').select(['id', 'name']).where('id', 'in', unitIds).execute() : [],
		db.selectFrom('municipality').select(['code', 'name']).execute(),
	]);
	const personName = new Map(people.map((p) => [p.id, `${p.first_name} ${p.last_name} (${p.ref})`]));
	const unitName = new Map(units.map((u) => [u.id, u.name]));
	const municipalityName = new Map(municipalities.map((m) => [m.code, m.name]));

	const show = (field: string, value: unknown): string => {
		if (value === null || value === undefined || value === '') return '—';
		if (Array.isArray(value)) {
			const map = field === 'topics' ? labels.topic : field === 'roles' ? labels.role : field === 'age_groups' ? labels.ageGroup : null;
			const items = field === 'municipalities' ? value.map((v) => municipalityName.get(String(v)) ?? String(v)) : value.map((v) => (map?.[String(v)] ?? String(v)));
			return items.length ? items.join(', ') : '—';
		}
		if (field === 'email_domains' || field === 'aliases') {
			try {
				const list = JSON.parse(String(value));
				if (Array.isArray(list)) return list.length ? list.join(', ') : '—';
			} catch {
				/* shown as stored */
			}
		}
		switch (field) {
			case 'hours_schedule': {
				// The schedule as it reads in Danish, with its dated exceptions (the JSON means nothing to an editor).
				const schedule = scheduleFromJson(String(value));
				if (!schedule) return String(value);
				const exceptions = schedule.exceptions.map((e) => `${e.date}: ${e.intervals.length ? e.intervals.map((i) => `${clockText(i.from)}–${clockText(i.to)}`).join(', ') : 'lukket'}${e.note ? ` (${e.note})` : ''}`);
				return [formatSchedule(schedule), ...exceptions].join('; ');
			}
			case 'phone':
			case 'mobile':
				return formatPhone(String(value));
			case 'key_person':
				return value === 1 || value === true ? 'Ja' : 'Nej';
			case 'status':
				return value === 'left' ? 'Fratrådt' : value === 'active' ? 'Aktiv' : value === 'open' ? 'Afventer' : value === 'resolved' ? 'Løst' : value === 'dismissed' ? 'Afvist' : String(value);
			case 'successor_id':
			case 'deputy_id':
				return personName.get(Number(value)) ?? `#${value}`;
			case 'unit_id':
				return unitName.get(Number(value)) ?? `#${value}`;
			case 'municipality_code':
				return municipalityName.get(String(value)) ?? String(value);
			case 'phone_visibility':
			case 'mobile_visibility':
			case 'email_visibility':
				return VISIBILITY_LABELS[value as keyof typeof VISIBILITY_LABELS] ?? String(value);
			case 'verified_at':
			case 'left_at':
			case 'away_from':
			case 'away_until':
				return formatDate(String(value));
			case 'kind':
				return CORRECTION_KINDS[value as keyof typeof CORRECTION_KINDS] ?? String(value);
			default:
				return String(value);
		}
	};

	return entries.map((e) => ({
		id: e.id,
		at: e.at,
		actor: e.actor,
		action: e.action,
		actionLabel: ACTION_LABELS[e.action] ?? e.action,
		entityLabel: e.entityLabel,
		entityKind: ENTITY_LABELS[e.entityType] ?? e.entityType,
		changes: Object.entries(e.changes).map(([field, [before, after]]) => ({ field, label: FIELD_LABELS[field] ?? field, before: show(field, before), after: show(field, after) })),
	}));
}

/** A person's history (their own entries and decisions on corrections about them), newest first. */
export async function personHistory(db: Db, personId: number): Promise<HistoryLine[]> {
	// Entries merged into this one (admin duplicate merge) bring their history along.
	const merged = (await db.selectFrom('person_ref_alias').select('merged_person_id').where('person_id', '=', personId).execute()).map((r) => r.merged_person_id);
	const own = (await Promise.all([personId, ...merged].map((id) => listAuditFor(db, 'person', id)))).flat().sort((a, b) => b.id - a.id);
	const correctionIds = (await db.selectFrom('correction').select('id').where('person_id', '=', personId).execute()).map((c) => c.id);
	const correctionEntries = (await Promise.all(correctionIds.map((id) => listAuditFor(db, 'correction', id)))).flat();
	return present(db, [...own, ...correctionEntries].sort((a, b) => b.id - a.id));
}

/** A unit's history including its shared contacts (also deleted ones), newest first. */
export async function unitHistory(db: Db, unitId: number): Promise<HistoryLine[]> {
	const own = await listAuditFor(db, 'unit', unitId);
	// Shared contacts are audited under their own id; their creation entry names the unit.
	// The JSON is read here, not with SQLite's json_extract, so this runs on both engines (shared-contact entries are few).
	const contactRows = await db.selectFrom('audit_log').select(['entity_id', 'changes']).where('entity_type', '=', 'unit_contact').where('changes', 'like', '%"unit_id"%').execute();
	const contactIds = new Set<number>();
	for (const r of contactRows) {
		const unit = (JSON.parse(r.changes || '{}') as { unit_id?: unknown[] }).unit_id;
		if (Array.isArray(unit) && (unit[0] === unitId || unit[1] === unitId)) contactIds.add(r.entity_id);
	}
	const contacts = (await Promise.all([...contactIds].map((id) => listAuditFor(db, 'unit_contact', id)))).flat();
	return present(db, [...own, ...contacts].sort((a, b) => b.id - a.id));
}
