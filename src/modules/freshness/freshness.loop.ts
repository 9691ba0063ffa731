/**
 * One run of the freshness loop: for every active person, take today's step (request, reminder,
 * escalation) at most once. Idempotent by construction: a request row is unique per person and due date,
 * each step is claimed by setting its timestamp only where it is still null, and every mail carries a
 * dedupe key — so running it twice (or from two processes) sends nothing twice.
 */
import type { Db } from '@db/client';
import { enqueueMail } from '@/modules/mail/mail.repository';
import { DEFAULT_FRESHNESS_CONFIG, type FreshnessConfig } from './freshness.config';
import { escalationMail, requestMail } from './freshness.mails';
import {
	countRequestsSince,
	listEscalationRecipients,
	listLoopPeople,
	listRequests,
	type FExecutor,
	type LoopPerson,
	type RequestRow,
} from './freshness.repository';
import { addDaysToDate, dueOn, intervalMonths, nextStep, requestOn, type RequestState } from './freshness.rules';
import { createConfirmToken } from './freshness.token';

export interface FreshnessRunOptions {
	config?: FreshnessConfig;
	/** For links in mails, without a trailing slash. */
	baseUrl: string;
	secret: string;
	/** Limit the run to these people (tests and the browser test; the job runs everyone). */
	onlyPersonIds?: number[];
}

export interface FreshnessRunReport {
	requested: number;
	reminded: number;
	escalated: number;
	/** Requests closed because the entry was confirmed another way (an editor, an import). */
	superseded: number;
	/** Due people left for another day by the daily cap. */
	deferred: number;
}

function state(row: RequestRow): RequestState {
	return { dueOn: row.due_on, requestedAt: row.requested_at, remindedAt: row.reminded_at, escalatedAt: row.escalated_at, closedAt: row.closed_at, hasEmail: !!row.email };
}

export function confirmUrl(baseUrl: string, token: string): string {
	return `${baseUrl}/bekraeft/${token}`;
}
export function editUrl(baseUrl: string, ref: string): string {
	return `${baseUrl}/personer/${encodeURIComponent(ref)}/rediger`;
}

export async function runFreshness(db: Db, now: Date, opts: FreshnessRunOptions): Promise<FreshnessRunReport> {
	const config = opts.config ?? DEFAULT_FRESHNESS_CONFIG;
	const report: FreshnessRunReport = { requested: 0, reminded: 0, escalated: 0, superseded: 0, deferred: 0 };
	const nowIso = now.toISOString();
	const people = await listLoopPeople(db, opts.onlyPersonIds ? { personIds: opts.onlyPersonIds } : {});
	const requests = await listRequests(db, opts.onlyPersonIds);
	const byKey = new Map(requests.map((r) => [`${r.person_id}:${r.due_on}`, r]));

	// Close requests of an earlier cycle: the entry was confirmed (or re-dated) since they went out.
	const dueByPerson = new Map(people.map((p) => [p.id, dueOn(p, config)]));
	for (const r of requests) {
		if (r.closed_at || dueByPerson.get(r.person_id) === r.due_on) continue;
		const closed = await db.updateTable('freshness_request').set({ closed_at: nowIso }).where('id', '=', r.id).where('closed_at', 'is', null).executeTakeFirst();
		report.superseded += Number(closed.numUpdatedRows);
	}

	const steps = people
		.map((p) => {
			const request = byKey.get(`${p.id}:${dueByPerson.get(p.id)}`);
			return { person: p, request, step: nextStep(p, request && state(request), now, config) };
		})
		.filter((s) => s.step !== null)
		// The longest-waiting first, so the daily cap defers the newest.
		.sort((a, b) => requestOn(a.person, config).localeCompare(requestOn(b.person, config)) || a.person.id - b.person.id);

	let budget = config.dailyCap - (await countRequestsSince(db, new Date(now.getTime() - 86_400_000).toISOString()));
	for (const { person, request, step } of steps) {
		if (step === 'request') {
			if (budget <= 0) {
				report.deferred++;
				continue;
			}
			if (await makeRequest(db, person, now, config, opts)) {
				report.requested++;
				budget--;
				if (!person.email) report.escalated++;
			}
		} else if (step === 'remind' && request) {
			if (await remind(db, person, request, config, opts, now)) report.reminded++;
		} else if (step === 'escalate' && request) {
			if (await escalate(db, person, request, config, opts, now)) report.escalated++;
		}
	}
	return report;
}

