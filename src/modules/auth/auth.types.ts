import type { UserRole } from '@db/schema';

/** What pages and modules know about the signed-in user. */
export interface SessionUser {
	id: number;
	email: string;
	name: string;
	role: UserRole;
	/** The directory entry this account is linked to, if claimed. */
	personId: number | null;
}
