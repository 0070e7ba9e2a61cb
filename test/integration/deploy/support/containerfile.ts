/** One `COPY`: sources in the build context, or in another stage's filesystem with `--from`. */
export interface Copy {
  readonly from?: string;
  readonly sources: readonly string[];
  readonly dest: string;
}

/** A stage's `COPY` and `RUN` steps in file order; a `RUN` is split at `&&` into its commands. */
export type Step = { readonly copy: Copy } | { readonly run: readonly string[] };

/** One stage of a Containerfile, with the instructions the deploy tests act on. */
export interface Stage {
  readonly base: string;
  readonly name?: string;
  readonly workdir: string;
  readonly env: Readonly<Record<string, string>>;
  readonly steps: readonly Step[];
  readonly cmd?: readonly string[];
  readonly healthcheck?: readonly string[];
}

type Mutable<T> = { -readonly [K in keyof T]: T[K] };

/**
 * The stages of a Containerfile, in order. Only the instructions this project's file uses are read
 * (FROM, WORKDIR, ENV, COPY, RUN, CMD, HEALTHCHECK); the others change nothing the tests run.
 */
export function parseContainerfile(text: string): Stage[] {
  const stages: (Mutable<Stage> & { steps: Step[]; env: Record<string, string> })[] = [];
  const lines = text
    .replace(/\\\n/g, ' ')
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l !== '' && !l.startsWith('#'));
  for (const line of lines) {
    const [instruction = '', ...words] = line.split(/\s+/);
    const args = line.slice(instruction.length).trim();
    if (instruction === 'FROM') {
      const named = /^(\S+)\s+AS\s+(\S+)$/i.exec(args);
      stages.push({
        base: named?.[1] ?? args,
        ...(named?.[2] === undefined ? {} : { name: named[2] }),
        workdir: '/',
        env: {},
        steps: [],
      });
      continue;
    }
    const stage = stages[stages.length - 1];
    if (stage === undefined) throw new Error(`"${instruction}" comes before the first FROM`);
    if (instruction === 'WORKDIR') stage.workdir = args;
    else if (instruction === 'ENV') {
      for (const [, name, value] of args.matchAll(/(\w+)=(\S+)/g)) stage.env[name!] = value!;
    } else if (instruction === 'COPY') {
      const from = words[0]?.startsWith('--from=') ? words[0].slice('--from='.length) : undefined;
      const paths = from === undefined ? words : words.slice(1);
      stage.steps.push({
        copy: {
          ...(from === undefined ? {} : { from }),
          sources: paths.slice(0, -1),
          dest: paths[paths.length - 1]!,
        },
      });
    } else if (instruction === 'RUN') {
      stage.steps.push({ run: args.split('&&').map((c) => c.trim()) });
    } else if (instruction === 'CMD') stage.cmd = JSON.parse(args) as string[];
    else if (instruction === 'HEALTHCHECK') {
      stage.healthcheck = JSON.parse(args.replace(/^.*?CMD /, '')) as string[];
    }
  }
  return stages;
}
