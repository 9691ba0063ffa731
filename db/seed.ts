/**
 * The demo network: the 10 member municipalities with their typical units, Region Hovedstaden's units,
 * the volunteer organisations and ~600 fictional people. Deterministic (same data every run) and only
 * into an empty directory. Real organisation names; every person, number and address is made up.
 */
import type { Db } from './client';
import type { OrganisationType } from './schema';
import { systemActor } from '../src/modules/audit/audit.repository';
import { ensureOrganisation, ensureUnit, patchPerson, saveOrganisation, savePerson, saveUnit, saveUnitContact } from '../src/modules/directory/directory.writes';
import { slugify } from '../src/lib/text';
import { ensureAfterHoursLines } from '../src/modules/hours/hours.writes';
import { seedDemoAccounts } from '../src/modules/auth/auth.seed';
import { seedThemeDays } from '../src/modules/events/events.seed';
import { seedSupervision } from '../src/modules/supervision/supervision.seed';

/** Small deterministic PRNG (mulberry32) so the demo is identical on every machine. */
function prng(seed: number) {
	return () => {
		seed |= 0;
		seed = (seed + 0x6d2b79f5) | 0;
		let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
		t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
		return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
	};
}

const FIRST = ['Anne', 'Mette', 'Louise', 'Camilla', 'Sofie', 'Line', 'Maria', 'Julie', 'Karina', 'Pernille', 'Helle', 'Susanne', 'Tina', 'Rikke', 'Signe', 'Ida', 'Marianne', 'Lene', 'Birgitte', 'Hanne', 'Jesper', 'Lars', 'Morten', 'Thomas', 'Mads', 'Rasmus', 'Anders', 'Søren', 'Martin', 'Jakob', 'Henrik', 'Mikkel', 'Kasper', 'Peter', 'Nikolaj', 'Christian', 'Jonas', 'Emil', 'Frederik', 'Ahmad', 'Fatima', 'Aylin', 'Yasmin', 'Omar', 'Eva', 'Kirsten', 'Bodil', 'Astrid', 'Ole', 'Niels'];
const LAST = ['Holm', 'Lund', 'Bech', 'Krogh', 'Dahl', 'Vestergaard', 'Brandt', 'Skov', 'Lykke', 'Winther', 'Bak', 'Juhl', 'Friis', 'Kjær', 'Mørch', 'Østergaard', 'Aagaard', 'Bøgh', 'Thorsen', 'Kirkegaard', 'Nørgaard', 'Hviid', 'Lindqvist', 'Damgaard', 'Borup', 'Frost', 'Riis', 'Ravn', 'Storm', 'Bang', 'Krag', 'Mathiesen', 'Sørensen', 'Nielsen', 'Jensen', 'Hansen', 'Pedersen', 'Larsen', 'Andersen', 'Christensen', 'Poulsen', 'Kaya', 'Hussein', 'Demir', 'Berg', 'Eriksen', 'Lauridsen', 'Sand'];
const HOURS = ['Man-fre 8-16', 'Man-tors 8-15, fre 8-13', 'Hverdage 9-15', 'Tirs og tors 10-14', 'Man-tors 8.30-15.30, fre 8.30-13'];

interface UnitTemplate {
	name: string;
	aliases?: string[];
	titles: string[];
	topics: string[];
	ages: string[];
	roles: string[];
	size: [number, number];
	contact?: string;
	/** The shared contact's hours when its name promises them ("døgnåben"); else drawn from HOURS. */
	contactHours?: string;
	description: string;
	/** Visiting address (street; postcode and town) of a region unit; municipal units get their town hall area's. */
	address?: [street: string, postcode: string, town: string];
}

