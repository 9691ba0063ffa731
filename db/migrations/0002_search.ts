import { sql, type Kysely } from 'kysely';
import { runDdl } from '../client';

/**
 * The search thesaurus and the search log.
 *
 * `search_term` adds what people type to the reference vocabularies (whose `synonyms` columns already hold the
 * obvious words): lay ↔ clinical words, inflections no rule derives, towns, and `alias` pairs (abbreviations and
 * unit-type words) that the index adds both ways. Admins edit it later; a change takes effect on the next search
 * after an audit entry (or within a minute).
 *
 * `search_log` counts searches that found nothing or found nothing certain — the query text only, never who asked.
 */
const statements = [
	`CREATE TABLE search_term (
		id INTEGER PRIMARY KEY,
		term TEXT NOT NULL,
		kind TEXT NOT NULL CHECK (kind IN ('topic','role','age_group','municipality','alias')),
		target TEXT NOT NULL,
		note TEXT NOT NULL DEFAULT '',
		created_at TEXT NOT NULL,
		UNIQUE (term, kind, target)
	)`,
	`CREATE TABLE search_log (
		id INTEGER PRIMARY KEY,
		query TEXT NOT NULL,
		outcome TEXT NOT NULL CHECK (outcome IN ('zero','low')),
		result_count INTEGER NOT NULL DEFAULT 0,
		count INTEGER NOT NULL DEFAULT 1,
		first_at TEXT NOT NULL,
		last_at TEXT NOT NULL,
		UNIQUE (query, outcome)
	)`,
	`CREATE INDEX search_log_last ON search_log(last_at)`,
];

