/**
 * Demo theme days, relative to today: six upcoming (the network and the volunteer organisations as hosts),
 * one nearly full, and one past day with materials and attendance. Fictional speakers and participants.
 * Only into a database without theme days.
 */
import type { Db } from '@db/client';
import { systemActor } from '@/modules/audit/audit.repository';
import { registerForEvent, setAttendance } from './events.registrations';
import { utcToLocal } from './events.rules';
import { createEvent, saveProgramme, type EventInput, type ProgrammeInput } from './events.writes';

const actor = systemActor('seed');

interface Demo {
	days: number;
	title: string;
	summary: string;
	organisation: string | null;
	topics: string[];
	capacity: number;
	registrations: number;
	place: [string, string] | null;
	online?: string;
	programme: ProgrammeInput[];
	materials?: string;
	description: string;
}

const p = (startTime: string, endTime: string, title: string, speakerName = '', speakerAffiliation = ''): ProgrammeInput => ({ startTime, endTime, title, speakerName, speakerAffiliation });

const DEMOS: Demo[] = [
	{
		days: 9, title: 'Selvskade og spiseforstyrrelser hos unge', organisation: 'LMS – Landsforeningen mod spiseforstyrrelser og selvskade', topics: ['selvskade', 'spiseforstyrrelser'], capacity: 30, registrations: 28,
		summary: 'Hvordan taler vi med unge om selvskade og spiseforstyrrelser — og hvem gør hvad bagefter?', place: ['Hillerød Rådhus, byrådssalen', 'Trollesmindealle 27, 3400 Hillerød'],
		description: 'En dag om **tidlige tegn**, den gode samtale og samarbejdet mellem kommune, psykiatri og frivillige.\n\n- Oplæg fra praksis\n- Cases i tværfaglige grupper\n- Netværk på tværs',
		programme: [p('09:00', '09:30', 'Velkomst og kaffe'), p('09:30', '10:30', 'Selvskade: forstå funktionen bag handlingen', 'Mette Kragh', 'Fiktiv Ungeklinik'), p('10:45', '12:00', 'Spiseforstyrrelser — tidlige tegn i skolen', 'Jonas Birk', 'LMS (fiktiv oplægsholder)'), p('12:45', '14:30', 'Cases: hvem ringer vi til?', 'Tovholderen', 'Netværket')],
	},
	{
		days: 16, title: 'Børn og unge i sorg', organisation: 'Børn, Unge & Sorg', topics: ['sorg'], capacity: 60, registrations: 12, summary: 'Sorgreaktioner, kompliceret sorg og hvordan fagpersoner støtter.',
		place: ['Kulturværftet, Store sal', 'Allégade 2, 3000 Helsingør'], description: 'Om sorg hos børn og unge efter dødsfald i familien, og om hvornår sorgen kræver mere end almindelig støtte.',
		programme: [p('13:00', '14:00', 'Sorg er ikke en sygdom — men nogle får brug for hjælp', 'Lise Vang', 'Fiktiv Sorgrådgivning'), p('14:15', '15:30', 'Sorggrupper i praksis', 'Ahmad Sabri', 'Børn, Unge & Sorg (fiktiv)')],
	},
	{
		days: 23, title: 'Vold og overgreb: når et barn fortæller', organisation: 'Bryd Tavsheden', topics: ['vold'], capacity: 50, registrations: 7, summary: 'Reaktioner, underretning og samarbejde, når et barn fortæller om vold eller overgreb.',
		place: ['Frederikssund Bibliotek', 'Jernbanegade 4, 3600 Frederikssund'], description: 'Hvad siger man, hvad gør man — og hvem gør det sammen med en?',
		programme: [p('09:00', '11:00', 'Den svære samtale', 'Karin Dahl', 'Bryd Tavsheden (fiktiv)'), p('11:15', '12:30', 'Underretning og samarbejde med myndighed', 'Peter Lind', 'Fiktiv Kommune')],
	},
	{
		days: 37, title: 'Angst hos børn og unge — fra skolevægring til behandling', organisation: 'Angstforeningen', topics: ['angst', 'skolevaegring'], capacity: 80, registrations: 3, summary: 'Forstå angst, og hvordan skole, PPR og psykiatri arbejder sammen.',
		place: null, online: 'https://moede.example/temadag-angst', description: 'Online temadag. Linket sendes også i bekræftelsen.',
		programme: [p('09:00', '10:00', 'Angst — hvad er normalt?', 'Sanne Holt', 'Fiktivt Ambulatorium'), p('10:15', '11:30', 'Skolevægring: samarbejde om tilbagevenden', 'Niels Friis', 'Fiktiv PPR')],
	},
	{
		days: 51, title: 'Depression og selvmordsforebyggelse', organisation: null, topics: ['depression', 'selvmord'], capacity: 100, registrations: 21, summary: 'Netværkets årlige temadag om depression og forebyggelse af selvmord.',
		place: ['Rudersdal Rådhus', 'Øverødvej 2, 2840 Holte'], description: 'Netværkets egen temadag med oplæg fra behandlingspsykiatrien og kommunerne.',
		programme: [p('09:00', '10:15', 'Depression hos unge — nyt fra forskningen', 'Eva Storm', 'Fiktivt Psykiatrisk Center'), p('10:30', '12:00', 'Efter selvmordsforsøget: udskrivning og opfølgning', 'Morten Bak', 'Fiktiv Kommune')],
	},
	{
		days: 65, title: 'Autisme i skole og fritid', organisation: 'Autismeforeningen', topics: ['autisme'], capacity: 40, registrations: 5, summary: 'Trivsel og mistrivsel hos børn og unge med autisme.',
		place: ['Allerød Rådhus', 'Bjarkesvej 2, 3450 Allerød'], description: 'Om at se mistrivsel bag adfærd — og om samarbejde med forældre.',
		programme: [p('13:00', '14:30', 'Autisme og angst', 'Tina Ravn', 'Autismeforeningen (fiktiv)'), p('14:45', '16:00', 'Gode overgange', 'Omar Kaya', 'Fiktiv Specialskole')],
	},
];

