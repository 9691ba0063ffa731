import type { Generated, Insertable, Selectable, Updateable } from 'kysely';

/** Who may see a contact field: anyone, signed-in members, or nobody but editors. */
export type Visibility = 'public' | 'members' | 'hidden';
export type OrganisationType = 'kommune' | 'region' | 'frivillig' | 'andet';
export type PersonStatus = 'active' | 'left';
export type UserRole = 'member' | 'unit_editor' | 'org_editor' | 'admin';

export interface MunicipalityTable {
	code: string;
	name: string;
	slug: string;
	synonyms: string;
	is_member: Generated<number>;
}

export interface TopicTable {
	slug: string;
	label: string;
	description: Generated<string>;
	synonyms: Generated<string>;
	sort: Generated<number>;
}

export interface RoleTable {
	slug: string;
	label: string;
	description: Generated<string>;
	synonyms: Generated<string>;
	/** 1 for situations a contact is routed by (udskrivning, akut, screening…). */
	is_situation: Generated<number>;
	sort: Generated<number>;
}

export interface AgeGroupTable {
	slug: string;
	label: string;
	min_age: number;
	max_age: number;
	synonyms: Generated<string>;
	sort: Generated<number>;
}

export interface OrganisationTable {
	id: Generated<number>;
	slug: string;
	name: string;
	type: OrganisationType;
	municipality_code: string | null;
	description: Generated<string>;
	website: string | null;
	phone: string | null;
	email: string | null;
	/** JSON array of e-mail domains whose owners are members of this organisation. */
	email_domains: Generated<string>;
	created_at: string;
	updated_at: string;
}

export interface UnitTable {
	id: Generated<number>;
	organisation_id: number;
	slug: string;
	name: string;
	/** JSON array of other and former names. */
	aliases: Generated<string>;
	description: Generated<string>;
	/** Visiting address: street and number (postcode and town apart, migration 0007). */
	address: string | null;
	postcode: string | null;
	town: string | null;
	created_at: string;
	updated_at: string;
}

export interface UnitMunicipalityTable {
	unit_id: number;
	municipality_code: string;
}

export interface UnitContactTable {
	id: Generated<number>;
	unit_id: number;
	label: string;
	phone: string | null;
	email: string | null;
	hours: string | null;
	note: Generated<string>;
	/** JSON Schedule (hours.rules.ts), or null: read from `hours` on load. */
	hours_schedule: string | null;
	/** 1 = an after-hours line (døgnvagt/socialvagt, psychiatric emergency). */
	after_hours: Generated<number>;
	/** What an after-hours line takes (free text). */
	takes: Generated<string>;
	created_at: string;
	updated_at: string;
}

export interface PersonTable {
	id: Generated<number>;
	ref: string;
	first_name: string;
	last_name: string;
	title: Generated<string>;
	unit_id: number;
	municipality_code: string | null;
	phone: string | null;
	mobile: string | null;
	email: string | null;
	hours: Generated<string>;
	/** JSON Schedule (hours.rules.ts), or null: read from `hours` on load. */
	hours_schedule: string | null;
	note: Generated<string>;
	key_person: Generated<number>;
	status: Generated<PersonStatus>;
	successor_id: number | null;
	deputy_id: number | null;
	away_from: string | null;
	away_until: string | null;
	left_at: string | null;
	phone_visibility: Generated<Visibility>;
	mobile_visibility: Generated<Visibility>;
	email_visibility: Generated<Visibility>;
	/** When the entry was last confirmed correct (not the same as edited). */
	verified_at: string | null;
	/** Why the entry needs an editor's eye now (bounced mail, reported error), or null. */
	needs_attention: string | null;
	created_at: string;
	updated_at: string;
}

export interface PersonTopicTable {
	person_id: number;
	topic_slug: string;
}
export interface PersonRoleTable {
	person_id: number;
	role_slug: string;
}
export interface PersonAgeGroupTable {
	person_id: number;
	age_group_slug: string;
}

export interface UserTable {
	id: Generated<number>;
	email: string;
	name: Generated<string>;
	role: Generated<UserRole>;
	status: Generated<'pending' | 'active' | 'disabled'>;
	person_id: number | null;
	created_at: string;
	last_login_at: string | null;
	/** What a registering user told the admins; empty when approved automatically. */
	signup_note: Generated<string>;
	updated_at: string | null;
}

