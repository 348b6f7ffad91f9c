import { TenancyError } from './errors.ts';

/**
 * Statements (by their first keyword) refused inside a tenant scope. They
 * change session state that would outlive the transaction (SET, RESET,
 * DISCARD, PREPARE, LISTEN, temp objects, role settings), end or split the
 * managed transaction (BEGIN, COMMIT, ROLLBACK, END, ABORT), run code that
 * can do either (DO, CALL, LOAD), bypass row-level security (TRUNCATE,
 * REFRESH), or change the schema (ALTER, CREATE, DROP, GRANT, ...).
 */
const FORBIDDEN_FIRST = new Set([
  'set',
  'reset',
  'discard',
  'begin',
  'start',
  'commit',
  'end',
  'abort',
  'prepare',
  'deallocate',
  'listen',
  'unlisten',
  'notify',
  'do',
  'call',
  'load',
  'alter',
  'create',
  'drop',
  'grant',
  'revoke',
  'reassign',
  'security',
  'truncate',
  'refresh',
  'vacuum',
  'cluster',
  'reindex',
  'checkpoint',
  'import',
  'comment',
]);

/** Names refused anywhere in the text, even inside strings (they change or read around the tenant). */
const FORBIDDEN_ANYWHERE = [
  'set_config',
  'pg_notify',
  'pg_temp',
  'dblink',
  'lo_import',
  'lo_export',
  'lo_get',
  'lo_put',
  'lo_from_bytea',
  'lo_open',
  'loread',
  'lowrite',
  'pg_read_file',
  'pg_read_binary_file',
  'pg_ls_dir',
  'pg_terminate_backend',
  'pg_cancel_backend',
];

interface Statement {
  readonly words: string[];
}

function lex(sql: string): { statements: Statement[]; texts: string[] } {
  const statements: Statement[] = [];
  const texts: string[] = [];
  let words: string[] = [];
  let i = 0;
  const n = sql.length;
  while (i < n) {
    const c = sql[i] as string;
    const next = sql[i + 1];
    if (c === '-' && next === '-') {
      const end = sql.indexOf('\n', i);
      i = end === -1 ? n : end + 1;
    } else if (c === '/' && next === '*') {
      let depth = 1;
      i += 2;
      while (i < n && depth > 0) {
        if (sql[i] === '/' && sql[i + 1] === '*') {
          depth++;
          i += 2;
        } else if (sql[i] === '*' && sql[i + 1] === '/') {
          depth--;
          i += 2;
        } else i++;
      }
      if (depth > 0) throw forbidden('an unterminated comment');
    } else if (c === "'") {
      // Standard string; a preceding E/e makes backslash an escape.
      const escapes =
        i > 0 && /[eE]/.test(sql[i - 1] ?? '') && !/[A-Za-z0-9_]/.test(sql[i - 2] ?? '');
      let j = i + 1;
      let text = '';
      for (;;) {
        if (j >= n) throw forbidden('an unterminated string');
        const d = sql[j] as string;
        if (escapes && d === '\\') {
          const e = sql[j + 1] ?? '';
          // Numeric escapes could spell any name; refuse rather than decode.
          if (/[0-7xuU]/.test(e)) throw forbidden('numeric escapes in E strings');
          text += e;
          j += 2;
        } else if (d === "'" && sql[j + 1] === "'") {
          text += "'";
          j += 2;
        } else if (d === "'") {
          j++;
          break;
        } else {
          text += d;
          j++;
        }
      }
      texts.push(text);
      i = j;
    } else if (c === '"') {
      let j = i + 1;
      let ident = '';
      for (;;) {
        if (j >= n) throw forbidden('an unterminated identifier');
        if (sql[j] === '"' && sql[j + 1] === '"') {
          ident += '"';
          j += 2;
        } else if (sql[j] === '"') {
          j++;
          break;
        } else {
          ident += sql[j];
          j++;
        }
      }
      words.push(ident.toLowerCase());
      i = j;
    } else if (
      c === '$' &&
      /[A-Za-z_$]/.test(next ?? '') &&
      !/[A-Za-z0-9_]/.test(sql[i - 1] ?? '')
    ) {
      const m = /^\$([A-Za-z_][A-Za-z0-9_]*)?\$/.exec(sql.slice(i));
      if (m === null) {
        i++;
        continue;
      }
      const tag = m[0];
      const end = sql.indexOf(tag, i + tag.length);
      if (end === -1) throw forbidden('an unterminated dollar-quoted string');
      texts.push(sql.slice(i + tag.length, end));
      i = end + tag.length;
    } else if (c === ';') {
      if (words.length > 0) statements.push({ words });
      words = [];
      i++;
    } else if (/[A-Za-z_\u0080-\uffff]/.test(c)) {
      let j = i + 1;
      while (j < n && /[A-Za-z0-9_$\u0080-\uffff]/.test(sql[j] as string)) j++;
      const word = sql.slice(i, j).toLowerCase();
      if ((word === 'u' && sql[j] === '&') || word === 'u&') {
        throw forbidden('Unicode-escaped names');
      }
      words.push(word);
      i = j;
    } else {
      i++;
    }
  }
  if (words.length > 0) statements.push({ words });
  return { statements, texts };
}

