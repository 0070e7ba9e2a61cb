import { useCallback } from 'react';
import { nextStepFor, type AppError } from '../../shared/errors';
import { helpWording, type HelpContacts, type HelpWording } from '../../shared/help';
import { useWizardStore } from '../store/wizard-store';

/** This app's help contacts (its settings); null until known, and then no number is named. */
export function useHelpContacts(): HelpContacts | null {
  return useWizardStore((s) => s.info?.help ?? null);
}

/** The phrases that name this app's desk. */
export function useHelpWording(): HelpWording {
  return helpWording(useHelpContacts());
}

/**
 * An error's next step as this app's screens show it: naming this app's desk, whoever worded the
 * error (the main process words with the demo's contacts; the server's own text is never shown).
 */
export function useNextStep(): (error: AppError) => string {
  const help = useHelpContacts();
  return useCallback((error: AppError) => nextStepFor(error, help), [help]);
}