export interface UserScopeTable {
	id: Generated<number>;
	user_id: number;
	unit_id: number | null;
	organisation_id: number | null;
}

export interface AuditLogTable {
	id: Generated<number>;
	at: string;
	/** Who did it, readable: an e-mail, or `system:import`, `system:seed`, `system:jobs`. */
	actor: string;
	actor_user_id: number | null;
	entity_type: string;
	entity_id: number;
	entity_label: Generated<string>;
	action: string;
	/** JSON object {field: [before, after]}. */
	changes: Generated<string>;
}

export interface MailOutboxTable {
	id: Generated<number>;
	to_address: string;
	subject: string;
	text_body: string;
	html_body: string | null;
	/** JSON array of {filename, content, contentType}. */
	attachments: Generated<string>;
	kind: Generated<string>;
	/** A mail with the same key is never queued twice (idempotent jobs). */
	dedupe_key: string | null;
	status: Generated<'queued' | 'sent' | 'stored' | 'failed' | 'bounced'>;
	attempts: Generated<number>;
	next_attempt_at: string;
	last_error: string | null;
	created_at: string;
	sent_at: string | null;
}

export interface SessionTable {
	/** 16 characters; the cookie holds `<id>.<secret>`. */
	id: string;
	/** SHA-256 of the secret part of the cookie. */
	secret_hash: Uint8Array;
	user_id: number;
	created_at: string;
	last_seen_at: string;
	/** When a passkey was proven in this session (editor/admin rights need it once a passkey exists). */
	second_factor_at: string | null;
	label: Generated<string>;
}

export interface SigninChallengeTable {
	id: string;
	user_id: number;
	purpose: Generated<'signin' | 'cli'>;
	code_hash: string | null;
	link_hash: string | null;
	next_path: string | null;
	attempts: Generated<number>;
	created_at: string;
	expires_at: string;
	used_at: string | null;
}

export interface RateLimitTable {
	key: string;
	window_start: string;
	count: Generated<number>;
}

export interface PasskeyTable {
	/** The credential id, base64url. */
	id: string;
	user_id: number;
	public_key: Uint8Array;
	counter: Generated<number>;
	/** JSON array of AuthenticatorTransport. */
	transports: Generated<string>;
	name: Generated<string>;
	created_at: string;
	last_used_at: string | null;
}

export interface WebauthnChallengeTable {
	id: Generated<number>;
	session_id: string;
	kind: 'register' | 'authenticate';
	challenge: string;
	created_at: string;
	expires_at: string;
}

export interface CorrectionTable {
	id: Generated<number>;
	person_id: number | null;
	unit_id: number | null;
	kind: 'number' | 'left' | 'wrong_unit' | 'other';
	message: Generated<string>;
	reporter_email: string | null;
	reporter_user_id: number | null;
	/** Salted hash of the reporter's IP, only for rate-limiting anonymous reports. */
	client_key: string | null;
	status: Generated<'open' | 'resolved' | 'dismissed'>;
	resolution_note: Generated<string>;
	resolved_by: string | null;
	resolved_at: string | null;
	created_at: string;
	/** A correction about a knowledge article section (`<collection>/<slug>#<section>`), migration 0012. */
	article_ref: Generated<string | null>;
}

export type EventStatus = 'draft' | 'published' | 'cancelled';
/** `pending` = e-mail address not yet confirmed (holds no seat); the other five are the registration's life. */
export type RegistrationStatus = 'pending' | 'confirmed' | 'waitlisted' | 'cancelled' | 'attended' | 'no_show';

export interface EventTable {
	id: Generated<number>;
	slug: string;
	title: string;
	summary: Generated<string>;
	/** Markdown; rendered only through renderMarkdown(). */
	description: Generated<string>;
	starts_at: string;
	ends_at: string;
	place_name: Generated<string>;
	place_address: Generated<string>;
	online_url: string | null;
	/** null = the network itself organises. */
	organisation_id: number | null;
	organiser_email: string | null;
	target_group: Generated<string>;
	price_text: Generated<string>;
	capacity: number;
	/** null = until the start. */
	registration_deadline: string | null;
	promotion_cutoff_hours: Generated<number>;
	status: Generated<EventStatus>;
	/** iCalendar SEQUENCE: bumped on every change and on cancellation. */
	sequence: Generated<number>;
	/** Markdown: slides, links and summary for the archive. */
	materials: Generated<string>;
	/** Hours shown on certificates of attendance. */
	hours: Generated<number>;
	copied_from_id: number | null;
	created_at: string;
	updated_at: string;
	cancelled_at: string | null;
}

