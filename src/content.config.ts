/**
 * The knowledge section's content collections. The Markdown lives in the top-level `content/` folder (written by
 * people, reviewed by owners); the frontmatter schemas are the knowledge module's, so a missing title, owner or
 * review date fails the build. Bodies are rendered at request time through renderMarkdown() — never Astro's own
 * Markdown pipeline — so content and news pass the same sanitiser.
 */
import { defineCollection } from 'astro:content';
import { glob } from 'astro/loaders';
import { methodSchema, pathwaySchema, resourceSchema } from '@/modules/knowledge/knowledge.schema';

export const collections = {
	methods: defineCollection({ loader: glob({ pattern: '*.md', base: './content/methods' }), schema: methodSchema }),
	pathways: defineCollection({ loader: glob({ pattern: '*.md', base: './content/pathways' }), schema: pathwaySchema }),
	resources: defineCollection({ loader: glob({ pattern: '*.md', base: './content/resources' }), schema: resourceSchema }),
};
