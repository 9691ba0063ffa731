/**
 * Reference vocabularies inserted by 0001_foundation. Frozen with it: later changes are new migrations
 * or admin edits. Synonyms are what people type; the search thesaurus builds on them.
 */

/** All 98 Danish municipalities (official codes); the 10 network members are flagged. */
export const municipalities: Array<[code: string, name: string, member?: 1]> = [
	['101', 'København'], ['147', 'Frederiksberg'], ['151', 'Ballerup'], ['153', 'Brøndby'], ['155', 'Dragør'],
	['157', 'Gentofte'], ['159', 'Gladsaxe'], ['161', 'Glostrup'], ['163', 'Herlev'], ['165', 'Albertslund'],
	['167', 'Hvidovre'], ['169', 'Høje-Taastrup'], ['173', 'Lyngby-Taarbæk'], ['175', 'Rødovre'], ['183', 'Ishøj'],
	['185', 'Tårnby'], ['187', 'Vallensbæk'], ['190', 'Furesø', 1], ['201', 'Allerød', 1], ['210', 'Fredensborg', 1],
	['217', 'Helsingør', 1], ['219', 'Hillerød', 1], ['223', 'Hørsholm', 1], ['230', 'Rudersdal', 1], ['240', 'Egedal'],
	['250', 'Frederikssund', 1], ['253', 'Greve'], ['259', 'Køge'], ['260', 'Halsnæs', 1], ['265', 'Roskilde'],
	['269', 'Solrød'], ['270', 'Gribskov', 1], ['306', 'Odsherred'], ['316', 'Holbæk'], ['320', 'Faxe'],
	['326', 'Kalundborg'], ['329', 'Ringsted'], ['330', 'Slagelse'], ['336', 'Stevns'], ['340', 'Sorø'],
	['350', 'Lejre'], ['360', 'Lolland'], ['370', 'Næstved'], ['376', 'Guldborgsund'], ['390', 'Vordingborg'],
	['400', 'Bornholm'], ['410', 'Middelfart'], ['420', 'Assens'], ['430', 'Faaborg-Midtfyn'], ['440', 'Kerteminde'],
	['450', 'Nyborg'], ['461', 'Odense'], ['479', 'Svendborg'], ['480', 'Nordfyns'], ['482', 'Langeland'],
	['492', 'Ærø'], ['510', 'Haderslev'], ['530', 'Billund'], ['540', 'Sønderborg'], ['550', 'Tønder'],
	['561', 'Esbjerg'], ['563', 'Fanø'], ['573', 'Varde'], ['575', 'Vejen'], ['580', 'Aabenraa'],
	['607', 'Fredericia'], ['615', 'Horsens'], ['621', 'Kolding'], ['630', 'Vejle'], ['657', 'Herning'],
	['661', 'Holstebro'], ['665', 'Lemvig'], ['671', 'Struer'], ['706', 'Syddjurs'], ['707', 'Norddjurs'],
	['710', 'Favrskov'], ['727', 'Odder'], ['730', 'Randers'], ['740', 'Silkeborg'], ['741', 'Samsø'],
	['746', 'Skanderborg'], ['751', 'Aarhus'], ['756', 'Ikast-Brande'], ['760', 'Ringkøbing-Skjern'], ['766', 'Hedensted'],
	['773', 'Morsø'], ['779', 'Skive'], ['787', 'Thisted'], ['791', 'Viborg'], ['810', 'Brønderslev'],
	['813', 'Frederikshavn'], ['820', 'Vesthimmerlands'], ['825', 'Læsø'], ['840', 'Rebild'], ['846', 'Mariagerfjord'],
	['849', 'Jammerbugt'], ['851', 'Aalborg'], ['860', 'Hjørring'],
];

/** Extra names people use for a member municipality (towns inside it, old municipality names). */
export const municipalitySynonyms: Record<string, string[]> = {
	'190': ['Farum', 'Værløse'],
	'201': ['Lillerød', 'Blovstrød'],
	'210': ['Humlebæk', 'Kokkedal', 'Nivå', 'Karlebo'],
	'217': ['Espergærde', 'Snekkersten', 'Hornbæk', 'Tikøb'],
	'219': ['Skævinge'],
	'223': ['Rungsted', 'Usserød'],
	'230': ['Birkerød', 'Holte', 'Søllerød', 'Nærum', 'Vedbæk'],
	'250': ['Jægerspris', 'Slangerup', 'Skibby'],
	'260': ['Frederiksværk', 'Hundested'],
	'270': ['Helsinge', 'Græsted', 'Gilleleje', 'Græsted-Gilleleje'],
};

