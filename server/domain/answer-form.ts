/**
 * An answer as compared: Unicode NFKC, case-folded, punctuation dropped, runs of white space
 * collapsed to one space, trimmed. "Ford  Focus." and "ford focus" are the same answer.
 */
export function normaliseAnswer(answer: string): string {
  return (
    answer
      .normalize('NFKC')
      // Upper then lower approximates Unicode full case folding (ß and SS, ς and σ compare equal).
      .toUpperCase()
      .toLowerCase()
      .normalize('NFKC')
      .replace(/\p{P}+/gu, '')
      .replace(/\s+/gu, ' ')
      .trim()
  );
}
