/** Lower-cases and checks a work e-mail address; returns a Danish error message when it is not one. */
export function normaliseEmail(input: string): { ok: true; email: string } | { ok: false; error: string } {
	const email = input.trim().toLowerCase();
	if (!email) return { ok: false, error: 'E-mailadressen er tom.' };
	// Pragmatic: one @, a dotted domain, no spaces; what people actually mistype is caught.
	if (email.length > 254 || !/^[^\s@"<>(),;:]+@[a-z0-9æøå](?:[a-z0-9æøå-]*[a-z0-9æøå])?(?:\.[a-z0-9æøå](?:[a-z0-9æøå-]*[a-z0-9æøå])?)+$/.test(email))
		return { ok: false, error: `"${input.trim()}" er ikke en gyldig e-mailadresse.` };
	return { ok: true, email };
}