export const topics: Array<{ slug: string; label: string; description: string; synonyms: string[] }> = [
	{ slug: 'selvmord', label: 'Selvmord og selvmordsforsøg', description: 'Selvmordstanker, selvmordsadfærd, selvmordsforsøg og forebyggelse.', synonyms: ['selvmordsforsøg', 'selvmordsadfærd', 'selvmordshandlinger', 'selvmordstanker', 'selvmordstruet', 'selvmordsforebyggelse', 'suicidal', 'suicidalitet', 'suicidforsøg', 'suicid', 'livstruende adfærd'] },
	{ slug: 'selvskade', label: 'Selvskade', description: 'Selvskadende adfærd, cutting og andre selvskadende handlinger.', synonyms: ['selvskadende adfærd', 'selvskadende', 'selvskader', 'cutting', 'skærer sig', 'snitter', 'cutter'] },
	{ slug: 'spiseforstyrrelser', label: 'Spiseforstyrrelser', description: 'Anoreksi, bulimi, tvangsoverspisning og andre spiseforstyrrelser.', synonyms: ['spiseforstyrrelse', 'anoreksi', 'anorexi', 'bulimi', 'overspisning', 'BED', 'spiser ikke', 'undervægt'] },
	{ slug: 'angst', label: 'Angst', description: 'Angst, social angst, panikangst og OCD.', synonyms: ['angstlidelse', 'social angst', 'panikangst', 'panikanfald', 'OCD', 'tvangstanker', 'bekymring'] },
	{ slug: 'depression', label: 'Depression', description: 'Depression, nedtrykthed og tristhed.', synonyms: ['depressiv', 'deprimeret', 'nedtrykt', 'nedtrykthed', 'tristhed', 'ked af det'] },
	{ slug: 'sorg', label: 'Sorg og tab', description: 'Sorg efter dødsfald, tab og kriser.', synonyms: ['sorgreaktion', 'tab', 'dødsfald', 'mistet', 'efterladt', 'krise', 'forældredød'] },
	{ slug: 'ensomhed', label: 'Ensomhed', description: 'Ensomhed og social isolation.', synonyms: ['ensom', 'ensomme', 'social isolation', 'isoleret', 'isolation', 'uden venner'] },
	{ slug: 'misbrug', label: 'Rusmidler og misbrug', description: 'Hash, alkohol, stoffer og andre afhængigheder.', synonyms: ['rusmiddel', 'rusmidler', 'rusmiddelbrug', 'hash', 'alkohol', 'stoffer', 'stofmisbrug', 'afhængighed', 'druk', 'narko', 'cannabis'] },
	{ slug: 'adhd', label: 'ADHD', description: 'ADHD, ADD og opmærksomhedsforstyrrelser.', synonyms: ['ADD', 'opmærksomhedsforstyrrelse', 'hyperaktiv', 'koncentrationsbesvær'] },
	{ slug: 'autisme', label: 'Autisme', description: 'Autisme og autismespektrumforstyrrelser.', synonyms: ['autist', 'autistisk', 'asperger', 'ASF', 'autismespektrum'] },
	{ slug: 'vold', label: 'Vold og overgreb', description: 'Vold, overgreb, omsorgssvigt og mishandling.', synonyms: ['overgreb', 'seksuelle overgreb', 'omsorgssvigt', 'mishandling', 'vold i hjemmet', 'voldsramt', 'incest', 'voldtægt'] },
	{ slug: 'psykose', label: 'Psykose', description: 'Psykose, skizofreni og psykotiske symptomer.', synonyms: ['psykotisk', 'skizofreni', 'hallucinationer', 'vrangforestillinger', 'hører stemmer'] },
	{ slug: 'mistrivsel', label: 'Mistrivsel', description: 'Psykisk mistrivsel, sårbarhed og udsathed.', synonyms: ['mistrives', 'trivsel', 'psykisk sårbarhed', 'sårbar', 'udsat', 'udsathed', 'psykiske vanskeligheder', 'mental sundhed', 'lavt selvværd', 'stress'] },
	{ slug: 'skolevaegring', label: 'Skolevægring og fravær', description: 'Skolefravær, ufrivilligt skolefravær og skolevægring.', synonyms: ['skolevægring', 'skolefravær', 'fravær', 'ufrivilligt skolefravær', 'kommer ikke i skole', 'hjemmesidder'] },
];

