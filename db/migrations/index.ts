import type { Migration } from 'kysely';
import * as m0001 from './0001_foundation';
import * as m0002search from './0002_search';
import * as m0003accounts from './0003_accounts';
import * as m0004events from './0004_events';
import * as m0006freshness from './0006_freshness';
import * as m0005editing from './0005_editing';
import * as m0008phonePublic from './0008_phone_public';
import * as m0007handoverAddress from './0007_handover_address';
import * as m0010searchTermTargets from './0010_search_term_targets';
import * as m0009supervision from './0009_supervision';
import * as m0012knowledge from './0012_knowledge';
import * as m0011openingHours from './0011_opening_hours';
import * as m0013admin from './0013_admin';
import * as m0014operations from './0014_operations';
import * as m0015jobLastOk from './0015_job_last_ok';
import * as m0016personUnitStatus from './0016_person_unit_status';

/**
 * Append-only. A shipped migration is frozen: change the schema with a new file.
 * Numbers are reserved per part: 0002 search, 0003 accounts, 0004 theme days.
 */
export const migrations: Record<string, Migration> = {
	'0001_foundation': m0001,
	'0002_search': m0002search,
	'0003_accounts': m0003accounts,
	'0004_events': m0004events,
	'0006_freshness': m0006freshness,
	'0005_editing': m0005editing,
	'0008_phone_public': m0008phonePublic,
	'0007_handover_address': m0007handoverAddress,
	'0010_search_term_targets': m0010searchTermTargets,
	'0009_supervision': m0009supervision,
	'0012_knowledge': m0012knowledge,
	'0011_opening_hours': m0011openingHours,
	'0013_admin': m0013admin,
	'0014_operations': m0014operations,
	'0015_job_last_ok': m0015jobLastOk,
	'0016_person_unit_status': m0016personUnitStatus,
};
