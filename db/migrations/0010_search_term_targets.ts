import { type Kysely } from 'kysely';
import { runDdl, syncIdSequence } from '../client';

/**
 * Thesaurus terms may point at one organisation or unit (`kind` organisation: target = organisation slug;
 * unit: `<organisation slug>/<unit slug>`), e.g. "børnepsykiatri" → the child and adolescent psychiatric
 * centre. SQLite cannot change a CHECK in place: the table is copied.
 */
const KINDS_BEFORE = "'topic','role','age_group','municipality','alias'";
const KINDS_AFTER = "'topic','role','age_group','municipality','organisation','unit','alias'";

async function rebuild(db: Kysely<any>, kinds: string, keep: string): Promise<void> {
	await runDdl(db, [`CREATE TABLE search_term_new (
		id INTEGER PRIMARY KEY,
		term TEXT NOT NULL,
		kind TEXT NOT NULL CHECK (kind IN (${kinds})),
		target TEXT NOT NULL,
		note TEXT NOT NULL DEFAULT '',
		created_at TEXT NOT NULL,
		UNIQUE (term, kind, target)
	)`,
		`INSERT INTO search_term_new (id, term, kind, target, note, created_at) SELECT id, term, kind, target, note, created_at FROM search_term WHERE kind IN (${keep})`,
		'DROP TABLE search_term',
		'ALTER TABLE search_term_new RENAME TO search_term',
	]);
	await syncIdSequence(db, 'search_term');
}

export async function up(db: Kysely<any>): Promise<void> {
	await rebuild(db, KINDS_AFTER, KINDS_BEFORE);
}

export async function down(db: Kysely<any>): Promise<void> {
	await rebuild(db, KINDS_BEFORE, KINDS_BEFORE);
}
