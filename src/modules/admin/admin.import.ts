/**
 * The web import (/admin/import): upload → preview → confirm, on the very engine `npm run db:import` uses
 * (importDirectoryCsv). The preview is a dry run (the writes are made and rolled back), so it shows exactly
 * what the confirm will do; nothing is kept but the uploaded text in `import_preview`.
 *
 * A preview can be confirmed only while it is the newest upload (each upload deletes the others) and the audit
 * log is where it was at preview time (every directory change adds an entry): the engine checks that inside
 * its write transaction, so a change made between preview and confirm cannot be written over.
 */
import { randomBytes } from 'node:crypto';
import type { Db } from '@db/client';
import { nowIso } from '@/lib/dates';
import { UPLOAD_BODY_LIMITS } from '@/lib/forms';
import { latestAuditId, type Actor } from '@/modules/audit/audit.repository';
import { decodeCsvBytes, importDirectoryCsv, type ImportReport } from '@/modules/directory/directory.import';

/** Largest upload accepted on /admin/import (src/lib/forms.ts UPLOAD_BODY_LIMITS; 64 KB forms elsewhere). */
export const IMPORT_BODY_LIMIT = UPLOAD_BODY_LIMITS['/admin/import'];
/** A preview older than this is not confirmed (someone left the page open; look again). */
const PREVIEW_TTL_MS = 60 * 60 * 1000;

export type PreviewResult = { report: ImportReport; previewId: string | null };

/** Dry-runs an upload and, when something can be imported, keeps it as the one preview that may be confirmed. */
export async function previewImport(db: Db, actor: Actor & { userId: number }, fileName: string, bytes: Uint8Array): Promise<PreviewResult> {
	const { text, note } = decodeCsvBytes(bytes);
	// Read before the dry run: a change landing in between makes the confirm refuse (conservative, never lax).
	const auditId = await latestAuditId(db);
	const report = await importDirectoryCsv(db, text, { dryRun: true, actor, fileName, skipInvalidRows: true });
	if (note) report.notes.push(note);
	// Any upload — also a rejected one — retires earlier previews, so an older preview can never be confirmed.
	await db.deleteFrom('import_preview').execute();
	if (!report.ok || report.rowsRead === 0) return { report, previewId: null };
	const id = randomBytes(18).toString('base64url');
	await db.insertInto('import_preview').values({ id, user_id: actor.userId, file_name: fileName, csv: text, audit_id: auditId, created_at: nowIso() }).execute();
	return { report, previewId: id };
}

export type ConfirmResult =
	| { ok: true; report: ImportReport }
	| { ok: false; reason: 'superseded' | 'expired' | 'stale' | 'failed'; message: string; report?: ImportReport };

/** Runs the import a preview showed; refuses (and asks for a new preview) when it is not the newest or the data changed. */
export async function confirmImport(db: Db, actor: Actor & { userId: number }, previewId: string, now = new Date()): Promise<ConfirmResult> {
	// Resolved within the user's own previews: another admin's preview id is as unknown as a made-up one.
	const preview = previewId ? await db.selectFrom('import_preview').selectAll().where('id', '=', previewId).where('user_id', '=', actor.userId).executeTakeFirst() : undefined;
	if (!preview)
		return { ok: false, reason: 'superseded', message: 'Forhåndsvisningen gælder ikke længere: der er uploadet en fil siden (eller den er allerede importeret). Upload filen igen for at se en ny forhåndsvisning.' };
	if (now.getTime() - Date.parse(preview.created_at) > PREVIEW_TTL_MS) {
		await db.deleteFrom('import_preview').where('id', '=', preview.id).execute();
		return { ok: false, reason: 'expired', message: 'Forhåndsvisningen er mere end en time gammel. Upload filen igen for at se en ny forhåndsvisning.' };
	}
	const report = await importDirectoryCsv(db, preview.csv, { actor, fileName: preview.file_name, skipInvalidRows: true, expectAuditId: preview.audit_id });
	await db.deleteFrom('import_preview').where('id', '=', preview.id).execute();
	if (report.stale)
		return { ok: false, reason: 'stale', message: 'Kataloget er ændret, siden forhåndsvisningen blev lavet, så intet er importeret. Upload filen igen for at se en ny forhåndsvisning.', report };
	if (!report.ok) return { ok: false, reason: 'failed', message: report.errors[0]?.message ?? 'Importen mislykkedes; intet er skrevet.', report };
	return { ok: true, report };
}
