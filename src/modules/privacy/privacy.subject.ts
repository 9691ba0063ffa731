/**
 * "Everything Vejviser stores about me" (GDPR art. 15 and 20): one JSON document for the signed-in user —
 * account, directory entry, sessions, passkeys, theme-day registrations, supervision memberships, corrections,
 * freshness requests, mails, erasure requests and the audit entries about them. Other people stay out: an
 * editor who changed the entry is "en redaktør", a correction's reporter is left out unless it is the user.
 */
import type { Db } from '@db/client';

export interface SubjectData {
	generatedAt: string;
	account: Record<string, unknown>;
	scopes: Array<Record<string, unknown>>;
	entry: Record<string, unknown> | null;
	sessions: Array<Record<string, unknown>>;
	passkeys: Array<Record<string, unknown>>;
	registrations: Array<Record<string, unknown>>;
	groupMemberships: Array<Record<string, unknown>>;
	supervisionCourses: Array<Record<string, unknown>>;
	supervisorOf: Array<Record<string, unknown>>;
	correctionsAboutEntry: Array<Record<string, unknown>>;
	correctionsReported: Array<Record<string, unknown>>;
	freshnessRequests: Array<Record<string, unknown>>;
	scheduledHandovers: Array<Record<string, unknown>>;
	mails: Array<Record<string, unknown>>;
	erasureRequests: Array<Record<string, unknown>>;
	auditAboutYou: Array<Record<string, unknown>>;
	auditByYou: Array<Record<string, unknown>>;
}

const parse = (json: string) => {
	try {
		return JSON.parse(json);
	} catch {
		return json;
	}
};

