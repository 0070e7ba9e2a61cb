import type { Question } from '../../src/shared/http-api';

/**
 * The questions a holder chooses from at registration. Identifiers are stable (stored with each
 * answer); wording may improve. The first two are the service description's own.
 */
export const QUESTION_CATALOGUE: readonly Question[] = [
  { id: 'first-car', text: 'What was the make and model of your first car?' },
  { id: 'childhood-phone', text: 'What was your childhood phone number, including area code?' },
  { id: 'first-school', text: 'What was the name of your first school?' },
  { id: 'first-pet', text: 'What was the name of your first pet?' },
  { id: 'childhood-street', text: 'What was the name of the street you grew up on?' },
  { id: 'parents-met', text: 'In which town or city did your parents meet?' },
  { id: 'first-job', text: 'What was the name of the company of your first job?' },
  { id: 'childhood-friend', text: 'What was the first name of your childhood best friend?' },
];

/** The catalogue question with this id, or undefined. */
export function findQuestion(id: string): Question | undefined {
  return QUESTION_CATALOGUE.find((q) => q.id === id);
}