const MUNICIPAL_UNITS: UnitTemplate[] = [
	{ name: 'PPR', aliases: ['Pædagogisk Psykologisk Rådgivning'], titles: ['Psykolog', 'Skolepsykolog', 'Tale-hørepædagog', 'Ledende psykolog'], topics: ['angst', 'adhd', 'autisme', 'skolevaegring', 'mistrivsel', 'depression'], ages: ['0-5', '6-12', '13-17'], roles: ['screening', 'radgivning', 'supervision'], size: [5, 8], contact: 'PPR’s hovednummer', description: 'Pædagogisk Psykologisk Rådgivning: psykologer og tale-hørepædagoger for børn i dagtilbud og skole.' },
	{ name: 'SSP', aliases: ['Skole, socialforvaltning og politi'], titles: ['SSP-konsulent', 'Gadeplansmedarbejder'], topics: ['misbrug', 'vold', 'mistrivsel', 'ensomhed'], ages: ['13-17', '18-25'], roles: ['akut', 'radgivning'], size: [2, 4], contact: 'SSP-vagttelefon', contactHours: 'Hverdage 9-15; vagt fre og lør 20-02', description: 'Samarbejde mellem skole, socialforvaltning og politi om forebyggelse blandt unge.' },
	{ name: 'Sundhedsplejen', aliases: ['Sundhedspleje'], titles: ['Sundhedsplejerske', 'Ledende sundhedsplejerske'], topics: ['mistrivsel', 'spiseforstyrrelser', 'ensomhed', 'sorg'], ages: ['0-5', '6-12', '13-17'], roles: ['screening', 'radgivning'], size: [4, 7], contact: 'Sundhedsplejens telefontid', description: 'Sundhedsplejersker for småbørn, skolebørn og unge.' },
	{ name: 'Socialpsykiatri', titles: ['Bostøtte', 'Sygeplejerske', 'Teamleder', 'Behandler'], topics: ['psykose', 'depression', 'angst', 'selvskade', 'selvmord'], ages: ['18-25'], roles: ['udskrivning', 'akut'], size: [4, 6], contact: 'Socialpsykiatriens visitation', description: 'Social støtte efter udskrivning fra behandlingspsykiatrien.' },
	{ name: 'Kommunal ungeindsats (KUI)', aliases: ['KUI', 'UU', 'Ungdommens Uddannelsesvejledning', 'Ungeindsatsen'], titles: ['Uddannelsesvejleder', 'Mentor', 'Ungerådgiver'], topics: ['skolevaegring', 'mistrivsel', 'ensomhed', 'misbrug'], ages: ['13-17', '18-25'], roles: ['udskrivning', 'radgivning', 'koordinering'], size: [3, 6], contact: 'Ungeindsatsens fællesnummer', description: 'Én indgang for unge 15–25 år: uddannelsesvejledning, mentorer og ungerådgivning.' },
	{ name: 'Børn og Familie, myndighed', aliases: ['Børne- og familieafdelingen', 'Familieafdelingen', 'Myndighed'], titles: ['Socialrådgiver', 'Familierådgiver', 'Teamleder'], topics: ['vold', 'mistrivsel', 'selvskade', 'selvmord', 'misbrug', 'skolevaegring'], ages: ['0-5', '6-12', '13-17'], roles: ['udskrivning', 'akut', 'underretning'], size: [5, 8], contact: 'Modtagelsen for underretninger', description: 'Myndighedsrådgivning for børn, unge og familier, herunder underretninger.' },
	{ name: 'Familiebehandling', titles: ['Familiebehandler', 'Psykolog'], topics: ['vold', 'sorg', 'mistrivsel', 'angst'], ages: ['0-5', '6-12', '13-17'], roles: ['radgivning', 'netvaerksmode'], size: [3, 6], description: 'Familiebehandling og forældrestøtte.' },
	{ name: 'Rusmiddelcenter, ungeteam', aliases: ['Misbrugscenter', 'Ungemisbrug'], titles: ['Misbrugskonsulent', 'Behandler'], topics: ['misbrug', 'angst', 'depression'], ages: ['13-17', '18-25'], roles: ['akut', 'udskrivning', 'radgivning'], size: [2, 4], contact: 'Rusmiddelcentrets åbne rådgivning', description: 'Anonym rådgivning og behandling for unge med rusmidler.' },
	{ name: 'Skoler og AKT', aliases: ['AKT', 'Adfærd, kontakt og trivsel'], titles: ['AKT-lærer', 'Inklusionsvejleder', 'Pædagog'], topics: ['skolevaegring', 'mistrivsel', 'adhd', 'autisme', 'ensomhed'], ages: ['6-12', '13-17'], roles: ['screening', 'radgivning'], size: [3, 5], description: 'Adfærd, kontakt og trivsel i folkeskolen.' },
	{ name: 'Ungecenter', aliases: ['Ungehus', 'Ungerådgivningen'], titles: ['Ungerådgiver', 'Psykolog', 'Pædagog'], topics: ['selvskade', 'selvmord', 'spiseforstyrrelser', 'angst', 'depression', 'ensomhed', 'sorg'], ages: ['13-17', '18-25'], roles: ['udskrivning', 'akut', 'radgivning'], size: [3, 6], contact: 'Anonym ungerådgivning', description: 'Anonym rådgivning og samtaleforløb for unge.' },
	{ name: 'Sundhed og Forebyggelse', titles: ['Sundhedskonsulent', 'Forebyggelseskonsulent'], topics: ['mistrivsel', 'ensomhed', 'selvmord', 'misbrug'], ages: ['13-17', '18-25'], roles: ['radgivning', 'undervisning'], size: [2, 3], description: 'Forebyggelse og mental sundhed for børn og unge.' },
];

