import type { Router } from 'express';
import type { ServerRuntime } from '../create-services';
import { approvalPages } from './approval-pages';
import { holderPages } from './holder-pages';
import { reportPages } from './report-pages';

/**
 * The console's page routers beyond sign-in and home, in one list: each is an Express router with
 * paths relative to /console, mounted behind sign-in and the CSRF check (console-page.ts).
 */
export function consolePages(core: ServerRuntime): readonly Router[] {
  return [holderPages(core), approvalPages(core), reportPages(core)];
}
