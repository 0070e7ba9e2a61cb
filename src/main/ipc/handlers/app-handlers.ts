import type { AppInfo } from '../../../shared/ipc-contract';
import type { InvokeHandlers } from '../dispatch';

/** The `app:` namespace: facts about the app for the screens. */
export function appHandlers(info: AppInfo): Pick<InvokeHandlers, 'app:get-info'> {
  return { 'app:get-info': () => ({ ok: true, value: info }) };
}
