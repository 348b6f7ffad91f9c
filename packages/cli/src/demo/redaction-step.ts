import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { crc32 } from 'node:zlib';
import {
  type EgressContext,
  type EgressResult,
  parsePolicy,
  prepareEgress,
  RedactionError,
} from '@palisade/redaction';
import type { DemoStep } from './step.ts';

const B62 = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';
function base62(v: number, width: number): string {
  let out = '';
  for (let x = v; x > 0; x = Math.floor(x / 62)) out = B62[x % 62] + out;
  return out.padStart(width, '0');
}

function codeOf(fn: () => unknown): string {
  try {
    fn();
    return 'no error';
  } catch (e) {
    return RedactionError.isInstance(e) ? e.code : 'unexpected error';
  }
}

function shipped(r: EgressResult): string {
  return [...r.files.map((f) => `${f.path}\n${f.content}`), ...r.messages].join('\n');
}

/**
 * `palisade demo` step for @palisade/redaction: the same agent context (an
 * `.env` with an AWS key, a source file with a GitHub token in a comment, a
 * log line with a postgres password and the user's home path) under the
 * privacy modes off, redacted and full.
 */
export const redactionStep: DemoStep = {
  id: 'redaction',
  title: 'Privacy modes: what agent context may leave the device (off, redacted, full)',
  pkg: '@palisade/redaction',
  docs: 'packages/redaction/README.md',
  async run(ctx) {
    // Fake credentials, assembled at run time in the providers' real formats.
    const aws = ['AKIA', 'Q7DEMOONLY2345XY'].join('');
    const ghBody = 'Dem0T0kenB0dyForPalisadeDemo42';
    const gh = `ghp_${ghBody}${base62(crc32(ghBody), 6)}`;
    const pgPassword = ['pg', 'Demo', 'Passw0rd', '77'].join('');
    const user = 'dana';
    const home = `/home/${user}/projects/shop`;

    await mkdir(join(ctx.dir, 'src'), { recursive: true });
    await mkdir(join(ctx.dir, 'logs'), { recursive: true });
    await writeFile(join(ctx.dir, '.env'), `AWS_ACCESS_KEY_ID=${aws}\nREGION=eu-west-1\n`);
    await writeFile(
      join(ctx.dir, 'src', 'deploy.ts'),
      `// TODO(${user}): remove before commit, token ${gh}\nexport const region = 'eu-west-1';\n`,
    );
    await writeFile(
      join(ctx.dir, 'logs', 'app.log'),
      `2026-11-23T10:00:00Z ERROR db connect failed postgres://shop:${pgPassword}@db.internal:5432/shop cwd=${home}\n`,
    );
    const paths = ['.env', 'src/deploy.ts', 'logs/app.log'];
    const context: EgressContext = {
      files: await Promise.all(
        paths.map(async (path) => ({ path, content: await readFile(join(ctx.dir, path), 'utf8') })),
      ),
    };
    ctx.say(
      `agent context: ${paths.join(', ')} (an AWS key, a GitHub token, a postgres password, ${home})`,
    );

    const facts: string[] = [];
    const checks: boolean[] = [];
    const observe = (ok: boolean, fact: string): void => {
      checks.push(ok);
      facts.push(`${ok ? '' : 'NOT OBSERVED: '}${fact}`);
      ctx.say(`${ok ? 'ok  ' : 'FAIL'} ${fact}`);
    };
    const opts = { usernames: [user], now: Date.parse('2026-11-23T12:00:00Z') };

    // off: the default.
    const offCode = codeOf(() => prepareEgress(parsePolicy(), context, opts));
    observe(
      offCode === 'ERR_REDACTION_EGRESS_DISABLED',
      `off (the default): egress refused with ${offCode}`,
    );

    // redacted.
    const redacted = prepareEgress(parsePolicy({ mode: 'redacted' }), context, opts);
    const rText = shipped(redacted);
    observe(
      redacted.dropped.some((d) => d.path === '.env') &&
        !redacted.files.some((f) => f.path === '.env'),
      'redacted: .env was dropped (never-leave path rule)',
    );
    observe(!rText.includes(aws), 'redacted: the AWS key does not appear in what would be sent');
    observe(
      !rText.includes(gh) && rText.includes('<secret:github-pat#1>'),
      'redacted: the GitHub token in the source comment became <secret:github-pat#1>',
    );
    observe(
      !rText.includes(pgPassword),
      'redacted: the postgres password in the log line was replaced',
    );
    observe(
      !rText.includes(`/home/${user}`) && rText.includes('/home/<user>/projects/shop'),
      'redacted: the home path was masked as /home/<user>/projects/shop',
    );

    // full: consent required.
    const noConsent = codeOf(() => prepareEgress(parsePolicy({ mode: 'full' }), context, opts));
    observe(
      noConsent === 'ERR_REDACTION_CONSENT_REQUIRED',
      `full without consent: refused with ${noConsent}`,
    );
    const consent = {
      grantedBy: `${user}@example.com`,
      grantedAt: '2026-11-23T09:00:00Z',
      scope: ['context'],
      expiresAt: '2026-11-24T09:00:00Z',
    };
    const full = prepareEgress(parsePolicy({ mode: 'full', consent }), context, opts);
    const fText = shipped(full);
    observe(
      full.dropped.some((d) => d.path === '.env') &&
        !fText.includes(aws) &&
        !fText.includes(gh) &&
        !fText.includes(pgPassword),
      'full with consent: still no credentials (.env dropped, token and password replaced)',
    );
    observe(
      fText.includes(home),
      'full with consent: the home path is released (consented context)',
    );
    const expired = codeOf(() =>
      prepareEgress(parsePolicy({ mode: 'full', consent }), context, {
        ...opts,
        now: Date.parse('2026-11-25T00:00:00Z'),
      }),
    );
    observe(
      expired === 'ERR_REDACTION_CONSENT_REQUIRED',
      `full after the consent expired: refused with ${expired}`,
    );

    return { ok: checks.length > 0 && checks.every(Boolean), facts };
  },
};
