/**
 * Shared page parts (src/lib/shared-render.ts): worked out once per audit id × minute × audience and never
 * older than that key. The built server's behaviour (an edit shows on the next request, signed in too) is in
 * tests/e2e/page-cache.spec.ts.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createTestDb } from './helpers/test-db';
import { audienceOf, clearSharedParts, sharedPart, sharedPartStats, sharedValue } from '@/lib/shared-render';
import { insertAuditEntry, systemActor } from '@/modules/audit/audit.repository';

let t: Awaited<ReturnType<typeof createTestDb>>;
beforeEach(async () => {
	t = await createTestDb();
	clearSharedParts();
});
afterEach(async () => t.cleanup());

const minute = Date.UTC(2026, 10, 24, 12, 0, 0);
const anonymous = { signedIn: false };
const member = { signedIn: true };
const audit = () => insertAuditEntry(t.db, { actor: systemActor('test'), entityType: 'person', entityId: 1, entityLabel: 'x', action: 'update', changes: {} });

describe('shared page parts', () => {
	it('loads once per audit id, minute and audience; a new audit entry or minute loads afresh', async () => {
		let loads = 0;
		const load = async () => ++loads;
		expect((await sharedPart(t.db, 'kommune:a', anonymous, load, minute)).value).toBe(1);
		expect((await sharedPart(t.db, 'kommune:a', anonymous, load, minute + 59_000)).value).toBe(1);
		// Signed in is another audience (numbers held back from anonymous visitors are shown).
		expect((await sharedPart(t.db, 'kommune:a', member, load, minute)).value).toBe(2);
		expect((await sharedPart(t.db, 'kommune:b', member, load, minute)).value).toBe(3);
		// The next minute: time-dependent text ("Træffes nu", the freshness colour) is worked out again.
		expect((await sharedPart(t.db, 'kommune:a', anonymous, load, minute + 60_000)).value).toBe(4);
		// An edit anywhere (every write is audited): the very next request loads afresh.
		await audit();
		expect((await sharedPart(t.db, 'kommune:a', anonymous, load, minute + 60_000)).value).toBe(5);
		expect((await sharedPart(t.db, 'kommune:a', member, load, minute + 60_000)).value).toBe(6);
		expect(loads).toBe(6);
	});

	it('keeps the rendered body for the next viewer of the generation, and drops it with the generation', async () => {
		const first = await sharedPart(t.db, 'emne:x', member, async () => 'data', minute);
		expect(first.html).toBeUndefined();
		expect(first.keep('<p>krop</p>')).toBe('<p>krop</p>');
		expect((await sharedPart(t.db, 'emne:x', member, async () => 'other', minute)).html).toBe('<p>krop</p>');
		expect((await sharedPart(t.db, 'emne:x', anonymous, async () => 'data', minute)).html).toBeUndefined();
		expect(sharedPartStats()).toMatchObject({ parts: 2, rendered: 1 });
		await audit();
		const after = await sharedPart(t.db, 'emne:x', member, async () => 'new', minute);
		expect(after).toMatchObject({ value: 'new', html: undefined });
		expect(sharedPartStats()).toMatchObject({ parts: 1, rendered: 0 });
	});

	it('loads once for requests that arrive together', async () => {
		let loads = 0;
		const load = async () => {
			loads++;
			await new Promise((r) => setTimeout(r, 20));
			return 'v';
		};
		const values = await Promise.all(Array.from({ length: 5 }, () => sharedValue(t.db, 'forløb:x', load, minute)));
		expect(values).toEqual(Array(5).fill('v'));
		expect(loads).toBe(1);
	});

	it('does not keep what was loaded for a generation that moved on meanwhile', async () => {
		let release!: () => void;
		const slow = sharedValue(t.db, 'slow', () => new Promise<string>((r) => (release = () => r('old'))), minute);
		await new Promise((r) => setTimeout(r, 5));
		await audit();
		expect(await sharedValue(t.db, 'other', async () => 'x', minute)).toBe('x');
		release();
		expect(await slow).toBe('old');
		expect(await sharedValue(t.db, 'slow', async () => 'fresh', minute)).toBe('fresh');
	});

	it('refuses viewers with edit rights (their pages carry edit links of their own)', () => {
		expect(audienceOf(anonymous)).toBe('anonym');
		expect(audienceOf(member)).toBe('medlem');
		expect(() => audienceOf({ signedIn: true, canEditPerson: () => true })).toThrow();
		expect(() => audienceOf({ signedIn: true, isEditor: true })).toThrow();
	});
});
