/**
 * How often entries are confirmed and how the loop escalates. Defaults follow issue 4; an operator may
 * change the intervals and pacing through environment variables (read by the job and by isOverdue).
 */
export interface FreshnessConfig {
	/** Key persons and anyone with a routing role (udskrivning, akut, screening, rådgivning). */
	priorityIntervalMonths: number;
	otherIntervalMonths: number;
	/** Requests are spread over this many days after the due date (by a hash of the person id). */
	staggerDays: number;
	/** At most this many first requests per day; the rest wait for the next day, oldest first. */
	dailyCap: number;
	reminderAfterDays: number;
	escalateAfterDays: number;
	/** Days after the due date when an unconfirmed entry is marked and ranked lower in search. */
	overdueAfterDays: number;
	/** How long a confirmation link works. */
	tokenValidDays: number;
}

export const DEFAULT_FRESHNESS_CONFIG: FreshnessConfig = {
	priorityIntervalMonths: 6,
	otherIntervalMonths: 12,
	staggerDays: 14,
	dailyCap: 150,
	reminderAfterDays: 21,
	escalateAfterDays: 42,
	overdueAfterDays: 91,
	tokenValidDays: 120,
};

const ENV_KEYS: Record<string, keyof FreshnessConfig> = {
	FRESHNESS_PRIORITY_MONTHS: 'priorityIntervalMonths',
	FRESHNESS_OTHER_MONTHS: 'otherIntervalMonths',
	FRESHNESS_STAGGER_DAYS: 'staggerDays',
	FRESHNESS_DAILY_CAP: 'dailyCap',
};

/** The defaults with any FRESHNESS_* variables applied (non-numbers and values < 1 are ignored). */
export function freshnessConfigFromEnv(env: Record<string, string | undefined> = process.env): FreshnessConfig {
	const config = { ...DEFAULT_FRESHNESS_CONFIG };
	for (const [key, field] of Object.entries(ENV_KEYS)) {
		const value = Number(env[key]);
		if (env[key] && Number.isInteger(value) && value >= 1) config[field] = value;
	}
	return config;
}
