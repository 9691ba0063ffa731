import type { Kysely } from 'kysely';
import { idColumn } from './columns';

/**
 * Knowledge: the review facts of each content article (mirrored from `content/` frontmatter by the app, so the
 * review-reminder job and /admin read them from the database in any runner), municipal local notes per
 * pathway phase, news written by admins, and the article a correction is about.
 * Schema builder only, so the same migration runs on PostgreSQL.
 */
export async function up(db: Kysely<any>): Promise<void> {
	await db.schema
		.createTable('knowledge_article')
		.addColumn('ref', 'text', (c) => c.primaryKey()) // `<collection>/<slug>`, e.g. `pathways/udskrivning-bup`
		.addColumn('collection', 'text', (c) => c.notNull())
		.addColumn('slug', 'text', (c) => c.notNull())
		.addColumn('title', 'text', (c) => c.notNull())
		.addColumn('summary', 'text', (c) => c.notNull().defaultTo(''))
		.addColumn('owner_person_ref', 'text')
		.addColumn('owner_unit', 'text')
		.addColumn('last_reviewed', 'text', (c) => c.notNull())
		.addColumn('review_every', 'integer', (c) => c.notNull())
		.addColumn('synced_at', 'text', (c) => c.notNull())
		.execute();

	await db.schema
		.createTable('knowledge_note')
		.addColumn('id', 'integer', idColumn(db))
		.addColumn('article_ref', 'text', (c) => c.notNull())
		.addColumn('phase_id', 'text', (c) => c.notNull())
		.addColumn('municipality_code', 'text', (c) => c.notNull().references('municipality.code'))
		.addColumn('body', 'text', (c) => c.notNull())
		.addColumn('updated_by', 'text', (c) => c.notNull())
		.addColumn('created_at', 'text', (c) => c.notNull())
		.addColumn('updated_at', 'text', (c) => c.notNull())
		.addUniqueConstraint('knowledge_note_unique', ['article_ref', 'phase_id', 'municipality_code'])
		.execute();

	await db.schema
		.createTable('news')
		.addColumn('id', 'integer', idColumn(db))
		.addColumn('title', 'text', (c) => c.notNull())
		.addColumn('body', 'text', (c) => c.notNull())
		// null: the whole network (home page); a code: also on that municipality's page.
		.addColumn('municipality_code', 'text', (c) => c.references('municipality.code'))
		.addColumn('published_at', 'text', (c) => c.notNull())
		.addColumn('created_by', 'text', (c) => c.notNull())
		.addColumn('created_at', 'text', (c) => c.notNull())
		.addColumn('updated_at', 'text', (c) => c.notNull())
		.execute();
	await db.schema.createIndex('news_published').on('news').columns(['published_at']).execute();

	await db.schema.alterTable('correction').addColumn('article_ref', 'text').execute();
}

export async function down(db: Kysely<any>): Promise<void> {
	await db.schema.alterTable('correction').dropColumn('article_ref').execute();
	await db.schema.dropTable('news').execute();
	await db.schema.dropTable('knowledge_note').execute();
	await db.schema.dropTable('knowledge_article').execute();
}