const MEMBER_CODES = ['201', '210', '250', '190', '270', '260', '217', '219', '223', '230'];

/** Postcode and town of each member municipality's administration (real towns; street numbers are made up). */
const MUNICIPAL_TOWN: Record<string, [postcode: string, town: string]> = {
	'201': ['3450', 'Allerød'],
	'210': ['3480', 'Fredensborg'],
	'250': ['3600', 'Frederikssund'],
	'190': ['3520', 'Farum'],
	'270': ['3200', 'Helsinge'],
	'260': ['3300', 'Frederiksværk'],
	'217': ['3000', 'Helsingør'],
	'219': ['3400', 'Hillerød'],
	'223': ['2970', 'Hørsholm'],
	'230': ['2840', 'Holte'],
};
const STREETS = ['Rådhusvej', 'Stationsvej', 'Skolevej', 'Kirkegade', 'Parkvej', 'Torvet', 'Søndergade', 'Nørregade', 'Møllevej', 'Bytoften', 'Industrivej'];

interface OrgTemplate {
	name: string;
	type: OrganisationType;
	domain: string;
	description: string;
	units: (UnitTemplate & { serves?: string[] })[];
}

const REGION: OrgTemplate[] = [
	{ name: 'Børne- og Ungdomspsykiatrisk Center (BUC), Region Hovedstaden', type: 'region', domain: 'regionh.example', description: 'Børne- og ungdomspsykiatri (BUP/BUC) for Region Hovedstaden.', units: [
		{ name: 'Akutmodtagelse Bispebjerg', aliases: ['BUC-Bispebjerg', 'BUC akut'], titles: ['Overlæge', 'Sygeplejerske', 'Psykolog'], topics: ['selvmord', 'selvskade', 'psykose', 'spiseforstyrrelser'], ages: ['6-12', '13-17'], roles: ['akut', 'screening'], size: [4, 5], contact: 'Akutmodtagelsen, døgnåben', contactHours: 'Døgnet rundt, alle dage', address: ['Bispebjerg Bakke 30', '2400', 'København NV'], description: 'Døgnåben psykiatrisk akutmodtagelse for børn og unge under 18.', serves: MEMBER_CODES },
		{ name: 'Ambulatorium Hillerød', address: ['Dyrehavevej 42', '3400', 'Hillerød'], aliases: ['BUP Hillerød'], titles: ['Overlæge', 'Psykolog', 'Sygeplejerske'], topics: ['angst', 'depression', 'adhd', 'autisme', 'spiseforstyrrelser'], ages: ['6-12', '13-17'], roles: ['screening', 'udskrivning'], size: [4, 6], description: 'Udredning og behandling af børn og unge i Nordsjælland.', serves: MEMBER_CODES },
		{ name: 'Udgående team Nordsjælland', address: ['Dyrehavevej 42', '3400', 'Hillerød'], aliases: ['Tværfagligt udgående team'], titles: ['Sygeplejerske', 'Psykolog', 'Socialrådgiver'], topics: ['selvskade', 'selvmord', 'skolevaegring', 'angst'], ages: ['13-17'], roles: ['udskrivning', 'netvaerksmode'], size: [3, 5], description: 'Tværfagligt team, der arbejder i hjemmet, skolen og kommunen omkring udskrivning.', serves: ['219', '270', '260', '250', '217', '210'] },
	] },
	{ name: 'Psykiatrisk Center Nordsjælland', type: 'region', domain: 'regionh.example', description: 'Voksenpsykiatri i Nordsjælland, også for unge voksne fra 18 år.', units: [
		{ name: 'Akutmodtagelse', aliases: ['PAM', 'Psykiatrisk akutmodtagelse'], titles: ['Overlæge', 'Sygeplejerske'], topics: ['selvmord', 'psykose', 'selvskade'], ages: ['18-25'], roles: ['akut', 'screening'], size: [3, 4], contact: 'Psykiatrisk akutmodtagelse, døgnåben', contactHours: 'Døgnet rundt, alle dage', address: ['Dyrehavevej 48', '3400', 'Hillerød'], description: 'Døgnåben psykiatrisk akutmodtagelse for voksne.', serves: MEMBER_CODES },
		{ name: 'OPUS Nordsjælland', address: ['Dyrehavevej 48', '3400', 'Hillerød'], aliases: ['OPUS'], titles: ['Sygeplejerske', 'Psykolog', 'Socialrådgiver'], topics: ['psykose'], ages: ['18-25'], roles: ['udskrivning', 'koordinering'], size: [3, 4], description: 'Opsøgende, udgående team for unge med psykose.', serves: MEMBER_CODES },
		{ name: 'Ambulatorium for unge voksne', address: ['Dyrehavevej 48', '3400', 'Hillerød'], titles: ['Psykolog', 'Overlæge', 'Sygeplejerske'], topics: ['depression', 'angst', 'spiseforstyrrelser', 'selvskade'], ages: ['18-25'], roles: ['udskrivning', 'screening'], size: [3, 5], description: 'Ambulant behandling af unge voksne 18–25 år.', serves: MEMBER_CODES },
	] },
	{ name: 'Psykiatrisk Center Glostrup', type: 'region', domain: 'regionh.example', description: 'Psykiatrisk center med tværfagligt udgående team.', units: [
		{ name: 'Tværfagligt udgående team', address: ['Nordstjernevej 41', '2600', 'Glostrup'], aliases: ['Tværfagligt udgående team Glostrup'], titles: ['Sygeplejerske', 'Psykolog'], topics: ['selvmord', 'selvskade', 'depression'], ages: ['18-25'], roles: ['udskrivning', 'netvaerksmode'], size: [3, 4], description: 'Udgående team omkring overgange og udskrivning.', serves: ['190', '230', '223', '201'] },
	] },
	{ name: 'Kompetencecenter for Selvmordsforebyggelse', type: 'region', domain: 'regionh.example', description: 'Region Hovedstadens kompetencecenter: klinik, undervisning og rådgivning om selvmordsforebyggelse.', units: [
		{ name: 'Klinik for unge', address: ['Nordstjernevej 41', '2600', 'Glostrup'], titles: ['Psykolog', 'Overlæge'], topics: ['selvmord', 'selvskade'], ages: ['13-17', '18-25'], roles: ['udskrivning', 'screening'], size: [3, 4], description: 'Samtaleforløb efter selvmordsforsøg for unge.', serves: MEMBER_CODES },
		{ name: 'Undervisning og rådgivning', address: ['Nordstjernevej 41', '2600', 'Glostrup'], titles: ['Psykolog', 'Konsulent'], topics: ['selvmord', 'selvskade'], ages: ['13-17', '18-25'], roles: ['radgivning', 'undervisning', 'supervision'], size: [2, 3], contact: 'Rådgivning til fagpersoner', description: 'Rådgivning og undervisning af fagpersoner.', serves: MEMBER_CODES },
	] },
	{ name: 'Nordsjællands Hospital, Børne- og Ungeafdelingen', type: 'region', domain: 'regionh.example', description: 'Børne- og Ungeafdelingen på Hillerød Hospital.', units: [
		{ name: 'Sengeafsnit', address: ['Dyrehavevej 29', '3400', 'Hillerød'], aliases: ['Børneafdelingen på Hillerød Hospital', 'Børne- og Ungeafdelingen Hillerød'], titles: ['Sygeplejerske', 'Overlæge', 'Udskrivningskoordinator'], topics: ['selvskade', 'selvmord', 'spiseforstyrrelser'], ages: ['6-12', '13-17'], roles: ['udskrivning', 'akut'], size: [4, 5], description: 'Indlæggelse af børn og unge, også efter selvskade og forgiftning.', serves: MEMBER_CODES },
	] },
];

