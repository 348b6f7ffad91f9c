import { describe, expect, it } from 'vitest';
import { createVault, maskPaths, redactPath, redactText } from '../src/index.ts';

const AWS = 'AKIAZ7ROTATEME2345QQ';
const AWS2 = 'AKIAQQ4567ROTATEME22';

describe('redactText', () => {
  it('replaces a secret with a typed placeholder and reports its span', () => {
    const text = `aws_access_key_id = ${AWS} # prod`;
    const r = redactText(text);
    expect(r.text).toBe('aws_access_key_id = <secret:aws-access-key-id#1> # prod');
    expect(r.findings).toHaveLength(1);
    const f = r.findings[0];
    expect(text.slice(f?.start, f?.end)).toBe(AWS);
  });

  it('numbers placeholders per rule and gives the same value the same number', () => {
    const r = redactText(`${AWS} ${AWS2} ${AWS}`);
    expect(r.text).toBe(
      '<secret:aws-access-key-id#1> <secret:aws-access-key-id#2> <secret:aws-access-key-id#1>',
    );
  });

  it('leaves allow-listed values, allow-listed fingerprints and palisade:allow lines alone', () => {
    const first = redactText(`k=${AWS}`).findings[0];
    expect(redactText(`k=${AWS}`, { allowList: { values: [AWS] } }).text).toBe(`k=${AWS}`);
    expect(
      redactText(`k=${AWS}`, { allowList: { fingerprints: [first?.fingerprint ?? ''] } }).text,
    ).toBe(`k=${AWS}`);
    const text = `a=${AWS} // palisade:allow test fixture\nb=${AWS2}`;
    expect(redactText(text).text).toBe(
      `a=${AWS} // palisade:allow test fixture\nb=<secret:aws-access-key-id#1>`,
    );
  });

  it('replaces every other occurrence of a flagged value, even where the scanner alone would not flag it', () => {
    const pw = 'Xq7rT2mzLp9vB4';
    const text = `echo ${pw}\npassword=${pw}\nuser typed ${pw} again`;
    const r = redactText(text);
    expect(r.text).not.toContain(pw);
    expect(r.findings.length).toBe(3);
  });

  it('does not change text without findings and returns it as is', () => {
    const text = 'nothing to see: key=ctrl+shift+down sha=3f786850e387550fdab836ed7e6dc881de23001b';
    expect(redactText(text)).toEqual({ text, findings: [] });
  });

  it('rejects a non-string with TypeError', () => {
    expect(() => redactText(42 as never)).toThrow(TypeError);
    expect(() => redactText('x', 'opts' as never)).toThrow(TypeError);
  });
});

describe('createVault', () => {
  it('restores placeholders in an answer to the original values on the device', () => {
    const vault = createVault();
    const { text } = redactText(`use ${AWS} and ${AWS2}`, { vault });
    expect(text).not.toContain(AWS);
    const first = text.match(/<secret:[^>]+>/)?.[0];
    expect(first).toBe('<secret:aws-access-key-id#1>');
    const answer = `Rotate ${first} first; unknown <secret:aws-access-key-id#9> stays.`;
    expect(vault.restore(answer)).toBe(
      `Rotate ${AWS} first; unknown <secret:aws-access-key-id#9> stays.`,
    );
    expect(vault.size).toBe(2);
    // The same vault keeps numbering across calls.
    expect(redactText(AWS2, { vault }).text).toBe('<secret:aws-access-key-id#2>');
  });

  it('never serialises or prints its values', async () => {
    const { inspect } = await import('node:util');
    const vault = createVault();
    redactText(`k=${AWS}`, { vault });
    for (const shown of [
      JSON.stringify(vault),
      String(vault),
      `${vault}`,
      inspect(vault, { showHidden: true, depth: 10 }),
      JSON.stringify({ ...vault }),
      Object.keys(vault).join(','),
    ]) {
      expect(shown).not.toContain(AWS);
    }
    expect(JSON.parse(JSON.stringify(vault))).toEqual({ size: 1 });
    vault.clear();
    expect(vault.size).toBe(0);
    expect(vault.restore('<secret:aws-access-key-id#1>')).toBe('<secret:aws-access-key-id#1>');
  });
});

describe('maskPaths and redactPath', () => {
  it('masks home directories on Linux, macOS and Windows, including JSON-escaped ones', () => {
    expect(maskPaths('at /home/alice/app/x.ts:1', { usernames: [] })).toBe(
      'at /home/<user>/app/x.ts:1',
    );
    expect(maskPaths('/Users/Alice.Smith/Library', { usernames: [] })).toBe(
      '/Users/<user>/Library',
    );
    expect(maskPaths('C:\\Users\\bob\\AppData', { usernames: [] })).toBe(
      'C:\\Users\\<user>\\AppData',
    );
    expect(maskPaths('"C:\\\\Users\\\\bob\\\\x"', { usernames: [] })).toBe(
      '"C:\\\\Users\\\\<user>\\\\x"',
    );
    expect(maskPaths('c:/Users/bob/x', { usernames: [] })).toBe('c:/Users/<user>/x');
    expect(maskPaths('/Users/Shared/x and /home/user/x', { usernames: [] })).toBe(
      '/Users/Shared/x and /home/user/x',
    );
  });

  it('masks user names as whole words only and skips generic account names', () => {
    expect(maskPaths('carol wrote carolina and carol_x; carol.', { usernames: ['carol'] })).toBe(
      '<user> wrote carolina and carol_x; <user>.',
    );
    expect(maskPaths('root and runner stay', { usernames: ['root', 'runner'] })).toBe(
      'root and runner stay',
    );
  });

  it('masking is idempotent', () => {
    const once = maskPaths('/home/dave/x dave', { usernames: ['dave'] });
    expect(maskPaths(once, { usernames: ['dave'] })).toBe(once);
  });

  it('redactPath masks the home directory and replaces a secret inside a path', () => {
    expect(redactPath(`/home/erin/tmp/${AWS}.json`, { usernames: [] })).toBe(
      '/home/<user>/tmp/<secret:aws-access-key-id#1>.json',
    );
    expect(() => redactPath(1 as never)).toThrow(TypeError);
  });
});
