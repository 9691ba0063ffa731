/**
 * The optional in-process daily backup: with `BACKUP_DIR` set, a checked copy of the database every day,
 * keeping the newest `BACKUP_KEEP` (default 14). Without it the job does nothing (backups from cron instead).
 */
import { mkdirSync } from 'node:fs';
import { rotateBackup } from '@db/backup';
import type { Job } from './jobs.registry';

export const backupJob: Job = {
	name: 'backup',
	intervalMinutes: 24 * 60,
	order: 95,
	async run(db, now) {
		const dir = process.env.BACKUP_DIR;
		if (!dir) return 'ikke slået til (BACKUP_DIR er ikke sat)';
		mkdirSync(dir, { recursive: true });
		const file = await rotateBackup(db, dir, Number(process.env.BACKUP_KEEP ?? 14), now);
		return `sikkerhedskopi ${file}`;
	},
};