export interface EventTopicTable {
	event_id: number;
	topic_slug: string;
}

export interface EventProgrammeItemTable {
	id: Generated<number>;
	event_id: number;
	/** Local (Copenhagen) wall-clock time `HH:MM`. */
	start_time: string;
	end_time: string | null;
	title: string;
	speaker_name: Generated<string>;
	speaker_affiliation: Generated<string>;
}

export interface EventOrganiserTable {
	event_id: number;
	organisation_id: number;
}

export interface EventRegistrationTable {
	id: Generated<number>;
	event_id: number;
	user_id: number | null;
	name: string;
	email: string;
	organisation: Generated<string>;
	job_title: Generated<string>;
	dietary_needs: Generated<string>;
	accessibility_needs: Generated<string>;
	question: Generated<string>;
	status: RegistrationStatus;
	/** When the registration started competing for a seat. */
	queued_at: string | null;
	/** Order of entering the queue per event (assigned under the write lock): the waitlist order. */
	queue_seq: number | null;
	email_confirmed_at: string | null;
	promoted_at: string | null;
	checked_in_at: string | null;
	cancelled_at: string | null;
	created_at: string;
	updated_at: string;
}

export interface EventRegistrationTokenTable {
	/** SHA-256 (hex) of the token in a mailed link; the token itself is never stored. */
	token_hash: string;
	registration_id: number;
	created_at: string;
}

/** Review facts of a content article, mirrored from its frontmatter (migration 0012). */
export interface KnowledgeArticleTable {
	ref: string;
	collection: string;
	slug: string;
	title: string;
	summary: Generated<string>;
	owner_person_ref: string | null;
	/** `<organisation slug>/<unit slug>`. */
	owner_unit: string | null;
	/** ISO date. */
	last_reviewed: string;
	/** Months. */
	review_every: number;
	synced_at: string;
}

/** A municipality's own note to one phase of a pathway (Markdown; rendered only through renderMarkdown()). */
export interface KnowledgeNoteTable {
	id: Generated<number>;
	article_ref: string;
	phase_id: string;
	municipality_code: string;
	body: string;
	updated_by: string;
	created_at: string;
	updated_at: string;
}

/** News by admins (Markdown; rendered only through renderMarkdown()). */
export interface NewsTable {
	id: Generated<number>;
	title: string;
	body: string;
	municipality_code: string | null;
	published_at: string;
	created_by: string;
	created_at: string;
	updated_at: string;
}

export interface ImportPreviewTable {
	/** Random token; the confirm form carries it. */
	id: string;
	user_id: number;
	file_name: Generated<string>;
	csv: string;
	/** The newest audit id when the preview was made: a different one at confirm means the data changed. */
	audit_id: number;
	created_at: string;
}

export interface PersonRefAliasTable {
	/** The merged-away person's ref; resolves to person_id. */
	ref: string;
	person_id: number;
	/** The merged-away person's former id (its audit entries keep it). */
	merged_person_id: number;
	merged_at: string;
}

export type SupervisionMembershipStatus = 'applied' | 'approved' | 'declined' | 'waiting' | 'offered' | 'left';

export interface SupervisionGroupTable {
	id: Generated<number>;
	slug: string;
	title: string;
	focus: Generated<string>;
	/** JSON array of topic slugs. */
	topics: Generated<string>;
	audience: Generated<string>;
	admission: Generated<string>;
	place: Generated<string>;
	min_size: Generated<number>;
	capacity: Generated<number>;
	/** 0/1 */
	counts_toward_training: Generated<number>;
	/** How long an offered seat is held for the next on the waitlist. */
	offer_days: Generated<number>;
	status: Generated<'open' | 'closed'>;
	closed_at: string | null;
	created_at: string;
	updated_at: string;
}

export interface SupervisionSupervisorTable {
	id: Generated<number>;
	group_id: number;
	user_id: number | null;
	name: string;
	profession: Generated<string>;
	qualifications: Generated<string>;
	kind: Generated<'psychologist' | 'other_academic'>;
	/** 0/1 */
	external: Generated<number>;
}