function forbidden(what: string): TenancyError {
  return new TenancyError(
    'ERR_TENANCY_FORBIDDEN_STATEMENT',
    `statement refused in a tenant scope: ${what}`,
  );
}

/**
 * Refuses SQL that could change session state, end the managed transaction,
 * forge the tenant setting or bypass row-level security. It is a conservative
 * lexical check (comments, strings, dollar quotes and quoted identifiers are
 * understood; anything ambiguous is refused), a second line behind the
 * database privileges that the posture check verifies. It cannot see into
 * functions already defined in the database: a function that runs
 * `set_config` is caught only by the posture check and code review.
 *
 * Exported from `@palisade/tenancy`.
 *
 * @param sql - The statement text (one or more statements).
 * @throws TenancyError `ERR_TENANCY_FORBIDDEN_STATEMENT` naming the refused keyword (never echoing the text).
 * @example
 * ```ts
 * assertTenantStatement('SELECT * FROM notes WHERE id = $1'); // passes
 * assertTenantStatement("SET app.org_id = '...'");          // throws
 * ```
 */
export function assertTenantStatement(sql: string): void {
  if (typeof sql !== 'string') {
    throw new TenancyError('ERR_TENANCY_INVALID_ARGUMENT', 'sql must be a string');
  }
  if (sql.includes('\0')) throw forbidden('a NUL character');
  const { statements, texts } = lex(sql);
  if (statements.length === 0) throw forbidden('an empty statement');
  for (const { words } of statements) {
    let k = 0;
    // EXPLAIN [ANALYZE] [VERBOSE] (...) <statement>: check the statement it wraps.
    while (
      k < words.length &&
      ['explain', 'analyze', 'analyse', 'verbose', 'format', 'json', 'costs', 'buffers'].includes(
        words[k] as string,
      )
    ) {
      k++;
    }
    const first = words[k] ?? '';
    if (FORBIDDEN_FIRST.has(first)) throw forbidden(first.toUpperCase());
    if (first === 'rollback' && words[k + 1] !== 'to') throw forbidden('ROLLBACK');
    if (first === 'declare' && words.includes('hold')) throw forbidden('DECLARE ... WITH HOLD');
    if (first === 'select' && words.includes('into') && !words.includes('insert')) {
      throw forbidden('SELECT INTO');
    }
    for (const w of words) {
      if (FORBIDDEN_ANYWHERE.some((f) => w === f || w.startsWith(f))) throw forbidden(w);
    }
  }
  for (const t of texts) {
    const lower = t.toLowerCase();
    for (const f of FORBIDDEN_ANYWHERE) {
      if (lower.includes(f)) throw forbidden(`${f} inside a string`);
    }
  }
}
