import { loadConfig } from '../../server/config';
import { startNotifyServer, type TestNotifyServer } from './notify-server';

/** The text message templates a local stack's server is given, as the local Notify knows them. */
export const SMS_TEMPLATES = {
  code: '0b6c4c4e-3f6a-4c55-9a4e-7f0e1c2d3a41',
  unlockedNotice: '0b6c4c4e-3f6a-4c55-9a4e-7f0e1c2d3a42',
  registeredNotice: '0b6c4c4e-3f6a-4c55-9a4e-7f0e1c2d3a43',
} as const;

/** The local Notify, knowing each of `SMS_TEMPLATES` as a text message of its body alone. */
export function startLocalNotify(): Promise<TestNotifyServer> {
  return startNotifyServer({
    templates: Object.fromEntries(
      Object.values(SMS_TEMPLATES).map((id) => [id, { type: 'sms' as const, body: '((body))' }]),
    ),
  });
}

/**
 * The server settings that send mail to the local SMTP relay and text messages to the local
 * Notify, each bounded by `timeoutMs`; codes offered by email then text unless `channels` says.
 */
export function localDeliverySettings(relays: {
  readonly smtpPort: number;
  readonly notifyBaseUrl: string;
  readonly timeoutMs: number;
  readonly channels?: readonly ('email' | 'sms')[];
}) {
  return {
    mail: {
      kind: 'smtp',
      host: '127.0.0.1',
      port: relays.smtpPort,
      requireStartTls: false,
      from: 'smartcard-unlock@nhs.test',
      timeoutMs: relays.timeoutMs,
    },
    delivery: { channels: relays.channels ?? ['email', 'sms'] },
    notify: {
      baseUrl: relays.notifyBaseUrl,
      timeoutMs: relays.timeoutMs,
      templates: { sms: SMS_TEMPLATES },
    },
  };
}

/** The server's settings as `--dev` loads them from `configFile` and `env`; throws on a problem. */
export function devServerSettings(dir: string, configFile: string, env: Record<string, string>) {
  const loaded = loadConfig({ env, cwd: dir, configFile, development: true, purpose: 'server' });
  if (!loaded.ok) throw new Error(`server settings: ${loaded.error.message}`);
  return loaded.value;
}