const VOLUNTEER: OrgTemplate[] = [
	['LMS – Landsforeningen mod spiseforstyrrelser og selvskade', 'lms.example', ['spiseforstyrrelser', 'selvskade'], 'Rådgivning, støtte og mentorordninger om spiseforstyrrelser og selvskade.'],
	['Børn, Unge & Sorg', 'bornungesorg.example', ['sorg'], 'Rådgivning og sorggrupper for børn og unge, der har mistet.'],
	['Bryd Tavsheden', 'brydtavsheden.example', ['vold'], 'Rådgivning om vold og seksuelle overgreb.'],
	['Angstforeningen', 'angstforeningen.example', ['angst'], 'Rådgivning og grupper om angst.'],
	['Depressionsforeningen', 'depressionsforeningen.example', ['depression'], 'Rådgivning og netværk om depression.'],
	['Autismeforeningen', 'autismeforeningen.example', ['autisme'], 'Rådgivning om autisme for familier og fagfolk.'],
	['headspace', 'headspace.example', ['mistrivsel', 'ensomhed', 'angst'], 'Gratis og anonym samtale for unge 12–25 år.'],
].map(([name, domain, topics, description]) => ({
	name: name as string,
	type: 'frivillig' as const,
	domain: domain as string,
	description: description as string,
	units: [{ name: 'Rådgivning', titles: ['Frivilligkoordinator', 'Rådgiver'], topics: topics as string[], ages: ['6-12', '13-17', '18-25'], roles: ['radgivning', 'undervisning'], size: [2, 3] as [number, number], contact: 'Rådgivningslinjen', description: description as string, serves: MEMBER_CODES }],
}));