export interface SupervisionMeetingTable {
	id: Generated<number>;
	group_id: number;
	starts_at: string;
	duration_minutes: number;
	mode: Generated<'in_person' | 'remote'>;
	place: Generated<string>;
	/** Supervisands present, frozen when attendance is recorded (null before). */
	present_count: number | null;
	psychologist_count: number | null;
	recorded_at: string | null;
	recorded_by: string | null;
	cancelled_at: string | null;
	/** iCalendar SEQUENCE: bumped on cancellation. */
	sequence: Generated<number>;
	created_at: string;
}

export interface SupervisionMembershipTable {
	id: Generated<number>;
	group_id: number;
	user_id: number;
	name: string;
	email: string;
	profession: string;
	municipality: Generated<string>;
	motivation: Generated<string>;
	status: SupervisionMembershipStatus;
	/** Waitlist order: the order of application, assigned under the group's write lock. */
	queue_seq: number | null;
	offered_until: string | null;
	message: Generated<string>;
	applied_at: string;
	joined_at: string | null;
	left_at: string | null;
	updated_at: string;
}

export interface SupervisionAttendanceTable {
	meeting_id: number;
	membership_id: number;
	status: 'present' | 'absent' | 'excused';
	marked_by: string;
	marked_at: string;
}

export interface SupervisionStatementTable {
	id: Generated<number>;
	membership_id: number;
	/** 20 characters, 100 random bits. */
	code: string;
	/** JSON snapshot of what the statement says. */
	content: string;
	issued_at: string;
}

export interface SupervisionSelfCourseTable {
	id: Generated<number>;
	user_id: number;
	title: string;
	supervisor_name: Generated<string>;
	kind: 'individual' | 'group';
	/** 0/1 */
	external: Generated<number>;
	group_size: Generated<number>;
	hours: number;
	from_date: string;
	to_date: string;
	created_at: string;
}

// ---------- search (migrations 0002, 0010) ----------

export type SearchTermKind = 'topic' | 'role' | 'age_group' | 'municipality' | 'organisation' | 'unit' | 'alias';

/** A synonym or alias the query parser knows (the thesaurus admins edit). */
export interface SearchTermTable {
	id: Generated<number>;
	term: string;
	kind: SearchTermKind;
	/** A slug, municipality code or `<organisation slug>/<unit slug>`, depending on kind. */
	target: string;
	note: Generated<string>;
	created_at: string;
}

/** Searches that found nothing or nothing certain: the query text only, never who asked. */
export interface SearchLogTable {
	id: Generated<number>;
	query: string;
	outcome: 'zero' | 'low';
	result_count: Generated<number>;
	count: Generated<number>;
	first_at: string;
	last_at: string;
}

// ---------- freshness loop and jobs (migration 0006) ----------

/** Secrets generated once and kept in the database (the confirmation-link HMAC key), so no .env is needed. */
export interface AppSecretTable {
	name: string;
	value: string;
	created_at: string;
}

/** One freshness cycle of one person: `due_on` is the date the entry fell due (verified_at + interval). */
export interface FreshnessRequestTable {
	id: Generated<number>;
	person_id: number;
	due_on: string;
	email: string | null;
	requested_at: string;
	reminded_at: string | null;
	escalated_at: string | null;
	expires_at: string;
	confirmed_at: string | null;
	closed_at: string | null;
}

/** The lease and last outcome of one scheduled job. */
export interface JobRunTable {
	name: string;
	locked_until: string | null;
	last_started_at: string | null;
	last_finished_at: string | null;
	/** 0/1, null before the first run. */
	last_ok: number | null;
	last_summary: string | null;
	/** When the job last finished well (migration 0015); null before its first good run. */
	last_ok_at: string | null;
}

// ---------- handovers dated ahead (migration 0007) ----------

export interface ScheduledHandoverTable {
	id: Generated<number>;
	person_id: number;
	/** `YYYY-MM-DD`, Copenhagen: the handover happens at the start of this day. */
	effective_on: string;
	/** The parsed form (HandoverInput) as JSON. */
	input: string;
	requested_by: string;
	requested_by_user_id: number | null;
	created_at: string;
	executed_at: string | null;
	cancelled_at: string | null;
	/** What happened: done, or why it could not be carried out. */
	outcome: string | null;
}

// ---------- operations (migration 0014) ----------

