import axios, { isAxiosError } from 'axios';
import { NotifyClient } from 'notifications-node-client';
import { z } from 'zod';
import type { DeliveryChannel, MailPurpose, SendOutcome } from '../domain/delivery-port';
import type { DomainLogger } from '../domain/ports';
import type { NotifySettings } from './delivery-settings';

/** One message for Notify: a template, its recipient and the placeholders' values. */
export interface NotifyMessage {
  readonly channel: DeliveryChannel;
  /** A mobile in E.164, or an email address. */
  readonly to: string;
  readonly purpose: MailPurpose;
  readonly templateId: string;
  readonly personalisation: Readonly<Record<string, string>>;
  /** Returned by Notify with the message's status: never a secret or anything personal. */
  readonly reference?: string;
  /** Values never to log even if Notify's answer quotes them (the code, the recipient). */
  readonly secrets: readonly string[];
}

/** Sends through GOV.UK Notify; `send` never throws and resolves within `notify.timeoutMs`. */
export interface NotifySender {
  send(message: NotifyMessage): Promise<SendOutcome>;
}

// Notify's error body (docs/notify.md, "Errors"): branch on status and error type, never the text.
const notifyErrorBodySchema = z.object({
  errors: z.array(z.object({ error: z.string(), message: z.string() })).min(1),
});

/**
 * Failures where the request certainly never reached Notify. Any other failure without an answer
 * (a timeout, a reset connection) may have come after Notify took the message: unknown.
 */
const NEVER_SENT = new Set([
  'ECONNREFUSED',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ERR_INVALID_URL',
  'CERT_HAS_EXPIRED',
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'ERR_TLS_CERT_ALTNAME_INVALID',
]);

/** The text with each secret and anything like a phone number or address blanked, for the log. */
function scrubbed(text: string, secrets: readonly string[]): string {
  let out = text;
  for (const secret of secrets) if (secret !== '') out = out.split(secret).join('[redacted]');
  return out
    .replace(/\+?\d[\d\s()-]{6,}\d/g, '[number]')
    .replace(/[^\s@"']+@[^\s@"']+/g, '[address]')
    .slice(0, 300);
}

/** What a failed send means, and the fields the operator's log line carries. */
function classify(
  e: unknown,
  secrets: readonly string[],
): { outcome: SendOutcome; fields: Record<string, unknown> } {
  if (!isAxiosError(e)) {
    // The client refused before sending (an option it does not know): a programming error.
    const message = e instanceof Error ? e.message : String(e);
    return { outcome: 'not-sent', fields: { notifyError: scrubbed(message, secrets) } };
  }
  if (e.response !== undefined) {
    const body = notifyErrorBodySchema.safeParse(e.response.data);
    const first = body.success ? body.data.errors[0] : undefined;
    return {
      outcome: 'not-sent',
      fields: {
        notifyStatus: e.response.status,
        notifyError: first?.error ?? 'unreadable answer',
        ...(first === undefined ? {} : { notifyMessage: scrubbed(first.message, secrets) }),
      },
    };
  }
  const systemCode = e.code ?? 'unknown';
  return {
    outcome: NEVER_SENT.has(systemCode) ? 'not-sent' : 'unknown',
    fields: { systemCode, notifyError: scrubbed(e.message, secrets) },
  };
}

/**
 * The Notify adapter over notifications-node-client, given an axios instance with a deadline on
 * each whole request (the client has none of its own), so a silent Notify is bounded like SMTP.
 */
export function createNotifySender(settings: NotifySettings, logger: DomainLogger): NotifySender {
  const client = new NotifyClient(settings.baseUrl, settings.apiKey);
  const http = axios.create({ timeout: settings.timeoutMs });
  // `timeout` bounds silence between bytes; the signal bounds the whole exchange.
  http.interceptors.request.use((config) => {
    config.signal = AbortSignal.timeout(settings.timeoutMs);
    return config;
  });
  client.setClient(http);
  return {
    async send(message) {
      const options = {
        personalisation: message.personalisation,
        ...(message.reference === undefined ? {} : { reference: message.reference }),
      };
      const base = { purpose: message.purpose, channel: message.channel };
      try {
        if (message.channel === 'sms') {
          await client.sendSms(message.templateId, message.to, {
            ...options,
            ...(settings.smsSenderId === undefined ? {} : { smsSenderId: settings.smsSenderId }),
          });
        } else {
          await client.sendEmail(message.templateId, message.to, {
            ...options,
            ...(settings.emailReplyToId === undefined
              ? {}
              : { emailReplyToId: settings.emailReplyToId }),
          });
        }
        logger.info(base, 'message accepted by GOV.UK Notify');
        return 'sent';
      } catch (e) {
        const { outcome, fields } = classify(e, message.secrets);
        logger.warn(
          { ...base, ...fields },
          outcome === 'unknown'
            ? 'GOV.UK Notify did not answer in time: the message may still arrive'
            : 'GOV.UK Notify did not take the message',
        );
        return outcome;
      }
    },
  };
}
