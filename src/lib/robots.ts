/**
 * Pages and data that carry people's names and work contact data are for the network's use, not for general
 * search engines (README, Decisions): they say `noindex` (meta tag and X-Robots-Tag) and robots.txt asks crawlers
 * to stay out.
 */
// Pathway pages show the chosen municipality's people live, so they stay out too (methods may be indexed).
const NOT_FOR_SEARCH_ENGINES = /^\/(?:personer|organisationer|kommuner|api|sog|viden\/forloeb)(?:\/|$)/;

export function forSearchEngines(pathname: string): boolean {
	return !NOT_FOR_SEARCH_ENGINES.test(pathname);
}
