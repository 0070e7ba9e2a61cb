import { describe, expect, it } from 'vitest';
import { questionSchema } from '../../../../src/shared/http-api';
import { QUESTION_CATALOGUE, findQuestion } from '../../../../server/domain/question-catalogue';

describe('the question catalogue', () => {
  it("when listed, then it holds the service description's two questions first", () => {
    expect(QUESTION_CATALOGUE.slice(0, 2).map((q) => q.text)).toEqual([
      'What was the make and model of your first car?',
      'What was your childhood phone number, including area code?',
    ]);
  });

  it('when checked, then ids are unique and every question fits the shared schema', () => {
    expect(new Set(QUESTION_CATALOGUE.map((q) => q.id)).size).toBe(QUESTION_CATALOGUE.length);
    expect(QUESTION_CATALOGUE.length).toBeGreaterThanOrEqual(8);
    for (const q of QUESTION_CATALOGUE) expect(questionSchema.parse(q)).toEqual(q);
  });

  it('when a question is looked up, then only catalogue ids are found', () => {
    expect(findQuestion('first-car')?.text).toContain('first car');
    expect(findQuestion('mothers-maiden-name')).toBeUndefined();
  });
});
