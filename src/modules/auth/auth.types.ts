import type { UserRole } from '@db/schema';

/** What pages and modules know about the signed-in user. */
export interface SessionUser {
	id: number;
	email: string;
	name: string;
	/**
	 * The role this session acts with. An editor/admin who has a passkey but has not proven it in this
	 * session acts as 'member' (see `assignedRole` and `needsSecondFactor`).
	 */
	role: UserRole;
	/** The directory entry this account is linked to, if claimed. */
	personId: number | null;
	/** The role the account holds, whether or not this session may use it yet. */
	assignedRole?: UserRole;
	/** True when the account's rights wait for a passkey check in this session (/konto/bekraeft). */
	needsSecondFactor?: boolean;
}
