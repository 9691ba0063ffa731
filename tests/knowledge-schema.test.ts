import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse as parseYaml } from 'yaml';
import { describe, expect, it } from 'vitest';
import { fieldErrors } from '@/lib/forms';
import { methodSchema, pathwaySchema, resourceSchema } from '@/modules/knowledge/knowledge.schema';

const valid = {
	title: 'Netværksmøder',
	summary: 'Et møde om én plan.',
	owner: { unit: 'netvaerkssekretariatet/tovholder-og-styregruppe' },
	last_reviewed: '2026-11-20',
	review_every: 12,
	sources: [{ title: 'Sammen ved vi bedst' }],
};

function frontmatter(path: string): unknown {
	const text = readFileSync(path, 'utf8');
	const m = /^---\n([\s\S]*?)\n---\n/.exec(text);
	if (!m) throw new Error(`${path} has no frontmatter`);
	return parseYaml(m[1]);
}

describe('Knowledge frontmatter schema', () => {
	it('accepts an article with title, summary, owner, review date, interval and sources', () => {
		const parsed = methodSchema.parse(valid);
		expect(parsed.last_reviewed.toISOString().slice(0, 10)).toBe('2026-11-20');
		expect(methodSchema.parse({ ...valid, owner: { person: 'D00001' } }).owner).toEqual({ person: 'D00001' });
	});

	it('rejects a missing title, owner or review date with a message per field', () => {
		const { title: _t, ...noTitle } = valid;
		const { owner: _o, ...noOwner } = valid;
		const { last_reviewed: _l, ...noReview } = valid;
		expect(fieldErrors(methodSchema.safeParse(noTitle).error!)).toHaveProperty('title');
		expect(fieldErrors(methodSchema.safeParse(noOwner).error!)).toHaveProperty('owner');
		expect(fieldErrors(methodSchema.safeParse(noReview).error!)).toHaveProperty('last_reviewed');
		expect(methodSchema.safeParse({ ...valid, title: '' }).success).toBe(false);
		expect(methodSchema.safeParse({ ...valid, last_reviewed: 'i går' }).success).toBe(false);
	});

	it('rejects an owner that is neither a person ref nor an organisation/unit pair, and an article without sources', () => {
		expect(methodSchema.safeParse({ ...valid, owner: { unit: 'PPR' } }).success).toBe(false);
		expect(methodSchema.safeParse({ ...valid, owner: { person: 'D1', unit: 'a/b' } }).success).toBe(false);
		expect(methodSchema.safeParse({ ...valid, owner: 'tovholderen' }).success).toBe(false);
		expect(methodSchema.safeParse({ ...valid, sources: [] }).success).toBe(false);
		expect(methodSchema.safeParse({ ...valid, review_every: 0 }).success).toBe(false);
	});

	it('needs phases with contact blocks on a pathway', () => {
		expect(pathwaySchema.safeParse(valid).success).toBe(false);
		const phase = { id: 'udskrivning', title: 'Udskrivning', actors: { kommune: 'Deltager.' }, contacts: [{ label: 'Kontakt', sector: 'kommune', roles: ['udskrivning'] }] };
		const parsed = pathwaySchema.parse({ ...valid, phases: [phase] });
		expect(parsed.phases[0].contacts[0]).toMatchObject({ max: 4, age_groups: [], key_persons_only: false });
		expect(pathwaySchema.safeParse({ ...valid, phases: [{ ...phase, contacts: [{ ...phase.contacts[0], sector: 'skole' }] }] }).success).toBe(false);
		expect(pathwaySchema.safeParse({ ...valid, phases: [{ ...phase, id: 'Fase 1' }] }).success).toBe(false);
	});

	it('accepts every article in content/ (the build validates the same way)', () => {
		const schemas = { methods: methodSchema, pathways: pathwaySchema, resources: resourceSchema };
		let count = 0;
		for (const [collection, schema] of Object.entries(schemas)) {
			const dir = join('content', collection);
			for (const file of readdirSync(dir).filter((f) => f.endsWith('.md'))) {
				const result = schema.safeParse(frontmatter(join(dir, file)));
				expect(result.success, `${collection}/${file}: ${result.success ? '' : JSON.stringify(result.error.issues)}`).toBe(true);
				count++;
			}
		}
		expect(count).toBeGreaterThanOrEqual(15);
	});

	it('accepts a help line only with a number in digits and a complete source (where, who, when checked)', () => {
		const line = {
			name: 'Akuttelefonen 1813',
			number: '1813',
			for: 'Akut hjælp uden for egen læges åbningstid.',
			area: 'Region Hovedstaden',
			source: { title: 'Fakta om 1813', publisher: 'Region Hovedstaden', url: 'https://www.regionh.dk/x', checked: '2026-11-25' },
		};
		expect(resourceSchema.parse(valid).lines).toEqual([]);
		const parsed = resourceSchema.parse({ ...valid, lines: [line, { ...line, number: '116 111' }] });
		expect(parsed.lines[0].source.checked.toISOString().slice(0, 10)).toBe('2026-11-25');
		const { source: _s, ...unsourced } = line;
		expect(resourceSchema.safeParse({ ...valid, lines: [unsourced] }).success).toBe(false);
		for (const key of ['title', 'publisher', 'url', 'checked'] as const) {
			const { [key]: _k, ...partial } = line.source;
			expect(resourceSchema.safeParse({ ...valid, lines: [{ ...line, source: partial }] }).success, key).toBe(false);
		}
		expect(resourceSchema.safeParse({ ...valid, lines: [{ ...line, source: { ...line.source, url: 'regionh.dk' } }] }).success).toBe(false);
		expect(resourceSchema.safeParse({ ...valid, lines: [{ ...line, source: { ...line.source, url: 'javascript:alert(1)' } }] }).success).toBe(false);
		for (const number of ['', '18', '70-20-12-01', '+45 1813', 'ring 1813', '1813 ']) expect(resourceSchema.safeParse({ ...valid, lines: [{ ...line, number }] }).success, number).toBe(false);
	});

	it('lists help lines in content/ only with their source', () => {
		const data = resourceSchema.parse(frontmatter(join('content', 'resources', 'hjaelpelinjer.md')));
		expect(data.lines.length).toBeGreaterThanOrEqual(3);
		for (const l of data.lines) expect(l.source.url, l.name).toMatch(/^https:\/\//);
		expect(data.lines.map((l) => l.number)).toEqual(expect.arrayContaining(['112', '1813']));
	});

	it('takes only http(s) links in frontmatter sources (they are shown as links, not through the Markdown sanitiser)', () => {
		for (const url of ['javascript:alert(1)', 'JavaScript:alert(1)', 'data:text/html,<script>alert(1)</script>', 'vbscript:x', 'file:///etc/passwd', 'ftp://a.dk/x'])
			expect(methodSchema.safeParse({ ...valid, sources: [{ title: 'Kilde', url }] }).success, url).toBe(false);
		for (const url of ['https://www.regionh.dk/x', 'http://a.dk']) expect(methodSchema.safeParse({ ...valid, sources: [{ title: 'Kilde', url }] }).success, url).toBe(true);
	});
});
