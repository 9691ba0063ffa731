/**
 * Where queued mail goes: real SMTP when SMTP_URL is set, otherwise the outbox table itself (status
 * `stored`, readable by admins at /admin/outbox) so the demo and sign-in codes work with no mail server.
 */
import nodemailer from 'nodemailer';

export interface SmtpLike {
	sendMail(message: Record<string, unknown>): Promise<unknown>;
}

export type MailTransport =
	| { mode: 'smtp'; from: string; transporter: SmtpLike }
	| { mode: 'store'; /** Print stored mail to the console (dev), never in production logs. */ log: boolean };

export interface MailEnv {
	SMTP_URL?: string;
	MAIL_FROM?: string;
	NODE_ENV?: string;
}

export const DEFAULT_MAIL_FROM = 'Vejviser <noreply@vejviser.local>';

/** A transport from the environment; SMTP connections are opened per send (nothing held between job runs). */
export function createMailTransport(env: MailEnv): MailTransport {
	const from = env.MAIL_FROM || DEFAULT_MAIL_FROM;
	if (env.SMTP_URL) return { mode: 'smtp', from, transporter: nodemailer.createTransport(env.SMTP_URL) };
	return { mode: 'store', log: env.NODE_ENV !== 'production' && env.NODE_ENV !== 'test' };
}
