/**
 * How answers compare (docs/decisions/0021-answer-form.md): NFKC and case folding, then only the
 * letters, combining marks and digits of any script are kept. "0121 496-0000" is "01214960000".
 */
export function normaliseAnswer(answer: string): string {
  // Folded twice (ẞ lowers to ß, which only a second pass makes ss), final sigma as σ (Unicode's
  // folding; toLowerCase picks ς by its neighbours), and NFC last, as dropping a character can
  // bring a letter and its combining mark together.
  return caseFolded(caseFolded(answer))
    .replace(/[^\p{L}\p{M}\p{N}]+/gu, '')
    .replace(/ς/gu, 'σ')
    .normalize('NFC');
}

/**
 * Answers as compared before decision 0021 (form 1), kept to check the hashes stored then:
 * punctuation dropped, runs of white space collapsed to one space, trimmed; symbols kept.
 */
export function legacyNormaliseAnswer(answer: string): string {
  return collapsed(caseFolded(answer).replace(/\p{P}+/gu, ''));
}

/**
 * The texts to check against a form-1 hash, distinct: the answer in today's form, in form 1, and in
 * form 1 with punctuation read as a space ("0121-496-0000" as "0121 496 0000"). Each one that
 * matches a form-1 hash implies the answers are equal in today's form.
 */
export function legacyCandidates(answer: string): readonly string[] {
  const spaced = collapsed(caseFolded(answer).replace(/\p{P}+/gu, ' '));
  return [...new Set([normaliseAnswer(answer), legacyNormaliseAnswer(answer), spaced])];
}

/** NFKC, then upper then lower case: close to Unicode full case folding (ß and SS, ς and σ). */
function caseFolded(answer: string): string {
  return answer.normalize('NFKC').toUpperCase().toLowerCase().normalize('NFKC');
}

/** Runs of white space as one space, trimmed (form 1). */
function collapsed(text: string): string {
  return text.replace(/\s+/gu, ' ').trim();
}