/** Collects the document; undefined for an unknown user. A fixed number of queries, whatever the amount of data. */
export async function collectSubjectData(db: Db, userId: number, now: Date = new Date()): Promise<SubjectData | undefined> {
	const user = await db.selectFrom('user').selectAll().where('id', '=', userId).executeTakeFirst();
	if (!user) return undefined;
	const personId: number | null = user.person_id;
	const emails = [user.email];
	let entry: Record<string, unknown> | null = null;
	if (personId !== null) {
		const person = await db
			.selectFrom('person')
			.innerJoin('unit', 'unit.id', 'person.unit_id')
			.innerJoin('organisation', 'organisation.id', 'unit.organisation_id')
			.selectAll('person')
			.select(['unit.name as unit_name', 'organisation.name as organisation_name'])
			.where('person.id', '=', personId)
			.executeTakeFirst();
		if (person) {
			const [topics, roles, ages] = await Promise.all([
				db.selectFrom('person_topic').select('topic_slug').where('person_id', '=', personId).orderBy('topic_slug').execute(),
				db.selectFrom('person_role').select('role_slug').where('person_id', '=', personId).orderBy('role_slug').execute(),
				db.selectFrom('person_age_group').select('age_group_slug').where('person_id', '=', personId).orderBy('age_group_slug').execute(),
			]);
			// Links to other people (successor, deputy) are their directory refs, not their details.
			const links = await db.selectFrom('person').select(['id', 'ref']).where('id', 'in', [person.successor_id ?? -1, person.deputy_id ?? -1]).execute();
			const refOf = (id: number | null) => (id === null ? null : (links.find((l) => l.id === id)?.ref ?? null));
			const { successor_id, deputy_id, ...rest } = person;
			entry = { ...rest, successor_ref: refOf(successor_id), deputy_ref: refOf(deputy_id), topics: topics.map((t) => t.topic_slug), roles: roles.map((r) => r.role_slug), age_groups: ages.map((a) => a.age_group_slug) };
			if (person.email && !emails.includes(person.email)) emails.push(person.email);
		}
	}
	const pid = personId ?? -1;
	const [scopes, sessions, passkeys, registrations, memberships, courses, supervisorOf, correctionsAbout, correctionsReported, freshness, handovers, mails, erasures, auditAbout, auditBy] = await Promise.all([
		db.selectFrom('user_scope').leftJoin('unit', 'unit.id', 'user_scope.unit_id').leftJoin('organisation', 'organisation.id', 'user_scope.organisation_id').select(['unit.name as unit', 'organisation.name as organisation']).where('user_scope.user_id', '=', userId).execute(),
		db.selectFrom('session').select(['created_at', 'last_seen_at', 'second_factor_at', 'label']).where('user_id', '=', userId).orderBy('created_at').execute(),
		db.selectFrom('passkey').select(['name', 'created_at', 'last_used_at']).where('user_id', '=', userId).execute(),
		db
			.selectFrom('event_registration as r')
			.innerJoin('event as e', 'e.id', 'r.event_id')
			.select(['e.title as event', 'e.starts_at as event_starts_at', 'r.name', 'r.email', 'r.organisation', 'r.job_title', 'r.dietary_needs', 'r.accessibility_needs', 'r.question', 'r.status', 'r.created_at', 'r.email_confirmed_at', 'r.checked_in_at', 'r.cancelled_at'])
			.where((eb) => eb.or([eb('r.user_id', '=', userId), eb(eb.fn('lower', ['r.email']), 'in', emails)]))
			.orderBy('e.starts_at')
			.execute(),
		db
			.selectFrom('supervision_membership as m')
			.innerJoin('supervision_group as g', 'g.id', 'm.group_id')
			.leftJoin('supervision_statement as s', 's.membership_id', 'm.id')
			.select(['g.title as group', 'm.id as membership_id', 'm.name', 'm.email', 'm.profession', 'm.municipality', 'm.motivation', 'm.status', 'm.message', 'm.applied_at', 'm.joined_at', 'm.left_at', 's.code as statement_code', 's.issued_at as statement_issued_at'])
			.where('m.user_id', '=', userId)
			.execute(),
		db.selectFrom('supervision_self_course').select(['title', 'supervisor_name', 'kind', 'external', 'group_size', 'hours', 'from_date', 'to_date', 'created_at']).where('user_id', '=', userId).execute(),
		db.selectFrom('supervision_supervisor as s').innerJoin('supervision_group as g', 'g.id', 's.group_id').select(['g.title as group', 's.name', 's.profession', 's.qualifications', 's.kind']).where('s.user_id', '=', userId).execute(),
		db.selectFrom('correction').select(['kind', 'message', 'status', 'resolution_note', 'created_at', 'resolved_at']).where('person_id', '=', pid).execute(),
		db.selectFrom('correction').select(['kind', 'message', 'status', 'created_at', 'reporter_email']).where((eb) => eb.or([eb('reporter_user_id', '=', userId), eb('reporter_email', 'in', emails)])).execute(),
		db.selectFrom('freshness_request').select(['due_on', 'email', 'requested_at', 'reminded_at', 'escalated_at', 'confirmed_at', 'closed_at']).where('person_id', '=', pid).execute(),
		db.selectFrom('scheduled_handover').select(['effective_on', 'created_at', 'executed_at', 'cancelled_at', 'outcome']).where('person_id', '=', pid).execute(),
		db.selectFrom('mail_outbox').select(['to_address', 'subject', 'kind', 'status', 'created_at', 'sent_at']).where('to_address', 'in', emails).orderBy('id').execute(),
		db.selectFrom('erasure_request').select(['message', 'status', 'created_at', 'resolved_at']).where('user_id', '=', userId).execute(),
		db
			.selectFrom('audit_log')
			.select(['at', 'actor', 'actor_user_id', 'entity_type', 'entity_label', 'action', 'changes'])
			.where((eb) => eb.or([eb.and([eb('entity_type', '=', 'person'), eb('entity_id', '=', pid)]), eb.and([eb('entity_type', '=', 'user'), eb('entity_id', '=', userId)])]))
			.orderBy('id')
			.execute(),
		db.selectFrom('audit_log').select(['at', 'entity_type', 'entity_label', 'action']).where('actor_user_id', '=', userId).orderBy('id').execute(),
	]);
	// Attendance of the user's own memberships (one query for all of them).
	const membershipIds = memberships.map((m) => m.membership_id);
	const attendance = membershipIds.length
		? await db.selectFrom('supervision_attendance as a').innerJoin('supervision_meeting as mt', 'mt.id', 'a.meeting_id').select(['a.membership_id', 'mt.starts_at', 'mt.duration_minutes', 'a.status']).where('a.membership_id', 'in', membershipIds).orderBy('mt.starts_at').execute()
		: [];
	const who = (row: { actor: string; actor_user_id: number | null }) => (row.actor_user_id === userId || emails.includes(row.actor) ? 'dig' : row.actor.startsWith('system:') ? row.actor : 'en redaktør');
	return {
		generatedAt: now.toISOString(),
		account: { email: user.email, name: user.name, role: user.role, status: user.status, created_at: user.created_at, last_login_at: user.last_login_at, signup_note: user.signup_note, updated_at: user.updated_at },
		scopes,
		entry,
		sessions,
		passkeys,
		registrations,
		groupMemberships: memberships.map(({ membership_id, ...m }) => ({ ...m, attendance: attendance.filter((a) => a.membership_id === membership_id).map(({ membership_id: _, ...a }) => a) })),
		supervisionCourses: courses,
		supervisorOf,
		correctionsAboutEntry: correctionsAbout,
		correctionsReported,
		freshnessRequests: freshness,
		scheduledHandovers: handovers,
		mails,
		erasureRequests: erasures,
		auditAboutYou: auditAbout.map((a) => ({ at: a.at, by: who(a), entity: a.entity_type, label: a.entity_label, action: a.action, changes: parse(a.changes) })),
		auditByYou: auditBy,
	};
}
