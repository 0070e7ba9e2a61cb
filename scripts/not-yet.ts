/**
 * For npm scripts whose feature has not landed yet: says which issue brings it and exits non-zero,
 * so no script is a silent no-op.
 */
export function notYet(what: string, issue: number, meanwhile?: string): never {
  console.error(
    `${what} is not built yet: it arrives with issue ${issue} (run \`issues show ${issue}\`).`,
  );
  if (meanwhile) console.error(meanwhile);
  process.exit(2);
}