/** Usage counts per Copenhagen week × situation × municipality; never the query text or who asked. */
export interface SearchStatTable {
	/** Monday of the Copenhagen week, `YYYY-MM-DD`. */
	week: string;
	/** A situation role slug (udskrivning, akut …) or '' when the query named none. */
	situation: Generated<string>;
	/** Municipality code or '' when the query named none. */
	municipality_code: Generated<string>;
	searches: Generated<number>;
	zero_results: Generated<number>;
}

/** An integration's key: only its SHA-256 is stored. */
export interface ApiKeyTable {
	id: Generated<number>;
	name: string;
	/** The first characters of the key, so an admin can tell keys apart (not enough to use it). */
	prefix: string;
	key_hash: string;
	/** 1 = the key sees members-only fields (mobile, members-only phone and e-mail). */
	members_fields: Generated<number>;
	per_minute: Generated<number>;
	created_at: string;
	created_by: string;
	last_used_at: string | null;
	revoked_at: string | null;
	revoked_by: string | null;
}

/** Every time people's data leaves Vejviser in bulk or through an integration. */
export interface ExportLogTable {
	id: Generated<number>;
	at: string;
	/** An e-mail, `system:cli` (the server's operator), or `api:<key name>`. */
	actor: string;
	actor_user_id: number | null;
	api_key_id: number | null;
	/** What left: `csv`, `hsds`, `person`, `search`, `freshness-csv`, `participants-csv` … */
	kind: string;
	/** How: `web`, `cli`, `api`. */
	channel: string;
	rows: number;
	detail: Generated<string>;
}

/** A person asking to be removed (GDPR art. 17); the admins act on it. */
export interface ErasureRequestTable {
	id: Generated<number>;
	/** null once the user is erased (ON DELETE SET NULL). */
	user_id: number | null;
	message: Generated<string>;
	status: Generated<'open' | 'done' | 'declined'>;
	created_at: string;
	resolved_at: string | null;
	resolved_by: string | null;
}

export interface Database {
	municipality: MunicipalityTable;
	topic: TopicTable;
	role: RoleTable;
	age_group: AgeGroupTable;
	organisation: OrganisationTable;
	unit: UnitTable;
	unit_municipality: UnitMunicipalityTable;
	unit_contact: UnitContactTable;
	person: PersonTable;
	person_topic: PersonTopicTable;
	person_role: PersonRoleTable;
	person_age_group: PersonAgeGroupTable;
	user: UserTable;
	user_scope: UserScopeTable;
	audit_log: AuditLogTable;
	mail_outbox: MailOutboxTable;
	correction: CorrectionTable;
	session: SessionTable;
	signin_challenge: SigninChallengeTable;
	rate_limit: RateLimitTable;
	passkey: PasskeyTable;
	webauthn_challenge: WebauthnChallengeTable;
	event: EventTable;
	event_topic: EventTopicTable;
	event_programme_item: EventProgrammeItemTable;
	event_organiser: EventOrganiserTable;
	event_registration: EventRegistrationTable;
	event_registration_token: EventRegistrationTokenTable;
	knowledge_article: KnowledgeArticleTable;
	knowledge_note: KnowledgeNoteTable;
	news: NewsTable;
	import_preview: ImportPreviewTable;
	person_ref_alias: PersonRefAliasTable;
	supervision_group: SupervisionGroupTable;
	supervision_supervisor: SupervisionSupervisorTable;
	supervision_meeting: SupervisionMeetingTable;
	supervision_membership: SupervisionMembershipTable;
	supervision_attendance: SupervisionAttendanceTable;
	supervision_statement: SupervisionStatementTable;
	supervision_self_course: SupervisionSelfCourseTable;
	search_term: SearchTermTable;
	search_log: SearchLogTable;
	app_secret: AppSecretTable;
	freshness_request: FreshnessRequestTable;
	job_run: JobRunTable;
	scheduled_handover: ScheduledHandoverTable;
	search_stat: SearchStatTable;
	api_key: ApiKeyTable;
	export_log: ExportLogTable;
	erasure_request: ErasureRequestTable;
}

export type PersonRow = Selectable<PersonTable>;
export type NewPerson = Insertable<PersonTable>;
export type PersonUpdate = Updateable<PersonTable>;
export type OrganisationRow = Selectable<OrganisationTable>;
export type UnitRow = Selectable<UnitTable>;
export type UserRow = Selectable<UserTable>;
export type AuditLogRow = Selectable<AuditLogTable>;
export type MailRow = Selectable<MailOutboxTable>;
export type JobRunRow = Selectable<JobRunTable>;
