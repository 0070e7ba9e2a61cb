import { randomBytes } from 'node:crypto';
import { readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { err, ok, type Result } from '../../../shared/result';
import {
  completeProfile,
  parseProfileText,
  type CompleteProfile,
  type ProfileError,
} from './profile';

/**
 * Where the virtual card keeps its state between runs, as a chip keeps it in EEPROM. Saving is
 * synchronous because the card answers each APDU synchronously and must persist a spent try
 * before it answers.
 */
export interface CardStore {
  /** Persists the whole state; throws when it cannot (the card then answers 65 81). */
  save(profile: CompleteProfile): void;
}

/** Keeps the state in memory: for tests and throwaway cards. */
export class MemoryCardStore implements CardStore {
  /** The last state saved. */
  saved: CompleteProfile | undefined;

  /** Remembers the state. */
  save(profile: CompleteProfile): void {
    this.saved = profile;
  }
}

/** Keeps the state in the profile file; each write is atomic (temp file, then rename). */
export class FileCardStore implements CardStore {
  constructor(readonly path: string) {}

  /** Writes the profile JSON beside the file, then renames it over, so a crash leaves old or new. */
  save(profile: CompleteProfile): void {
    const temp = `${this.path}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`;
    try {
      // The file holds the card's secrets, as the chip would: readable by its owner only.
      writeFileSync(temp, `${JSON.stringify(profile, null, 2)}\n`, { mode: 0o600 });
      renameSync(temp, this.path);
    } catch (cause) {
      rmSync(temp, { force: true });
      throw cause;
    }
  }
}

/**
 * Reads and validates a profile file, generates missing keys and certificates, and writes the
 * file back when it generated anything. Errors name the file and the field.
 */
export function loadProfileFile(path: string): Result<CompleteProfile, ProfileError> {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (cause) {
    const code = (cause as NodeJS.ErrnoException).code ?? 'unknown error';
    return err({ message: `${path}: cannot read the profile file (${code})` });
  }
  const parsed = parseProfileText(text, path);
  if (!parsed.ok) return parsed;
  const { profile, changed } = completeProfile(parsed.value);
  if (changed) {
    try {
      new FileCardStore(path).save(profile);
    } catch (cause) {
      const code = (cause as NodeJS.ErrnoException).code ?? 'unknown error';
      return err({ message: `${path}: cannot write the generated keys back (${code})` });
    }
  }
  return ok(profile);
}
