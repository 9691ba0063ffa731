/**
 * The optional in-process daily backup: with `BACKUP_DIR` set, a checked copy of the database every day,
 * keeping the newest `BACKUP_KEEP` (default 14). Without it the job does nothing (backups from cron instead).
 * The copy is SQLite's online backup; on PostgreSQL the job fails with a message naming pg_dump (README
 * "Production" → Backups), so a BACKUP_DIR set by mistake shows as a failing job in /api/health?detaljer=1 instead
 * of as backups that never happen.
 */
import { mkdirSync } from 'node:fs';
import { rotateBackup } from '@db/backup';
import { engineOf } from '@db/client';
import type { Job } from './jobs.registry';

export const backupJob: Job = {
	name: 'backup',
	intervalMinutes: 24 * 60,
	order: 95,
	async run(db, now) {
		const dir = process.env.BACKUP_DIR;
		if (!dir) return 'ikke slået til (BACKUP_DIR er ikke sat)';
		if (engineOf(db) === 'postgres')
			throw new Error('BACKUP_DIR gælder SQLite-filen. På PostgreSQL tages sikkerhedskopier med pg_dump (se README, "Production" → Backups); fjern BACKUP_DIR.');
		mkdirSync(dir, { recursive: true });
		const file = await rotateBackup(db, dir, Number(process.env.BACKUP_KEEP ?? 14), now);
		return `sikkerhedskopi ${file}`;
	},
};
