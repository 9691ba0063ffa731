import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Db } from '@db/client';
import { renderMarkdown } from '@/lib/markdown';
import { createTestDb } from './helpers/test-db';
import { createNews } from '@/modules/knowledge/knowledge.writes';
import { listNews } from '@/modules/knowledge/knowledge.repository';

const HOSTILE = [
	'# Nyt <script>alert(1)</script>',
	'<img src=x onerror="alert(2)"> <p onclick="steal()">Klik</p> <a href="https://a.dk" onmouseover="x()">a</a>',
	'[klik](javascript:alert(3)) <a href="JaVaScRiPt:alert(4)">b</a> <a href="  javascript:alert(5)">c</a>',
	'<svg onload="alert(6)"></svg><iframe src="javascript:alert(7)"></iframe>',
].join('\n\n');

function expectClean(html: string) {
	expect(html).not.toMatch(/<script|alert\(|onerror|onclick|onmouseover|onload|javascript:|<svg|<iframe|<img/i);
}

describe('The one sanitiser for knowledge content and news', () => {
	let db: Db;
	let cleanup: () => Promise<void>;
	beforeEach(async () => ({ db, cleanup } = await createTestDb()));
	afterEach(() => cleanup());

	it('removes scripts, event handlers and javascript: links from a news body stored by an admin', async () => {
		await createNews(db, { label: 'admin@test.example', userId: 1 }, { title: '<b>Nyhed</b>', body: HOSTILE, municipality: '', municipalityCode: null });
		const [news] = await listNews(db);
		expect(news.body).toBe(HOSTILE); // stored as typed, cleaned when shown
		const html = renderMarkdown(news.body);
		expectClean(html);
		expect(html).toContain('Klik');
		expect(html).toContain('<a href="https://a.dk" rel="noopener noreferrer">a</a>');
	});

	it('removes the same from an article body and a phase text, as content is rendered', () => {
		const content = `---\ntitle: x\n---\n\n## Afsnit\n\n${HOSTILE}\n`;
		const body = content.split('\n---\n')[1];
		expectClean(renderMarkdown(body));
		expectClean(renderMarkdown('Kommunen <a href="javascript:void(0)" onfocus="x()">deltager</a>.'));
	});

	it('renders every article in content/ without anything the sanitiser has to remove', () => {
		for (const collection of ['methods', 'pathways', 'resources']) {
			for (const file of readdirSync(join('content', collection))) {
				const body = readFileSync(join('content', collection, file), 'utf8').split(/\n---\n/).slice(1).join('\n---\n');
				const html = renderMarkdown(body);
				expectClean(html);
				expect(html.length, `${collection}/${file}`).toBeGreaterThan(50);
			}
		}
	});
});
