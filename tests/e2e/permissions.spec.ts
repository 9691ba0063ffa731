/**
 * Every protected route, found from the files under src/pages (so a new page is covered the day it is added),
 * asked for by an anonymous visitor, a member and editors of *another* unit and organisation — by GET and by
 * POST with the ids of the protected things in the body. Each must be refused (303 to sign-in, or 403), or for
 * pages every editor may open, show nothing of the other organisation; and nothing may change.
 */
import { createHash } from 'node:crypto';
import { readdirSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Db } from '@db/client';
import { createUserWithSession } from '../helpers/auth';
import { baseURL, openServerDb, skipBrowser } from './helpers';

/** Route files whose every request needs a right beyond being signed in. */
const PROTECTED = [/^admin\//, /^supervision\/ny\.astro$/, /^supervision\/\[slug\]\/(admin\.astro|moede\/)/, /^temadage\/admin\//, /^temadage\/\[slug\]\/admin\//, /^temadage\/\[slug\]\/bevis\//, /\/rediger\.astro$/, /\/stopper\.astro$/, /\/ny-person\.astro$/, /\/ny-enhed\.astro$/, /\/traeffetid\.astro$/, /\/aabningstid\.astro$/, /^rettelser\//];
/** Pages any editor may open: they must show only the editor's own things. */
const OPEN_TO_EDITORS = new Set(['admin/index.astro', 'admin/aktualitet/index.astro', 'admin/aktualitet.csv.ts', 'admin/dubletter/index.astro', 'admin/log/index.astro', 'rettelser/index.astro']);
/** …and pages any signed-in user may open (a member sees the corrections about their own entry). */
const OPEN_TO_MEMBERS = new Set(['rettelser/index.astro']);

function routeFiles(dir: string): string[] {
	return readdirSync(dir).flatMap((name) => {
		const path = join(dir, name);
		return statSync(path).isDirectory() ? routeFiles(path) : [path];
	});
}

const pagesDir = join(process.cwd(), 'src', 'pages');
const routes = routeFiles(pagesDir)
	.map((file) => relative(pagesDir, file).split('\\').join('/'))
	.filter((file) => PROTECTED.some((pattern) => pattern.test(file)));

interface Target {
	personRef: string;
	personName: string;
	orgSlug: string;
	unitSlug: string;
	eventSlug: string;
	eventTitle: string;
	registrationId: number;
	mailId: number;
	userId: number;
	correctionId: number;
	groupSlug: string;
	groupTitle: string;
	meetingId: number;
}

/** The URL of a route file with its parameters filled in from the target. */
function urlFor(file: string, t: Target): string {
	let path = '/' + file.replace(/\.astro$/, '').replace(/\.ts$/, '').replace(/(^|\/)index$/, '');
	const isEvent = file.startsWith('temadage/');
	const isGroup = file.startsWith('supervision/');
	path = path
		.replace('[ref]', t.personRef)
		.replace('[unit]', t.unitSlug)
		.replace('[slug]', isEvent ? t.eventSlug : isGroup ? t.groupSlug : t.orgSlug)
		.replace('[id]', file.startsWith('admin/outbox') ? String(t.mailId) : file.startsWith('admin/brugere') ? String(t.userId) : isGroup ? String(t.meetingId) : String(t.registrationId));
	return path || '/';
}

/** A fingerprint of everything a refused request must leave alone. */
async function snapshot(db: Db): Promise<string> {
	const hash = createHash('sha256');
	// Kysely's introspection and rows sorted here (not rowid): the same fingerprint on SQLite and PostgreSQL.
	const existing = new Set((await db.introspection.getTables()).map((t) => t.name));
	for (const table of ['person', 'unit', 'unit_contact', 'organisation', 'event', 'event_registration', 'event_programme_item', 'correction', 'user', 'user_scope', 'mail_outbox', 'audit_log', 'passkey', 'supervision_group', 'supervision_supervisor', 'supervision_meeting', 'supervision_membership', 'supervision_attendance', 'supervision_statement', 'api_key', 'export_log', 'erasure_request']) {
		if (!existing.has(table)) continue;
		// An editor's allowed download of their own freshness list is logged as an export: that row is the page working.
		const rows = table === 'export_log' ? await sql`SELECT * FROM export_log WHERE kind <> 'freshness-csv'`.execute(db) : await sql`SELECT * FROM ${sql.table(table)}`.execute(db);
		hash.update(table + JSON.stringify(rows.rows.map((row) => JSON.stringify(row)).sort()));
	}
	return hash.digest('hex');
}

describe.skipIf(skipBrowser)('Every protected route refuses those without the right', () => {
	let db: Db;
	let target: Target;
	const roles: Array<{ name: string; cookie: string | null; editor: boolean }> = [];

	beforeAll(async () => {
		db = openServerDb();
		const event = await db.selectFrom('event').innerJoin('organisation', 'organisation.id', 'event.organisation_id').select(['event.id', 'event.slug', 'event.title', 'event.organisation_id', 'organisation.slug as orgSlug']).orderBy('event.id').executeTakeFirstOrThrow();
		const registration = await db.selectFrom('event_registration').select('id').where('event_id', '=', event.id).executeTakeFirstOrThrow();
		const person = await db
			.selectFrom('person')
			.innerJoin('unit', 'unit.id', 'person.unit_id')
			.select(['person.id', 'person.ref', 'person.first_name', 'person.last_name', 'unit.slug as unitSlug', 'unit.id as unitId'])
			.where('unit.organisation_id', '=', event.organisation_id!)
			.where('person.status', '=', 'active')
			.executeTakeFirstOrThrow();
		const other = await db.selectFrom('unit').select(['id', 'organisation_id']).where('organisation_id', '!=', event.organisation_id!).executeTakeFirstOrThrow();
		const outsider = await db.selectFrom('person').select('id').where('unit_id', '=', other.id).executeTakeFirstOrThrow();
		const admin = await createUserWithSession(db, { role: 'admin' });
		await db.insertInto('mail_outbox').values({ to_address: 'hemmelig@example.dk', subject: 'Din kode', text_body: 'Kode: ABCD-EFGH', html_body: null, dedupe_key: null, last_error: null, sent_at: null, kind: 'signin', next_attempt_at: new Date().toISOString(), created_at: new Date().toISOString() }).execute();
		const mail = await db.selectFrom('mail_outbox').select('id').orderBy('id', 'desc').executeTakeFirstOrThrow();
		await db.insertInto('correction').values({ person_id: person.id, unit_id: person.unitId, kind: 'number', message: 'Forkert nummer', reporter_email: null, reporter_user_id: null, client_key: null, resolved_by: null, resolved_at: null, created_at: new Date().toISOString() }).execute();
		const correction = await db.selectFrom('correction').select('id').orderBy('id', 'desc').executeTakeFirstOrThrow();
		const group = (await sql<{ id: number; slug: string; title: string }>`SELECT id, slug, title FROM supervision_group ORDER BY id LIMIT 1`.execute(db)).rows[0];
		const meeting = (await sql<{ id: number }>`SELECT id FROM supervision_meeting WHERE group_id = ${group.id} ORDER BY id LIMIT 1`.execute(db)).rows[0];
		target = {
			personRef: person.ref,
			personName: `${person.first_name} ${person.last_name}`,
			orgSlug: event.orgSlug,
			unitSlug: person.unitSlug,
			eventSlug: event.slug,
			eventTitle: event.title,
			registrationId: registration.id,
			mailId: mail.id,
			userId: admin.user.id,
			correctionId: correction.id,
			groupSlug: group.slug,
			groupTitle: group.title,
			meetingId: meeting.id,
		};
		const member = await createUserWithSession(db, { role: 'member', personId: outsider.id });
		const unitEditor = await createUserWithSession(db, { role: 'unit_editor', unitIds: [other.id] });
		const orgEditor = await createUserWithSession(db, { role: 'org_editor', organisationIds: [other.organisation_id] });
		roles.push(
			{ name: 'anonymous', cookie: null, editor: false },
			{ name: 'member', cookie: member.cookie.header, editor: false },
			{ name: 'unit editor of another unit', cookie: unitEditor.cookie.header, editor: true },
			{ name: 'organisation editor of another organisation', cookie: orgEditor.cookie.header, editor: true },
		);
	});
	afterAll(async () => db?.destroy());

	it('finds the protected routes', () => {
		expect(routes.length).toBeGreaterThanOrEqual(15);
		expect(routes).toContain('admin/outbox/[id].astro');
		expect(routes).toContain('temadage/[slug]/admin/deltagere.astro');
		for (const page of ['admin/tal/index.astro', 'admin/tal/[tabel].csv.ts', 'admin/api-noegler/index.astro', 'admin/eksporter/index.astro', 'admin/eksporter/kontaktbog.csv.ts', 'admin/sletning/index.astro', 'admin/opslagsdata/ny-organisation.astro', 'organisationer/[slug]/ny-enhed.astro']) expect(routes).toContain(page);
		// Every admin page is protected, whatever its name: the list comes from the folder.
		const adminFiles = routeFiles(join(pagesDir, 'admin')).map((file) => relative(pagesDir, file).split('\\').join('/'));
		expect(adminFiles.filter((file) => !routes.includes(file))).toEqual([]);
	});

	it('refuses every protected route by GET and POST, and changes nothing', async () => {
		const before = await snapshot(db);
		const problems: string[] = [];
		const body = new URLSearchParams({
			intent: 'approve',
			action: 'cancel',
			id: String(target.userId),
			registration: String(target.registrationId),
			registrationId: String(target.registrationId),
			correctionId: String(target.correctionId),
			decision: 'resolved',
			note: 'x',
			role: 'admin',
			status: 'active',
			first_name: 'Overtaget',
			last_name: 'Af',
			title: 'Angriber',
			name: 'Angriber',
			email: 'angriber@example.dk',
			label: 'Angriber',
			phone: '44444444',
			subject: 'Hej',
			body: 'Hej',
			audience: 'all',
			reason: 'Aflyst',
			successor: 'new',
			// Erasure and API keys: a target that exists and a confirmation, so only the permission check stops it.
			hvem: target.personRef,
			bekraeft: 'ja',
			members_fields: 'ja',
			per_minute: '100',
			message: 'slet',
		}).toString();
		for (const file of routes) {
			const url = urlFor(file, target);
			for (const role of roles) {
				for (const method of ['GET', 'POST'] as const) {
					const headers: Record<string, string> = { origin: baseURL };
					if (role.cookie) headers.cookie = role.cookie;
					if (method === 'POST') headers['content-type'] = 'application/x-www-form-urlencoded';
					const res = await fetch(baseURL + url, { method, headers, body: method === 'POST' ? body : undefined, redirect: 'manual' });
					const text = await res.text();
					const where = `${method} ${url} as ${role.name}: ${res.status}`;
					const mayOpen = role.cookie !== null && (OPEN_TO_MEMBERS.has(file) || (role.editor && OPEN_TO_EDITORS.has(file)));
					if (mayOpen && res.status !== 403) {
						if (method === 'GET' && res.status !== 200) problems.push(`${where} (this page should open)`);
						if (text.includes(target.personName) || text.includes(target.eventTitle) || text.includes(target.groupTitle)) problems.push(`${where} shows the other organisation's data`);
						continue;
					}
					if (res.status === 303 && role.cookie === null && (res.headers.get('location') ?? '').startsWith('/log-ind')) continue;
					if (res.status === 403) continue;
					// A data endpoint (.ts) without a POST handler does not exist for POST.
					if (method === 'POST' && file.endsWith('.ts') && (res.status === 404 || res.status === 405)) continue;
					problems.push(where);
				}
			}
		}
		expect(problems).toEqual([]);
		expect(await snapshot(db)).toBe(before);
	});

	it('lets an organisation editor edit their own organisation and its units in the browser — and no other', async () => {
		const own = await db.selectFrom('organisation').select(['id', 'slug']).where('slug', '=', target.orgSlug).executeTakeFirstOrThrow();
		const other = await db.selectFrom('unit').innerJoin('organisation', 'organisation.id', 'unit.organisation_id').select(['organisation.slug as orgSlug', 'unit.slug as unitSlug']).where('organisation.id', '!=', own.id).executeTakeFirstOrThrow();
		const editor = await createUserWithSession(db, { role: 'org_editor', organisationIds: [own.id] });
		const ask = async (path: string, form?: Record<string, string>) => {
			const res = await fetch(baseURL + path, {
				method: form ? 'POST' : 'GET',
				headers: { cookie: editor.cookie.header, origin: baseURL, ...(form && { 'content-type': 'application/x-www-form-urlencoded' }) },
				body: form && new URLSearchParams(form).toString(),
				redirect: 'manual',
			});
			return { status: res.status, location: res.headers.get('location') ?? '', text: await res.text() };
		};
		for (const path of [`/organisationer/${own.slug}/rediger`, `/organisationer/${own.slug}/${target.unitSlug}/rediger`, `/organisationer/${own.slug}/ny-enhed`]) expect([path, (await ask(path)).status]).toEqual([path, 200]);
		// A new unit with other names, through the form; then its name and other names on its own edit page.
		const name = `Testenhed ${Date.now()}`;
		const created = await ask(`/organisationer/${own.slug}/ny-enhed`, { name, aliases: 'TE-forkortelse' });
		expect(created.status).toBe(303);
		expect(created.location).toMatch(new RegExp(`^/organisationer/${own.slug}/[a-z0-9-]+/rediger\\?gemt=ny$`));
		const page = await ask(created.location);
		expect(page.status).toBe(200);
		expect(page.text).toContain('Enheden er oprettet');
		expect(page.text).toContain('TE-forkortelse');
		const audit = await db.selectFrom('audit_log').select(['actor', 'action']).where('entity_type', '=', 'unit').where('entity_label', '=', name).execute();
		expect(audit).toEqual([{ actor: editor.user.email, action: 'create' }]);
		// Another organisation's pages: refused, by GET and by POST.
		for (const path of [`/organisationer/${other.orgSlug}/rediger`, `/organisationer/${other.orgSlug}/${other.unitSlug}/rediger`, `/organisationer/${other.orgSlug}/ny-enhed`]) {
			expect([path, (await ask(path)).status]).toEqual([path, 403]);
			expect([path, (await ask(path, { intent: 'unit', name: 'Kapret', aliases: 'Kapret' })).status]).toEqual([path, 403]);
		}
		expect(await db.selectFrom('unit').select('id').where('name', '=', 'Kapret').execute()).toEqual([]);
	});
});