/** [term, target] per kind. Terms are written as people type them; folding and stemming happen in the app. */
export const seedTerms: Record<'topic' | 'role' | 'age_group' | 'municipality' | 'alias', Array<[string, string]>> = {
	topic: [
		// selvmord
		['selvmordsforsøg', 'selvmord'], ['selvmordstanke', 'selvmord'], ['selvmordsrisiko', 'selvmord'], ['selvmordstruede', 'selvmord'],
		['selvmordsfare', 'selvmord'], ['selvmordsplaner', 'selvmord'], ['suicidalitet', 'selvmord'], ['suicidale', 'selvmord'],
		['suicidrisiko', 'selvmord'], ['livstræt', 'selvmord'], ['livstrætte', 'selvmord'], ['vil ikke leve', 'selvmord'],
		['tage sit eget liv', 'selvmord'], ['dødsønsker', 'selvmord'], ['dødstanker', 'selvmord'], ['selvmordstanker', 'selvmord'],
		// selvskade
		['selvskadende handlinger', 'selvskade'], ['selvskadning', 'selvskade'], ['skader sig selv', 'selvskade'],
		['skære i sig selv', 'selvskade'], ['skærer i sig selv', 'selvskade'], ['snitte', 'selvskade'], ['cut', 'selvskade'],
		['ridser sig', 'selvskade'], ['brænder sig', 'selvskade'], ['selvbeskadigelse', 'selvskade'], ['selvskader', 'selvskade'],
		// spiseforstyrrelser
		['anorektisk', 'spiseforstyrrelser'], ['anoreksia', 'spiseforstyrrelser'], ['anorexia', 'spiseforstyrrelser'], ['bulimisk', 'spiseforstyrrelser'],
		['spiseproblemer', 'spiseforstyrrelser'], ['spiseproblematik', 'spiseforstyrrelser'], ['kaster op', 'spiseforstyrrelser'],
		['overspiser', 'spiseforstyrrelser'], ['ortoreksi', 'spiseforstyrrelser'], ['arfid', 'spiseforstyrrelser'], ['vægttab', 'spiseforstyrrelser'],
		['spisevægring', 'spiseforstyrrelser'], ['undervægtig', 'spiseforstyrrelser'], ['tvangsoverspisning', 'spiseforstyrrelser'],
		// angst
		['angstanfald', 'angst'], ['angstproblemer', 'angst'], ['angstsymptomer', 'angst'], ['panik', 'angst'], ['nervøs', 'angst'],
		['fobi', 'angst'], ['præstationsangst', 'angst'], ['socialfobi', 'angst'], ['ængstelig', 'angst'], ['tvangstanker', 'angst'],
		['tvangshandlinger', 'angst'], ['generaliseret angst', 'angst'], ['bekymringer', 'angst'],
		// depression
		['depri', 'depression'], ['deprimerede', 'depression'], ['depressive', 'depression'], ['depressionssymptomer', 'depression'],
		['trist', 'depression'], ['nedstemt', 'depression'], ['nedtrykthed', 'depression'], ['modløs', 'depression'], ['håbløs', 'depression'],
		['håbløshed', 'depression'], ['tungsind', 'depression'], ['ulykkelig', 'depression'], ['lavt stemningsleje', 'depression'],
		// sorg
		['sorgramt', 'sorg'], ['sorgramte', 'sorg'], ['sorgproces', 'sorg'], ['sorgbearbejdning', 'sorg'], ['død', 'sorg'],
		['mistet en forælder', 'sorg'], ['mistet', 'sorg'], ['dødsfald i familien', 'sorg'], ['begravelse', 'sorg'], ['efterladte', 'sorg'],
		['tab af forælder', 'sorg'], ['traume', 'sorg'], ['kriseramt', 'sorg'],
		// ensomhed
		['alene', 'ensomhed'], ['ingen venner', 'ensomhed'], ['uden for fællesskabet', 'ensomhed'], ['isolerer sig', 'ensomhed'],
		['socialt isoleret', 'ensomhed'], ['udenforskab', 'ensomhed'],
		// misbrug
		['rusmiddelproblemer', 'misbrug'], ['rusmiddelmisbrug', 'misbrug'], ['alkoholmisbrug', 'misbrug'], ['hashmisbrug', 'misbrug'],
		['ryger hash', 'misbrug'], ['joint', 'misbrug'], ['kokain', 'misbrug'], ['piller', 'misbrug'], ['drikker', 'misbrug'],
		['beruset', 'misbrug'], ['afhængig', 'misbrug'], ['stofbrug', 'misbrug'], ['stofmisbruger', 'misbrug'], ['misbruger', 'misbrug'],
		['rus', 'misbrug'], ['euforiserende stoffer', 'misbrug'], ['ludomani', 'misbrug'], ['spilafhængighed', 'misbrug'], ['rusmidler', 'misbrug'],
		// adhd
		['uopmærksom', 'adhd'], ['impulsiv', 'adhd'], ['urolig', 'adhd'], ['opmærksomhedsforstyrrelser', 'adhd'], ['hyperaktivitet', 'adhd'],
		['koncentrationsproblemer', 'adhd'],
		// autisme
		['autismespektrumforstyrrelse', 'autisme'], ['asd', 'autisme'], ['infantil autisme', 'autisme'], ['aspergers', 'autisme'],
		['autistiske', 'autisme'], ['autismediagnose', 'autisme'],
		// vold
		['seksuelt overgreb', 'vold'], ['seksuelle krænkelser', 'vold'], ['krænkelser', 'vold'], ['psykisk vold', 'vold'],
		['fysisk vold', 'vold'], ['partnervold', 'vold'], ['kærestevold', 'vold'], ['æresrelateret', 'vold'], ['æresrelaterede konflikter', 'vold'],
		['grooming', 'vold'], ['slået', 'vold'], ['slår', 'vold'], ['tæsk', 'vold'], ['misrøgt', 'vold'], ['voldsudsat', 'vold'],
		// psykose
		['psykoser', 'psykose'], ['psykotiske', 'psykose'], ['skizofren', 'psykose'], ['paranoid', 'psykose'], ['paranoia', 'psykose'],
		['stemmehøring', 'psykose'], ['ser syner', 'psykose'], ['hallucinerer', 'psykose'], ['realitetsbrist', 'psykose'],
		// mistrivsel
		['trives ikke', 'mistrivsel'], ['dårlig trivsel', 'mistrivsel'], ['psykisk mistrivsel', 'mistrivsel'], ['psykisk sårbar', 'mistrivsel'],
		['sårbarhed', 'mistrivsel'], ['mobning', 'mistrivsel'], ['mobbet', 'mistrivsel'], ['mobbes', 'mistrivsel'], ['selvværd', 'mistrivsel'],
		['stressede', 'mistrivsel'], ['udsatte', 'mistrivsel'], ['psykiske problemer', 'mistrivsel'], ['psykisk syg', 'mistrivsel'],
		['psykisk sygdom', 'mistrivsel'], ['psykisk lidelse', 'mistrivsel'], ['sindslidelse', 'mistrivsel'], ['særlige behov', 'mistrivsel'],
		['mentale helbredsproblemer', 'mistrivsel'], ['mistrivelse', 'mistrivsel'], ['mistrives', 'mistrivsel'],
		// skolevægring
		['skolevægrer', 'skolevaegring'], ['skolevægrende', 'skolevaegring'], ['pjækker', 'skolevaegring'], ['pjæk', 'skolevaegring'],
		['vil ikke i skole', 'skolevaegring'], ['bliver hjemme', 'skolevaegring'], ['skoleangst', 'skolevaegring'], ['højt fravær', 'skolevaegring'],
		['massivt fravær', 'skolevaegring'], ['hjemmesiddere', 'skolevaegring'], ['skolefraværende', 'skolevaegring'], ['fraværsproblemer', 'skolevaegring'],
	],
	role: [
		['udskrive', 'udskrivning'], ['udskrivningen', 'udskrivning'], ['udskrivelsen', 'udskrivning'], ['udskrivelsesaftale', 'udskrivning'],
		['udskrivningsforløb', 'udskrivning'], ['udskrivningskoordinator', 'udskrivning'], ['indlagt', 'udskrivning'], ['indlæggelse', 'udskrivning'],
		['genindlæggelse', 'udskrivning'], ['hjem fra hospitalet', 'udskrivning'], ['efter udskrivelse', 'udskrivning'], ['overlevering', 'udskrivning'],
		['akuttelefon', 'akut'], ['akutte situationer', 'akut'], ['akutsamtale', 'akut'], ['samme dag', 'akut'],
		['hurtig hjælp', 'akut'], ['nødsituation', 'akut'], ['akutteam', 'akut'], ['akut hjælp', 'akut'],
		['screenes', 'screening'], ['screenet', 'screening'], ['screeningsamtale', 'screening'], ['udrede', 'screening'], ['udredes', 'screening'],
		['udredningen', 'screening'], ['vurdere', 'screening'], ['vurderes', 'screening'], ['visitering', 'screening'], ['opsporing', 'screening'],
		['rådgive', 'radgivning'], ['rådgiver', 'radgivning'], ['sparre', 'radgivning'], ['anonym rådgivning', 'radgivning'],
		['konsultation', 'radgivning'], ['vejlede', 'radgivning'], ['gode råd', 'radgivning'],
		['supervisere', 'supervision'], ['superviserer', 'supervision'],
	],
	age_group: [
		['nyfødt', '0-5'], ['nyfødte', '0-5'], ['spæd', '0-5'], ['spædbørn', '0-5'], ['tumling', '0-5'], ['dagpleje', '0-5'],
		['vuggestuebarn', '0-5'], ['børnehavebørn', '0-5'], ['førskolebarn', '0-5'], ['førskolebørn', '0-5'], ['babyer', '0-5'], ['småbørnsfamilie', '0-5'],
		['skolealder', '6-12'], ['skoleelev', '6-12'], ['skoleelever', '6-12'], ['folkeskole', '6-12'], ['indskolingen', '6-12'],
		['mellemtrinnet', '6-12'], ['skolebarn', '6-12'], ['børn', '6-12'], ['skolebørn', '6-12'],
		['teenagere', '13-17'], ['teenageren', '13-17'], ['teens', '13-17'], ['ungdom', '13-17'], ['udskolingen', '13-17'],
		['efterskole', '13-17'], ['efterskoleelev', '13-17'], ['unge', '13-17'], ['pubertet', '13-17'], ['pubertetsalder', '13-17'],
		['ung voksen', '18-25'], ['unge voksne', '18-25'], ['ungvoksen', '18-25'], ['voksne', '18-25'], ['studerende', '18-25'],
		['ungdomsuddannelse', '18-25'], ['gymnasieelev', '13-17'], ['gymnasieelev', '18-25'], ['myndig', '18-25'], ['over 18', '18-25'],
	],
	municipality: [
		['Lynge', '201'], ['Hareskov', '190'], ['Kirke Værløse', '190'], ['Vejby', '270'], ['Tisvilde', '270'], ['Esbønderup', '270'],
		['Ølsted', '260'], ['Melby', '260'], ['Liseleje', '260'], ['Ålsgårde', '217'], ['Hellebæk', '217'], ['Gørløse', '219'],
		['Nødebo', '219'], ['Ullerød', '219'], ['Rungsted Kyst', '223'], ['Trørød', '230'], ['Gl. Holte', '230'], ['Kregme', '260'],
	],
	alias: [
		['ppr', 'pædagogisk psykologisk rådgivning'], ['ssp', 'skole socialforvaltning politi'], ['kui', 'kommunal ungeindsats'],
		['uu', 'ungdommens uddannelsesvejledning'], ['uu', 'kui'], ['akt', 'adfærd kontakt trivsel'], ['bup', 'børne- og ungdomspsykiatri'],
		['bup', 'børne- og ungdomspsykiatrisk center'], ['buc', 'børne- og ungdomspsykiatrisk center'], ['bupl', 'børne- og ungdomspsykiatri'],
		['lms', 'landsforeningen mod spiseforstyrrelser og selvskade'], ['pcn', 'psykiatrisk center nordsjælland'],
		['pc', 'psykiatrisk center'], ['pam', 'psykiatrisk akutmodtagelse'], ['opus', 'udgående team'], ['ks', 'koordinerende sagsbehandler'],
		['stu', 'særligt tilrettelagt ungdomsuddannelse'], ['noh', 'nordsjællands hospital'], ['sundhedsplejerske', 'sundhedsplejen'],
		['sundhedspleje', 'sundhedsplejen'], ['skolepsykolog', 'ppr'], ['ungdomspsykiatri', 'børne- og ungdomspsykiatrisk'],
		['børnepsykiatri', 'børne- og ungdomspsykiatrisk'], ['børne- og ungepsykiatri', 'børne- og ungdomspsykiatrisk'],
		['misbrugscenter', 'rusmiddelcenter'], ['misbrugsbehandling', 'rusmiddelcenter'], ['rusmiddelbehandling', 'rusmiddelcenter'],
		['sagsbehandler', 'socialrådgiver'], ['myndighedsrådgiver', 'socialrådgiver'], ['børnerådgiver', 'familierådgiver'],
		['familieafdeling', 'børn og familie'], ['børne- og familieafdeling', 'børn og familie'], ['skadestue', 'akutmodtagelse'],
		['psykiatrisk skadestue', 'akutmodtagelse'], ['sygehus', 'hospital'], ['psykiater', 'overlæge'], ['læge', 'overlæge'],
		['gadeplan', 'gadeplansmedarbejder'], ['opsøgende', 'udgående team'], ['ungeteam', 'ungecenter'], ['ungeindsats', 'ungecenter'],
		['trivselsvejleder', 'akt-lærer'], ['inklusionsvejleder', 'akt'], ['bostøtte', 'socialpsykiatri'], ['misbrugskonsulent', 'rusmiddelcenter'],
		['kompetencecenter for selvmordsforebyggelse', 'selvmordsforebyggelse'], ['selvskadesforening', 'lms'],
	],
};

export async function up(db: Kysely<any>): Promise<void> {
	await runDdl(db, statements);
	const now = new Date().toISOString();
	const rows = Object.entries(seedTerms).flatMap(([kind, pairs]) => pairs.map(([term, target]) => ({ term, kind, target, created_at: now })));
	for (let i = 0; i < rows.length; i += 200) await db.insertInto('search_term').values(rows.slice(i, i + 200)).onConflict((oc) => oc.doNothing()).execute();
}

export async function down(db: Kysely<any>): Promise<void> {
	await sql.raw('DROP TABLE search_log').execute(db);
	await sql.raw('DROP TABLE search_term').execute(db);
}
