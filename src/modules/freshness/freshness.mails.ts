/** The texts of the freshness loop's mails (Danish, plain text; links are written out in full). */
import { formatDate } from '@/lib/dates';
import { formatPhone } from '@/lib/phone';
import type { LoopPerson } from './freshness.repository';

export interface MailText {
	subject: string;
	text: string;
}

function entryLines(p: LoopPerson): string {
	const lines = [
		`  Navn:       ${p.firstName} ${p.lastName}`,
		`  Titel:      ${p.title || '—'}`,
		`  Enhed:      ${p.unitName}, ${p.organisationName}`,
		`  Telefon:    ${p.phone ? formatPhone(p.phone) : '—'}`,
		`  Mobil:      ${p.mobile ? formatPhone(p.mobile) : '—'}`,
		`  E-mail:     ${p.email ?? '—'}`,
		`  Træffetid:  ${p.hours || '—'}`,
	];
	return lines.join('\n');
}

export function requestMail(p: LoopPerson, links: { confirm: string; edit: string }, months: number, expiresAt: string, reminder = false): MailText {
	const intro = reminder
		? `Vi skrev til dig for tre uger siden, men har ikke fået svar. Det tager under et minut.`
		: `Du står i Vejviser, netværkets fælles kontaktbog, hvor kolleger i kommuner, region og frivillige organisationer finder den rette fagperson. Derfor beder vi dig bekræfte dine oplysninger hver ${months}. måned.`;
	return {
		subject: reminder ? 'Påmindelse: Er dine oplysninger i Vejviser stadig korrekte?' : 'Er dine oplysninger i Vejviser stadig korrekte?',
		text: `Hej ${p.firstName}

${intro}

Sådan står du nu:
${entryLines(p)}

Er det korrekt? Åbn linket og tryk på knappen "Mine oplysninger er korrekte" (du skal ikke logge ind):
${links.confirm}

Skal noget rettes, eller er du stoppet? Ret din post her (kræver log ind):
${links.edit}

Linket til bekræftelse virker til og med ${formatDate(expiresAt)}.

Venlig hilsen
Vejviser
`,
	};
}

export function escalationMail(p: LoopPerson, links: { edit: string; dashboard: string }, askedAt: string | null, overdueOn: string): MailText {
	const why = p.email
		? `har ikke svaret på vores anmodning om at bekræfte sine kontaktoplysninger (sendt ${formatDate(askedAt)}, påmindet efter tre uger).`
		: `har ingen e-mailadresse i Vejviser, så vi kan ikke spørge vedkommende selv.`;
	return {
		subject: `Kontaktoplysninger mangler bekræftelse: ${p.firstName} ${p.lastName}, ${p.unitName}`,
		text: `Hej

${p.firstName} ${p.lastName} (${p.title || 'uden titel'}, ${p.unitName}, ${p.organisationName}) ${why}
Senest bekræftet: ${p.verifiedAt ? formatDate(p.verifiedAt) : 'aldrig'}.

Du får denne mail, fordi du er redaktør for enheden eller organisationen. Vil du tjekke oplysningerne og rette dem, bekræfte dem eller markere personen som stoppet?

Ret posten:
${links.edit}

Overblik over aktualitet:
${links.dashboard}

Uden bekræftelse markeres posten som "ikke bekræftet" fra ${formatDate(`${overdueOn}T12:00:00Z`)} og vises længere nede i søgeresultaterne.

Venlig hilsen
Vejviser
`,
	};
}
