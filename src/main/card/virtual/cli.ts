// Placeholder until issue 3 lands: says so and exits non-zero, so the npm script is never a silent no-op.
console.error(
  'The virtual PIV card for a real reader (pcscd with vpcd) is not built yet: it arrives with issue 3 (run `issues show 3`).',
);
process.exit(2);
