import { checkPosture, type PostureReport } from '@palisade/tenancy';
import pg from 'pg';
import type { Command } from '../command.ts';
import { parseCommandArgs, subcommandError, UsageError } from '../command.ts';
import { type CliIO, EXIT, writeJson } from '../io.ts';

const usage = `Usage: palisade tenancy check --database-url <url> --app-role <role> [--tenant-column <name>]
                              [--allow-security-definer <schema.function>]... [--json]

check   Checks that Postgres row-level security really binds the role your
        requests run as: not superuser, no BYPASSRLS, owns nothing, cannot
        SET ROLE upward, no TEMP/TRUNCATE/partition/large-object access; every
        table with the tenant column (default org_id) has RLS enabled and
        forced with a restrictive (SELECT ...)-form policy and WITH CHECK;
        tenant-led keys; views security_invoker; no readable materialized views
        or bypassing SECURITY DEFINER functions. Only reads the catalogs.
        Exit 0 when clean, 1 with findings (each printed with its fix).`;

/**
 * `palisade tenancy check`: the posture check of `@palisade/tenancy` against a
 * live database, for CI and deploy gates.
 */
export const tenancyCommand: Command = {
  name: 'tenancy',
  summary: 'Check that Postgres row-level security binds the request role (exit 1 on findings)',
  usage,
  async run(args: readonly string[], io: CliIO, flags): Promise<number> {
    const [sub, ...rest] = args;
    if (sub !== 'check') throw subcommandError(sub, ['check']);
    let values: {
      'database-url'?: string | undefined;
      'app-role'?: string | undefined;
      'tenant-column'?: string | undefined;
      'allow-security-definer'?: string[] | undefined;
    };
    ({ values } = parseCommandArgs({
      args: [...rest],
      options: {
        'database-url': { type: 'string' },
        'app-role': { type: 'string' },
        'tenant-column': { type: 'string' },
        'allow-security-definer': { type: 'string', multiple: true },
      },
      allowPositionals: false,
    }));
    const url = values['database-url'];
    const role = values['app-role'];
    if (url === undefined || url === '') throw new UsageError('--database-url is required');
    if (role === undefined || role === '') throw new UsageError('--app-role is required');
    const client = new pg.Client({ connectionString: url });
    client.on('error', () => {});
    let report: PostureReport;
    try {
      await client.connect();
    } catch (e) {
      // Never echo the URL: it may carry a password.
      io.stderr.write(
        `palisade tenancy: could not connect to the database (${(e as { code?: string }).code ?? 'error'})\n`,
      );
      return EXIT.FINDINGS;
    }
    try {
      report = await checkPosture(client, {
        appRole: role,
        ...(values['tenant-column'] === undefined ? {} : { tenantColumn: values['tenant-column'] }),
        ...(values['allow-security-definer'] === undefined
          ? {}
          : { allowSecurityDefiner: values['allow-security-definer'] }),
      });
    } finally {
      await client.end().catch(() => undefined);
    }
    if (flags.json) {
      writeJson(io, { ok: report.ok, appRole: role, findings: report.findings });
    } else if (report.ok) {
      io.stdout.write(`tenancy posture of role "${role}": no findings\n`);
    } else {
      io.stdout.write(`tenancy posture of role "${role}": ${report.findings.length} finding(s)\n`);
      for (const f of report.findings) {
        io.stdout.write(`\n${f.code}  ${f.subject}\n  ${f.message}\n  fix: ${f.fix}\n`);
      }
    }
    return report.ok ? EXIT.OK : EXIT.FINDINGS;
  },
};
