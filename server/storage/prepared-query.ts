import type { Compilable, CompiledQuery, Kysely, QueryResult } from 'kysely';
import type { Database } from './schema';

/**
 * Stands in for a named value while a prepared query's SQL is compiled. Turned into a number or
 * text (a comparison, arithmetic, a template) it throws: the SQL would be fixed to one outcome.
 */
class Placeholder {
  constructor(readonly name: string) {
    Object.freeze(this);
  }

  [Symbol.toPrimitive](): never {
    throw new Error(`The prepared query's value ${this.name} was read, not bound.`);
  }
}

/** A query's values by name, as plain SQL parameters (no lists: `in (...)` needs one per item). */
type QueryValues = Readonly<Record<string, string | number | bigint | Uint8Array | null>>;

/**
 * A query built and compiled once per database, then run with new values, on the database or in
 * any of its transactions. `build` gets placeholders it may only bind, never decide from or pass
 * as a list (docs/decisions/0005-storage-kysely-conditional-updates.md).
 */
export function preparedQuery<V extends QueryValues, Row>(
  build: (db: Kysely<Database>, values: V) => Compilable<Row>,
): (db: Kysely<Database>, values: V) => Promise<QueryResult<Row>> {
  const compiled = new WeakMap<object, CompiledQuery<Row>>();

  function compile(db: Kysely<Database>): CompiledQuery<Row> {
    const read = new Set<string>();
    const placeholders = new Proxy({} as V, {
      get: (_target, name) => {
        if (typeof name !== 'string') return undefined;
        read.add(name);
        return new Placeholder(name);
      },
    });
    let query: CompiledQuery<Row>;
    try {
      query = build(db, placeholders).compile();
    } catch (cause) {
      throw new Error(
        `A prepared query could not be compiled with ${[...read].join(', ')} as bound values.`,
        { cause },
      );
    }
    const bound = new Set(
      query.parameters.flatMap((p) => (p instanceof Placeholder ? [p.name] : [])),
    );
    const unbound = [...read].filter((name) => !bound.has(name));
    if (unbound.length > 0) {
      throw new Error(
        `A prepared query used ${unbound.join(', ')} other than as a bound value: ${query.sql}`,
      );
    }
    return query;
  }

  return async (db, values) => {
    // A database and its transactions share one adapter, made by their dialect with its compiler;
    // a plugin could change the SQL, so with one a query is compiled for its own instance.
    const executor = db.getExecutor();
    const key: object = executor.plugins.length === 0 ? executor.adapter : db;
    let query = compiled.get(key);
    if (query === undefined) {
      query = compile(db);
      compiled.set(key, query);
    }
    const parameters = query.parameters.map((p) =>
      p instanceof Placeholder ? valueOf(values, p.name) : p,
    );
    return await db.executeQuery<Row>({ ...query, parameters });
  };
}

/** The value named, which must be given (undefined would silently bind as NULL or fail late). */
function valueOf(values: QueryValues, name: string): unknown {
  const value = values[name];
  if (value === undefined) throw new Error(`A prepared query's value ${name} is missing.`);
  return value;
}