/** Extra demo data from other parts (theme days, accounts…) registers here. */
export const extraSeeders: Array<(db: Db) => Promise<void>> = [];
extraSeeders.push(async (db) => void (await seedDemoAccounts(db)));
extraSeeders.push(async (db) => void (await seedThemeDays(db)));
extraSeeders.push(async (db) => void (await seedSupervision(db)));

export async function seedDemoNetwork(db: Db, opts: { now?: Date } = {}): Promise<{ seeded: boolean; people: number }> {
	const existing = await db.selectFrom('person').select('id').limit(1).executeTakeFirst();
	if (existing) return { seeded: false, people: 0 };
	const rand = prng(20261122);
	const pick = <T>(list: T[]) => list[Math.floor(rand() * list.length)];
	const some = <T>(list: T[], min: number, max: number) => {
		const n = Math.min(list.length, min + Math.floor(rand() * (max - min + 1)));
		return [...list].sort(() => rand() - 0.5).slice(0, n);
	};
	const now = opts.now ?? new Date();
	const daysAgo = (d: number) => new Date(now.getTime() - d * 86_400_000).toISOString().slice(0, 10);
	const actor = systemActor('seed');
	let refNo = 0;
	let phoneNo = 0;
	const usedNames = new Set<string>();
	const phone = () => `+45${String(31000000 + ((phoneNo++ * 7919) % 6900000) + 1000000 * (phoneNo % 5))}`;
	const people: { id: number; unitId: number; name: string; verified: string }[] = [];

	await db.transaction().execute(async (trx) => {
		const addUnitWithPeople = async (orgId: number, orgDomain: string, municipalityCode: string | null, tpl: UnitTemplate & { serves?: string[] }) => {
			const unit = await ensureUnit(trx, actor, orgId, tpl.name);
			const town = municipalityCode ? MUNICIPAL_TOWN[municipalityCode] : undefined;
			const unitNo = MUNICIPAL_UNITS.indexOf(tpl);
			const address: [string, string, string] | undefined =
				tpl.address ?? (town && unitNo >= 0 ? [`${STREETS[unitNo % STREETS.length]} ${((Number(municipalityCode) * 7 + unitNo * 13) % 60) + 1}`, town[0], town[1]] : undefined);
			await saveUnit(
				trx,
				actor,
				{ organisationId: orgId, name: tpl.name, aliases: tpl.aliases ?? [], description: tpl.description, municipalityCodes: tpl.serves ?? [], ...(address && { address: address[0], postcode: address[1], town: address[2] }) },
				unit.id,
			);
			if (tpl.contact) {
				// Always draw, so the people generated after it stay the same whether or not the hours are fixed.
				const drawn = pick(HOURS);
				await saveUnitContact(trx, actor, { unitId: unit.id, label: tpl.contact, phone: phone(), email: `${slugify(tpl.name).slice(0, 20)}@${orgDomain}`, hours: tpl.contactHours ?? drawn });
			}
			const size = tpl.size[0] + Math.floor(rand() * (tpl.size[1] - tpl.size[0] + 1));
			for (let i = 0; i < size; i++) {
				let first: string, last: string;
				do {
					first = pick(FIRST);
					last = rand() < 0.2 ? `${pick(LAST)} ${pick(LAST)}` : pick(LAST);
				} while (usedNames.has(`${first} ${last}`));
				usedNames.add(`${first} ${last}`);
				const ref = `D${String(++refNo).padStart(5, '0')}`;
				const age = rand();
				const verified = age < 0.08 ? daysAgo(400 + Math.floor(rand() * 300)) : daysAgo(1 + Math.floor(rand() * 299));
				const outcome = await savePerson(trx, actor, {
					ref,
					firstName: first,
					lastName: last,
					title: i === 0 && size > 3 ? pick(tpl.titles.filter((t) => /Ledende|Teamleder/.test(t)).concat(tpl.titles[0])) : pick(tpl.titles),
					unitId: unit.id,
					municipalityCode,
					phone: phone(),
					mobile: rand() < 0.5 ? phone() : null,
					email: `${slugify(first)}.${slugify(last).replace(/-/g, '')}@${orgDomain}`,
					hours: rand() < 0.85 ? pick(HOURS) : '',
					note: '',
					keyPerson: i === 0 || (i === 1 && rand() < 0.3),
					status: 'active',
					successorId: null,
					verifiedAt: verified,
					// The key person covers the unit's core: its first topics, all its ages and its main situations,
					// so a need like "hillerød selvskade 15 år udskrivning" finds a key person in the demo too.
					topics: i === 0 ? [...new Set([...tpl.topics.slice(0, 3), ...some(tpl.topics, 0, 1)])] : some(tpl.topics, 1, 3),
					roles: i === 0 ? tpl.roles.slice(0, 2) : some(tpl.roles, 0, 2),
					ageGroups: i === 0 ? tpl.ages : some(tpl.ages, 1, 2),
				});
				people.push({ id: outcome.id, unitId: unit.id, name: `${first} ${last}`, verified });
			}
		};

		for (const code of MEMBER_CODES) {
			const municipality = await trx.selectFrom('municipality').select(['name', 'slug']).where('code', '=', code).executeTakeFirstOrThrow();
			const domain = `${municipality.slug}.kommune.example`;
			const org = await ensureOrganisation(trx, actor, { name: `${municipality.name} Kommune`, type: 'kommune', municipalityCode: code });
			await saveOrganisation(trx, actor, { name: `${municipality.name} Kommune`, type: 'kommune', municipalityCode: code, description: `${municipality.name} Kommunes fagpersoner i netværket.`, emailDomains: [domain] }, org.id);
			for (const tpl of MUNICIPAL_UNITS) await addUnitWithPeople(org.id, domain, code, tpl);
		}
		for (const orgTpl of [...REGION, ...VOLUNTEER]) {
			const org = await ensureOrganisation(trx, actor, { name: orgTpl.name, type: orgTpl.type, municipalityCode: null });
			await saveOrganisation(trx, actor, { name: orgTpl.name, type: orgTpl.type, municipalityCode: null, description: orgTpl.description, emailDomains: [orgTpl.domain] }, org.id);
			for (const tpl of orgTpl.units) await addUnitWithPeople(org.id, orgTpl.domain, null, tpl);
		}
		// The network's own secretariat: the coordinator (tovholder) and the steering group.
		const secretariat = await ensureOrganisation(trx, actor, { name: 'Netværkssekretariatet', type: 'andet', municipalityCode: null });
		await saveOrganisation(trx, actor, { name: 'Netværkssekretariatet', type: 'andet', municipalityCode: null, description: 'Netværkets tovholder og styregruppe.', emailDomains: ['netvaerk.example'] }, secretariat.id);
		await addUnitWithPeople(secretariat.id, 'netvaerk.example', null, { name: 'Tovholder og styregruppe', titles: ['Netværkskoordinator'], topics: ['selvmord', 'selvskade', 'mistrivsel'], ages: ['13-17', '18-25'], roles: ['tovholder', 'styregruppe'], size: [2, 2], contact: 'Netværkets postkasse', contactHours: 'Svar inden for to hverdage', description: 'Kontakt netværket om temadage, supervision og optagelse.', serves: MEMBER_CODES });

		// Some people have left: each hands over to a colleague in the same unit.
		const leavers = people.filter((_, i) => i % 23 === 7);
		for (const leaver of leavers) {
			const successor = people.find((p) => p.unitId === leaver.unitId && p.id !== leaver.id && !leavers.includes(p));
			// left_at after their last confirmation: nobody confirms an entry after leaving.
			const leftDays = Math.min(20 + (leaver.id % 200), Math.max(1, Math.round((now.getTime() - Date.parse(leaver.verified)) / 86_400_000) - 5));
			await patchPerson(trx, actor, leaver.id, { status: 'left' as const, left_at: daysAgo(leftDays), successor_id: successor?.id ?? null }, 'left');
		}
		// Deputies for the key persons of the first unit of each municipality.
		for (let i = 0; i + 1 < people.length; i += 41) {
			if (people[i].unitId === people[i + 1].unitId) await patchPerson(trx, actor, people[i].id, { deputy_id: people[i + 1].id }, 'update', { touchUpdatedAt: false });
		}
		// After-hours lines: one socialvagt per member municipality and the region's, with fictional numbers.
		await ensureAfterHoursLines(trx, actor, { phoneFor: () => phone() });
		// The demo's after-hours units sit at the address of their organisation's first unit.
		for (const u of await trx.selectFrom('unit').select(['id', 'organisation_id']).where('address', 'is', null).execute()) {
			const sibling = await trx.selectFrom('unit').select(['address', 'postcode', 'town']).where('organisation_id', '=', u.organisation_id).where('address', 'is not', null).orderBy('id').executeTakeFirst();
			if (sibling) await trx.updateTable('unit').set(sibling).where('id', '=', u.id).execute();
		}
		// Demo history, not a change: the writes above stamp created/updated "now", which would show every
		// demo entry as changed today next to an older confirmation. Entries were created before they were
		// last confirmed and last changed when confirmed (or when the person left).
		for (const p of people) {
			const created = new Date(Date.parse(p.verified) - (60 + (p.id % 300)) * 86_400_000).toISOString();
			await trx.updateTable('person').set({ created_at: created, updated_at: `${p.verified}T10:00:00.000Z` }).where('id', '=', p.id).execute();
		}
		await trx.updateTable('person').set((eb) => ({ updated_at: eb.ref('left_at') as never })).where('status', '=', 'left').where('left_at', 'is not', null).execute();
	});
	for (const seeder of extraSeeders) await seeder(db);
	return { seeded: true, people: people.length };
}