export const roles: Array<{ slug: string; label: string; description: string; synonyms: string[]; situation?: 1 }> = [
	{ slug: 'udskrivning', label: 'Udskrivning', description: 'Kontakt ved udskrivning fra hospital eller psykiatri.', synonyms: ['udskrivelse', 'udskrives', 'udskrevet', 'udskrivningsaftale', 'efter indlæggelse', 'overgang', 'udskrivningsmentor'], situation: 1 },
	{ slug: 'akut', label: 'Akut', description: 'Kontakt i akutte situationer samme dag.', synonyms: ['akutte', 'haster', 'krise', 'akutberedskab', 'akuttilbud', 'straks'], situation: 1 },
	{ slug: 'screening', label: 'Screening', description: 'Psykiatrisk screening, udredning og vurdering.', synonyms: ['screene', 'udredning', 'vurdering', 'psykiatrisk screening', 'visitation'], situation: 1 },
	{ slug: 'radgivning', label: 'Rådgivning', description: 'Faglig rådgivning og sparring til kolleger.', synonyms: ['rådgivning', 'sparring', 'råd', 'vejledning', 'konsultativ'], situation: 1 },
	{ slug: 'supervision', label: 'Supervision', description: 'Supervision af fagpersoner, også til autorisation.', synonyms: ['supervisor', 'kollegial supervision', 'supervisionsgruppe'] },
	{ slug: 'styregruppe', label: 'Styregruppe', description: 'Medlem af netværkets styregruppe.', synonyms: ['styregruppemedlem'] },
	{ slug: 'tovholder', label: 'Tovholder', description: 'Netværkets koordinator.', synonyms: ['koordinator', 'faglig tovholder', 'netværkskoordinator'] },
	{ slug: 'netvaerksmode', label: 'Netværksmøder', description: 'Indkalder og leder tværsektorielle netværksmøder.', synonyms: ['netværksmøde', 'tværfagligt møde', 'netværk'] },
	{ slug: 'koordinering', label: 'Forløbskoordinering', description: 'Koordinerende sagsbehandler eller forløbskoordinator.', synonyms: ['forløbskoordinator', 'koordinerende sagsbehandler', 'borgerkonsulent', 'casemanager', 'case manager'] },
	{ slug: 'underretning', label: 'Underretninger', description: 'Modtager underretninger og bekymringer om børn og unge.', synonyms: ['underrette', 'bekymringshenvendelse', 'bekymring'] },
	{ slug: 'undervisning', label: 'Undervisning', description: 'Underviser fagpersoner og holder oplæg.', synonyms: ['oplæg', 'kursus', 'temadag'] },
];

export const ageGroups: Array<{ slug: string; label: string; min: number; max: number; synonyms: string[] }> = [
	{ slug: '0-5', label: 'Småbørn (0–5 år)', min: 0, max: 5, synonyms: ['småbørn', 'småbarn', 'spædbarn', 'spædbørn', 'baby', 'børnehavebarn', 'vuggestue', 'børnehave', 'førskole'] },
	{ slug: '6-12', label: 'Børn (6–12 år)', min: 6, max: 12, synonyms: ['barn', 'børn', 'skolebarn', 'skolebørn', 'indskoling', 'mellemtrin', 'tween'] },
	{ slug: '13-17', label: 'Unge (13–17 år)', min: 13, max: 17, synonyms: ['ung', 'unge', 'teenager', 'teenage', 'teen', 'udskoling', 'pubertet'] },
	{ slug: '18-25', label: 'Unge voksne (18–25 år)', min: 18, max: 25, synonyms: ['ung voksen', 'unge voksne', 'voksen', 'studerende', 'myndig'] },
];
