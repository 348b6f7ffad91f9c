// Names for server-side prepared statements (pgDriver's preparedStatements
// opt-in). A name is derived from the statement text, so one text always has
// one name and pg never sees a name reused for another text. Each connection
// prepares at most PG_PREPARED_STATEMENTS_PER_CONNECTION distinct texts; the
// rest run unnamed, so an application that builds SQL dynamically cannot grow
// a session's prepared statements without bound.

import { createHash } from 'node:crypto';

/** @internal Distinct statements prepared per connection (PG_PREPARED_STATEMENTS_PER_CONNECTION). */
export const _PER_CONNECTION = 100;
/** Bound of the text-to-name cache shared by the driver's connections. */
const NAME_CACHE = 1000;

/**
 * @internal Returns a function giving the prepared-statement name for `sql`
 * on `client`, or undefined when the statement should run unnamed.
 */
export function _statementNamer(): (client: object, sql: string) => string | undefined {
  const names = new Map<string, string>();
  const prepared = new WeakMap<object, Set<string>>();
  return (client, sql) => {
    let name = names.get(sql);
    if (name === undefined) {
      name = `palisade_${createHash('sha256').update(sql).digest('hex').slice(0, 32)}`;
      if (names.size < NAME_CACHE) names.set(sql, name);
    }
    let mine = prepared.get(client);
    if (mine === undefined) {
      mine = new Set();
      prepared.set(client, mine);
    }
    if (mine.has(name)) return name;
    if (mine.size >= _PER_CONNECTION) return undefined;
    mine.add(name);
    return name;
  };
}