async function makeRequest(f: Db, person: LoopPerson, now: Date, config: FreshnessConfig, opts: FreshnessRunOptions): Promise<boolean> {
	const due = dueOn(person, config);
	const expiresAt = new Date(now.getTime() + config.tokenValidDays * 86_400_000).toISOString();
	return f.transaction().execute(async (trx) => {
		const inserted = await trx
			.insertInto('freshness_request')
			.values({ person_id: person.id, due_on: due, email: person.email, requested_at: now.toISOString(), expires_at: expiresAt, reminded_at: null, escalated_at: null, confirmed_at: null, closed_at: null })
			.onConflict((oc) => oc.columns(['person_id', 'due_on']).doNothing())
			.returning('id')
			.executeTakeFirst();
		if (!inserted) return false;
		const row = { id: inserted.id, due_on: due, email: person.email, requested_at: now.toISOString(), reminded_at: null, escalated_at: null, expires_at: expiresAt, confirmed_at: null, closed_at: null, person_id: person.id };
		if (person.email) {
			const mail = requestMail(person, links(person, row, opts), intervalMonths(person, config), expiresAt);
			await enqueueMail(trx, { to: person.email, ...mail, kind: 'freshness-request', dedupeKey: `freshness-request:${person.id}:${due}` });
		} else {
			// Nobody to ask: go straight to the editors.
			await escalate(trx, person, row, config, opts, now);
		}
		return true;
	});
}

function links(person: LoopPerson, request: Pick<RequestRow, 'id' | 'expires_at'>, opts: FreshnessRunOptions) {
	const token = createConfirmToken(request.id, new Date(request.expires_at), opts.secret);
	return { confirm: confirmUrl(opts.baseUrl, token), edit: editUrl(opts.baseUrl, person.ref) };
}

async function remind(f: FExecutor, person: LoopPerson, request: RequestRow, config: FreshnessConfig, opts: FreshnessRunOptions, now: Date): Promise<boolean> {
	if (!person.email) return false;
	const email = person.email;
	return f.transaction().execute(async (trx) => {
		const claimed = await trx.updateTable('freshness_request').set({ reminded_at: now.toISOString() }).where('id', '=', request.id).where('reminded_at', 'is', null).executeTakeFirst();
		if (Number(claimed.numUpdatedRows) !== 1) return false;
		const mail = requestMail(person, links(person, request, opts), intervalMonths(person, config), request.expires_at, true);
		await enqueueMail(trx, { to: email, ...mail, kind: 'freshness-reminder', dedupeKey: `freshness-reminder:${request.id}` });
		return true;
	});
}

async function escalate(f: FExecutor, person: LoopPerson, request: RequestRow, config: FreshnessConfig, opts: FreshnessRunOptions, now: Date): Promise<boolean> {
	const run = async (trx: FExecutor) => {
		const claimed = await trx.updateTable('freshness_request').set({ escalated_at: now.toISOString() }).where('id', '=', request.id).where('escalated_at', 'is', null).executeTakeFirst();
		if (Number(claimed.numUpdatedRows) !== 1) return false;
		const recipients = await listEscalationRecipients(trx, person);
		const mail = escalationMail(person, { edit: editUrl(opts.baseUrl, person.ref), dashboard: `${opts.baseUrl}/admin/aktualitet` }, person.email ? request.requested_at : null, addDaysToDate(request.due_on, config.overdueAfterDays));
		for (const r of recipients) await enqueueMail(trx, { to: r.email, ...mail, kind: 'freshness-escalation', dedupeKey: `freshness-escalation:${request.id}:${r.id}` });
		return true;
	};
	// Already inside makeRequest's transaction when the person has no address.
	return 'isTransaction' in f && f.isTransaction ? run(f) : (f as Db).transaction().execute(run);
}
