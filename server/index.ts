// Placeholder until issue 4 lands: says so and exits non-zero, so the npm script is never a silent no-op.
console.error(
  'The verification server is not built yet: it arrives with issue 4 (run `issues show 4`).',
);
process.exit(2);
