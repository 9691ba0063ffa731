/** A unit's visiting address as one line and as a link to the map (OpenStreetMap's search, no API key, no tracking script). */

export interface AddressParts {
	address: string | null;
	postcode: string | null;
	town: string | null;
}

/** "Kongensgade 12, 3400 Hillerød", or null when nothing is known. */
export function addressLine(unit: AddressParts): string | null {
	const place = [unit.postcode, unit.town].filter(Boolean).join(' ');
	const line = [unit.address, place].filter(Boolean).join(', ');
	return line || null;
}

/** The map link for the address; null without a street (a town alone is not a place to visit). */
export function mapUrl(unit: AddressParts): string | null {
	const line = addressLine(unit);
	if (!line || !unit.address) return null;
	return `https://www.openstreetmap.org/search?query=${encodeURIComponent(`${line}, Danmark`)}`;
}
