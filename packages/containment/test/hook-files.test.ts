import { spawnSync } from 'node:child_process';
import { readFileSync, statSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { shippedPath } from '../src/hook-files.ts';

const SHIPPED = [
  'palisade-hook',
  '_palisade-chain',
  'git-remote-contained',
  'common-pre-push',
  'pre-commit-secrets',
  'git-shim',
] as const;

describe('shipped hook files', () => {
  it('every shipped hook file is POSIX sh with LF line endings and mode 0755, parses under dash, bash --posix and busybox ash, and is published in files', () => {
    for (const name of SHIPPED) {
      const path = shippedPath(name);
      const text = readFileSync(path, 'utf8');
      expect(text.startsWith('#!/bin/sh\n'), name).toBe(true);
      expect(text.includes('\r'), name).toBe(false);
      expect(statSync(path).mode & 0o777, name).toBe(0o755);
      for (const shell of [
        ['/usr/bin/dash', '-n'],
        ['/bin/bash', '--posix', '-n'],
        ['/usr/bin/busybox', 'ash', '-n'],
      ]) {
        const r = spawnSync(shell[0] ?? 'sh', [...shell.slice(1), path], { encoding: 'utf8' });
        expect(r.status, `${name} under ${shell.join(' ')}: ${r.stderr}`).toBe(0);
      }
    }
    const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as {
      files: string[];
    };
    expect(pkg.files).toContain('hooks');
  });
});
