/**
 * The rendered-output cache (src/lib/page-cache.ts) on the built server: a cached page never shows a person who
 * left or a number that changed (the edit's audit entry changes the key, so the next request renders afresh),
 * a signed-in user never gets another viewer's page, and ETags give 304 until something changes. The browse
 * pages' bodies shared between the viewers of one audience (src/lib/shared-render.ts) follow the same key.
 * Readers (signed in, no rights, no linked entry) share stored copies; everyone else keeps their own. The pathway
 * page is stored per chosen municipality. The municipality page is paged (`?side=N`). The theme-day and
 * supervision-group pages give readers the readers' copy with each reader's own part filled in.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { systemActor } from '@/modules/audit/audit.repository';
import { patchPerson } from '@/modules/directory/directory.writes';
import { formatPhone } from '@/lib/phone';
import { createUserWithSession } from '../helpers/auth';
import { cancelRegistration, registerMember } from '@/modules/events/events.registrations';
import { createEvent, setEventPublished } from '@/modules/events/events.writes';
import { applyToGroup, approveApplication, createGroup, leaveGroup } from '@/modules/supervision/supervision.writes';
import { baseURL, openServerDb, skipBrowser } from './helpers';

describe.skipIf(skipBrowser)('The page cache', () => {
	const db = openServerDb();
	afterAll(() => db.destroy());

	const get = (path: string, headers: Record<string, string> = {}) => fetch(baseURL + path, { headers });

	/** An active person on the Gribskov page who stands in for no one (so their link appears only as themselves). */
	async function someoneOnGribskov() {
		return db
			.selectFrom('person')
			.innerJoin('unit', 'unit.id', 'person.unit_id')
			.innerJoin('organisation', 'organisation.id', 'unit.organisation_id')
			.select(['person.id', 'person.ref', 'person.first_name', 'person.last_name', 'organisation.slug as org', 'unit.slug as unit'])
			.where('person.status', '=', 'active')
			.where('person.municipality_code', '=', '270')
			.where('person.phone_visibility', '=', 'public')
			.where((eb) => eb.not(eb.exists(eb.selectFrom('person as other').select('other.id').whereRef('other.deputy_id', '=', 'person.id'))))
			.where((eb) => eb.not(eb.exists(eb.selectFrom('person as other').select('other.id').whereRef('other.successor_id', '=', 'person.id'))))
			.orderBy('person.id')
			.executeTakeFirstOrThrow();
	}

	it('shows a changed number and drops a person who left on the very next request', async () => {
		const person = await someoneOnGribskov();
		const unitPath = `/organisationer/${person.org}/${person.unit}`;
		const link = `href="/personer/${person.ref}"`;
		// Twice, so the second answer comes from the cache.
		for (const path of ['/kommuner/gribskov', unitPath]) {
			await get(path);
			expect(await (await get(path)).text()).toContain(link);
		}

		const phone = `+45${String(20_000_000 + Math.floor(Math.random() * 9_000_000))}`;
		await patchPerson(db, systemActor('test'), person.id, { phone });
		for (const path of ['/kommuner/gribskov', unitPath, `/personer/${person.ref}`]) expect(await (await get(path)).text(), path).toContain(formatPhone(phone));

		await patchPerson(db, systemActor('test'), person.id, { status: 'left' });
		expect(await (await get('/kommuner/gribskov')).text()).not.toContain(link);
		expect(await (await get(unitPath)).text()).not.toContain(link);
		expect(await (await get('/kommuner/gribskov/kontaktark')).text()).not.toContain(`${person.first_name} ${person.last_name}`);
	});

	it('answers 304 to a matching ETag until something changes', async () => {
		const first = await get('/kommuner/gribskov');
		await first.text();
		const etag = first.headers.get('etag');
		expect(etag).toBeTruthy();
		expect(first.headers.get('cache-control')).toBe('no-cache');
		const again = await get('/kommuner/gribskov', { 'if-none-match': etag! });
		expect(again.status).toBe(304);
		expect(await again.text()).toBe('');

		const person = await someoneOnGribskov();
		await patchPerson(db, systemActor('test'), person.id, { title: `Konsulent ${Date.now()}` });
		const changed = await get('/kommuner/gribskov', { 'if-none-match': etag! });
		expect(changed.status).toBe(200);
		expect(changed.headers.get('etag')).not.toBe(etag);
	});

	it('never hands a signed-in user another viewer’s page', async () => {
		const unit = await db
			.selectFrom('unit')
			.innerJoin('organisation', 'organisation.id', 'unit.organisation_id')
			.select(['unit.id', 'unit.slug', 'organisation.slug as org'])
			.where('organisation.municipality_code', '=', '270')
			.orderBy('unit.id')
			.executeTakeFirstOrThrow();
		const path = `/organisationer/${unit.org}/${unit.slug}`;
		const editor = await createUserWithSession(db, { role: 'unit_editor', unitIds: [unit.id], secondFactor: true });
		const member = await createUserWithSession(db, { role: 'member' });
		const editLink = `${path}/rediger`;

		// The editor's page first (cached for the editor), then the member's and an anonymous visitor's, then the editor's again.
		const editorPage = await (await get(path, { cookie: editor.cookie.header })).text();
		expect(editorPage).toContain(editLink);
		const memberPage = await (await get(path, { cookie: member.cookie.header })).text();
		expect(memberPage).not.toContain(editLink);
		expect(memberPage).toContain('Min konto');
		const anonymousPage = await (await get(path)).text();
		expect(anonymousPage).not.toContain(editLink);
		expect(anonymousPage).not.toContain('Min konto');
		expect(await (await get(path, { cookie: editor.cookie.header })).text()).toContain(editLink);

		// And the other way round: a member's cached page is not what the editor gets next.
		const other = `/kommuner/gribskov`;
		await get(other, { cookie: member.cookie.header });
		const signedInAnswer = await get(path, { cookie: member.cookie.header });
		expect(signedInAnswer.headers.get('cache-control')).toBe('private, no-store');
		expect(await (await get(path, { cookie: editor.cookie.header })).text()).toContain(editLink);
	});

	it('shares browse pages between members, never with anonymous visitors, and shows a member an edit on the very next request', async () => {
		const person = await someoneOnGribskov();
		const { topic_slug: topic } = await db.selectFrom('person_topic').select('topic_slug').where('person_id', '=', person.id).orderBy('topic_slug').executeTakeFirstOrThrow();
		const a = await createUserWithSession(db, { role: 'member' });
		const b = await createUserWithSession(db, { role: 'member' });
		const text = async (path: string, who?: { cookie: { header: string } }) => (await get(path, who ? { cookie: who.cookie.header } : {})).text();
		const pages = ['/kommuner/gribskov', `/emner/${topic}`, '/kommuner/gribskov/kontaktark', `/organisationer/${person.org}`];
		const number = () => `+45${String(20_000_000 + Math.floor(Math.random() * 9_000_000))}`;
		const phone = number();
		await patchPerson(db, systemActor('test'), person.id, { phone, phone_visibility: 'members', key_person: 1 });
		try {
			for (const path of pages) {
				// Member a renders the members' body; member b gets the same body; an anonymous visitor never does.
				expect(await text(path, a), path).toContain(formatPhone(phone));
				expect(await text(path, b), path).toContain(formatPhone(phone));
				const anonymous = await text(path);
				expect(anonymous, path).not.toContain(formatPhone(phone));
				expect(anonymous, path).not.toContain('Min konto');
				// b again: answered from b's stored page (the front door), still b's header and not kept by shared caches.
				const again = await get(path, { cookie: b.cookie.header });
				expect(again.headers.get('cache-control'), path).toBe('private, no-store');
				expect(await again.text(), path).toContain('Min konto');
			}
			// The organisation's editor shares the members' body but gets their own edit link; members never do.
			const orgId = (await db.selectFrom('organisation').select('id').where('slug', '=', person.org).executeTakeFirstOrThrow()).id;
			const editor = await createUserWithSession(db, { role: 'org_editor', organisationIds: [orgId], secondFactor: true });
			const orgPath = `/organisationer/${person.org}`;
			expect(await text(orgPath, editor)).toContain(`${orgPath}/rediger`);
			expect(await text(orgPath, editor)).toContain(formatPhone(phone));
			expect(await text(orgPath, a)).not.toContain(`${orgPath}/rediger`);
			const next = number();
			await patchPerson(db, systemActor('test'), person.id, { phone: next });
			for (const path of pages)
				for (const who of [a, b]) {
					const page = await text(path, who);
					expect(page, path).toContain(formatPhone(next));
					expect(page, path).not.toContain(formatPhone(phone));
				}
			await patchPerson(db, systemActor('test'), person.id, { status: 'left' });
			for (const path of pages) expect(await text(path, b), path).not.toContain(`href="/personer/${person.ref}"`);
		} finally {
			await patchPerson(db, systemActor('test'), person.id, { status: 'active', left_at: null, phone_visibility: 'public' });
		}
	});

	it('gives readers one copy, but a member with a linked entry or rights their own, on the very next request', async () => {
		const person = await someoneOnGribskov();
		const path = `/personer/${person.ref}`;
		const reader = await createUserWithSession(db, { role: 'member' });
		const otherReader = await createUserWithSession(db, { role: 'member' });
		const self = await createUserWithSession(db, { role: 'member', personId: person.id });
		const text = async (who: { cookie: { header: string } }) => (await get(path, { cookie: who.cookie.header })).text();
		const confirm = 'Mine oplysninger er stadig korrekte';
		const editLink = `${path}/traeffetid`;
		// Readers first (their shared copy is stored), then the person themself: their own box, not the readers' page.
		expect(await text(reader)).not.toContain(confirm);
		expect(await text(otherReader)).not.toContain(confirm);
		expect(await text(self)).toContain(confirm);
		expect(await text(otherReader)).not.toContain(confirm);
		// A reader given a scope a moment ago is no longer a reader: their edit link on the very next request.
		const unitId = (await db.selectFrom('person').select('unit_id').where('id', '=', person.id).executeTakeFirstOrThrow()).unit_id;
		const promoted = await createUserWithSession(db, { role: 'member' });
		expect(await text(promoted)).not.toContain(editLink);
		await db.updateTable('user').set({ role: 'unit_editor' }).where('id', '=', promoted.user.id).execute();
		await db.insertInto('user_scope').values({ user_id: promoted.user.id, unit_id: unitId, organisation_id: null } as never).execute();
		expect(await text(promoted)).toContain(editLink);
		const editor = await createUserWithSession(db, { role: 'unit_editor', unitIds: [unitId], secondFactor: true });
		expect(await text(editor)).toContain(editLink);
		expect(await text(reader)).not.toContain(editLink);
		// The readers' copy follows edits like any other.
		const phone = `+45${String(20_000_000 + Math.floor(Math.random() * 9_000_000))}`;
		await patchPerson(db, systemActor('test'), person.id, { phone });
		expect(await text(otherReader)).toContain(formatPhone(phone));
	});

	it('stores the pathway page per chosen municipality, never showing one reader’s choice to another', async () => {
		const path = '/viden/forloeb/efter-selvmordsforsoeg';
		const shows = (html: string) => [...html.matchAll(/<h4[^>]*>[^<]* — ([^<]+)<\/h4>/g)].map((m) => m[1]);
		// Chosen by link, without a cookie yet: the choice is remembered by a cookie, also from the stored copy.
		for (let i = 0; i < 2; i++) {
			const chosen = await get(`${path}?kommune=gribskov`);
			expect(chosen.headers.get('set-cookie') ?? '', `answer ${i + 1}`).toContain('vejviser_kommune=gribskov');
			expect(new Set(shows(await chosen.text()))).toEqual(new Set(['Gribskov']));
		}
		// Already remembered: nothing to set.
		const same = await get(`${path}?kommune=gribskov`, { cookie: 'vejviser_kommune=gribskov' });
		expect(same.headers.get('set-cookie')).toBeNull();
		await same.text();
		// Each reader's remembered municipality, twice each (the second from the store), and none without a cookie.
		for (let i = 0; i < 2; i++) {
			expect(new Set(shows(await (await get(path, { cookie: 'vejviser_kommune=gribskov' })).text()))).toEqual(new Set(['Gribskov']));
			expect(new Set(shows(await (await get(path, { cookie: 'vejviser_kommune=hilleroed' })).text()))).toEqual(new Set(['Hillerød']));
			expect(shows(await (await get(path)).text())).toEqual([]);
		}
	});

	/** A reader (a plain signed-in member) named `name`. */
	const reader = async (name: string) => ({ ...(await createUserWithSession(db, { role: 'member', name })), name });

	it('fills each reader’s own registration into the theme day’s shared copy, never another’s, changed on the very next request', async () => {
		const actor = { label: 'e2e@netvaerk.example', userId: null };
		const date = new Date(Date.now() + 30 * 86_400_000).toISOString().slice(0, 10);
		const event = await createEvent(db, {
			title: `Temadag huller ${Date.now()}`, summary: '', description: '', date, startTime: '09:00', endTime: '15:00', placeName: 'Testhuset', placeAddress: '', onlineUrl: null,
			organisationId: null, organiserEmail: 'tovholder@netvaerk.example', targetGroup: '', priceText: 'Gratis', capacity: 1, deadlineDate: null, deadlineTime: null,
			promotionCutoffHours: 48, materials: '', hours: 5, topics: [],
		}, actor);
		await setEventPublished(db, event.id, true, actor);
		const path = `/temadage/${event.slug}`;
		const [a, b, c] = await Promise.all(['Anna Læser', 'Bo Læser', 'Carl Læser'].map(reader));
		const text = async (who: typeof a) => (await get(path, { cookie: who.cookie.header })).text();
		/** The page of `who` names no other reader. */
		const onlyMine = (html: string, who: typeof a) => {
			for (const other of [a, b, c].filter((x) => x !== who)) for (const named of [other.user.email, other.name]) expect(html, named).not.toContain(named);
		};
		// Twice each: the second answers come from the readers' copy, each with the reader's own form.
		for (let i = 0; i < 2; i++)
			for (const who of [a, b]) {
				const html = await text(who);
				expect(html).toContain(`Du tilmelder dig som <strong>${who.name}</strong> (${who.user.email})`);
				expect(html).toContain('Tilmeld mig');
				onlyMine(html, who);
			}
		expect(await (await get(path)).text()).not.toContain('Du tilmelder dig som');
		// A registers (the one seat): A's registration, B and C the waitlist, on the very next request.
		await registerMember(db, event.id, { ...a.user, name: a.name, personId: null }, { baseUrl: baseURL });
		const mine = await text(a);
		expect(mine).toContain('Din tilmelding: <strong>Tilmeldt</strong>');
		onlyMine(mine, a);
		for (const who of [b, c]) {
			const html = await text(who);
			expect(html).not.toContain('Din tilmelding');
			expect(html).toContain('Skriv mig på ventelisten');
			onlyMine(html, who);
		}
		await registerMember(db, event.id, { ...b.user, name: b.name, personId: null }, { baseUrl: baseURL });
		expect(await text(b)).toContain('Din tilmelding: <strong>Venteliste (nr. 1)</strong>');
		// A cancels: B moves up, A is offered the form again.
		const registration = await db.selectFrom('event_registration').select('id').where('event_id', '=', event.id).where('email', '=', a.user.email).executeTakeFirstOrThrow();
		await cancelRegistration(db, { registrationId: registration.id, actor, scope: { eventId: event.id } }, { baseUrl: baseURL });
		expect(await text(a)).toContain('Du tilmelder dig som');
		expect(await text(b)).toContain('Din tilmelding: <strong>Tilmeldt</strong>');
	});

	it('fills each reader’s own seat into the supervision group’s shared copy, never another’s, changed on the very next request', async () => {
		const supervisor = await reader('Sif Supervisor');
		const group = await createGroup(
			db,
			{
				title: `Gruppe huller ${Date.now()}`, focus: 'Test af delte sider', topics: [], audience: 'Psykologer', admission: 'Skriv en ansøgning.', place: 'Testhuset',
				minSize: 1, capacity: 1, countsTowardTraining: false, offerDays: 5,
				supervisors: [{ userId: supervisor.user.id, name: 'Sif Supervisor', profession: 'Psykolog', qualifications: '', kind: 'psychologist', external: false }],
			},
			{ label: 'e2e', userId: null },
		);
		const path = `/supervision/${group.slug}`;
		const [a, b] = await Promise.all(['Anna Ansøger', 'Bo Ansøger'].map(reader));
		const text = async (who: typeof a) => (await get(path, { cookie: who.cookie.header })).text();
		const admin = 'Administrer gruppen';
		for (let i = 0; i < 2; i++) {
			for (const who of [a, b]) {
				const html = await text(who);
				expect(html).toContain('Søg om en plads');
				expect(html).not.toContain('Status:');
				expect(html).not.toContain(admin);
			}
			// The supervisor is a reader too (a plain member): the same copy, with their own admin link.
			expect(await text(supervisor)).toContain(admin);
		}
		const applied = await applyToGroup(db, group.id, { id: a.user.id, email: a.user.email, name: a.name, municipality: '' }, { profession: 'Psykolog', motivation: 'Test' });
		expect(await text(a)).toMatch(/Status: <strong>(Ansøgt|På venteliste)<\/strong>/);
		expect(await text(b)).not.toContain('Status:');
		await approveApplication(db, group.id, applied.id, 'Velkommen', { label: 'e2e', userId: supervisor.user.id });
		const approved = await text(a);
		expect(approved).toContain('Status: <strong>Optaget</strong> — besked fra supervisor: Velkommen');
		expect(approved).toContain('Forlad gruppen');
		const other = await text(b);
		expect(other).not.toContain('Velkommen');
		expect(other).not.toContain('Forlad gruppen');
		await leaveGroup(db, applied.id, { label: a.user.email, userId: a.user.id });
		expect(await text(a)).toContain('Status: Udmeldt');
	});

	it('keeps the municipality page to one page at the demo network’s size; a page past the last is not found', async () => {
		const first = await (await get('/kommuner/gribskov')).text();
		expect(first).not.toContain('?side=2');
		expect((await get('/kommuner/gribskov?side=1')).status).toBe(200);
		expect((await get('/kommuner/gribskov?side=2')).status).toBe(404);
		expect((await get('/kommuner/gribskov?side=0')).status).toBe(404);
	});
});