const PAST: Demo = {
	days: -30, title: 'Ensomhed og mistrivsel blandt unge', organisation: null, topics: ['ensomhed', 'mistrivsel'], capacity: 60, registrations: 18, summary: 'Hvad ved vi om ensomhed, og hvad virker?',
	place: ['Fredensborg Rådhus', 'Egevangen 3B, 2980 Kokkedal'], description: 'Netværkets temadag om ensomhed.',
	programme: [p('09:00', '10:30', 'Ensomhed blandt unge — tal og tendenser', 'Ida Krogh', 'Fiktivt Forskningscenter'), p('10:45', '12:00', 'Fællesskaber der virker', 'Rasmus Bech', 'Fiktiv Kommune')],
	materials: '## Materialer\n\n- [Slides: Ensomhed blandt unge (PDF)](https://materialer.example/ensomhed-slides.pdf)\n- [Slides: Fællesskaber der virker (PDF)](https://materialer.example/faellesskaber.pdf)\n\n## Opsummering\n\nDeltagerne pegede på behovet for faste kontaktpersoner på tværs af skole og fritid.',
};

const FIRST = ['Anne', 'Lars', 'Sofie', 'Mads', 'Helle', 'Jonas', 'Rikke', 'Peter', 'Line', 'Omar', 'Maria', 'Søren', 'Julie', 'Kasper', 'Yasmin'];
const LAST = ['Holm', 'Lund', 'Bech', 'Dahl', 'Skov', 'Friis', 'Kjær', 'Ravn', 'Storm', 'Bang'];
const WORKPLACES = ['Hillerød Kommune, PPR', 'Helsingør Kommune, Ungecenter', 'Gribskov Kommune, Sundhedsplejen', 'Halsnæs Kommune, SSP', 'BUC, Ambulatorium Hillerød', 'Furesø Kommune, Familiebehandling'];

function localDatePlus(now: Date, days: number): string {
	return utcToLocal(new Date(now.getTime() + days * 86_400_000).toISOString()).date;
}

export async function seedThemeDays(db: Db, opts: { now?: Date } = {}): Promise<number> {
	const now = opts.now ?? new Date();
	if (await db.selectFrom('event').select('id').limit(1).executeTakeFirst()) return 0;
	const orgId = async (name: string | null) => (name ? ((await db.selectFrom('organisation').select('id').where('name', '=', name).executeTakeFirst())?.id ?? null) : null);
	let n = 0;
	for (const demo of [...DEMOS, PAST]) {
		const date = localDatePlus(now, demo.days);
		const [start, end] = [demo.programme[0].startTime, demo.programme[demo.programme.length - 1].endTime ?? '16:00'];
		const input: EventInput = {
			title: demo.title, summary: demo.summary, description: demo.description, date, startTime: start, endTime: end,
			placeName: demo.place?.[0] ?? '', placeAddress: demo.place?.[1] ?? '', onlineUrl: demo.online ?? null, organisationId: await orgId(demo.organisation),
			organiserEmail: 'temadage@netvaerk.example', targetGroup: 'Fagpersoner i kommuner, region og frivillige organisationer', priceText: 'Gratis',
			capacity: demo.capacity, deadlineDate: null, deadlineTime: null, promotionCutoffHours: 48, materials: demo.materials ?? '', hours: demo.programme.length > 2 ? 5 : 2.5, topics: demo.topics,
		};
		// Past days are created as they were: a month and a half before they took place.
		const createdAt = demo.days < 0 ? new Date(now.getTime() + (demo.days - 45) * 86_400_000) : now;
		const event = await createEvent(db, input, actor, { now: createdAt, status: 'published' });
		await saveProgramme(db, event.id, demo.programme, actor, { now: createdAt });
		for (let i = 0; i < demo.registrations; i++) {
			const first = FIRST[(i * 7 + event.id) % FIRST.length];
			const last = LAST[(i * 3 + event.id) % LAST.length];
			const { registration } = await registerForEvent(
				db,
				event.id,
				{ name: `${first} ${last}`, email: `${first}.${last}.${event.id}.${i}@deltager.example`.toLowerCase().replace(/ø/g, 'oe'), organisation: WORKPLACES[i % WORKPLACES.length], jobTitle: i % 3 ? 'Psykolog' : 'Socialrådgiver', dietaryNeeds: i % 9 === 0 ? 'Vegetar' : '' },
				{ now: createdAt, emailVerified: true, baseUrl: 'http://localhost:4321' },
			);
			if (demo.days < 0 && i % 6 !== 5) await setAttendance(db, event.id, registration.id, 'attended', actor, { now: new Date(event.startsAt) });
		}
		n++;
	}
	// Seeding is not news: the confirmation mails of fictional participants must never be delivered.
	await db.deleteFrom('mail_outbox').where('to_address', 'like', '%@deltager.example').execute();
	return n;
}
