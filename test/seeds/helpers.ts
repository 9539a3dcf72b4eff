import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';

/** The raw seed documents (plain text from PDF), kept in the repository under seeds/sources. */
export const RAW_DIR = resolve(__dirname, '../../seeds/sources');
/** The curated JSON drawn from them. */
export const SEEDS_DIR = resolve(__dirname, '../../seeds');

export const RAW = {
  processMap: '000_51d157c0269d3aaf.txt',
  processCards: '001_20e2348741714fa9.txt',
  riskMap: '002_7e7eac84144ac705.txt',
  plan: '003_7c03116ef0aec330.txt',
  objectiveCards: '004_2bf35aad7dfdc2b2.txt',
} as const;

export interface Source {
  file: string;
  ref: string;
  line: number;
}

const rawCache = new Map<string, string[]>();

/** Lines of a raw document; index 0 is line 1 (the `source.line` numbering). */
export function rawLines(file: string): string[] {
  let lines = rawCache.get(file);
  if (!lines) {
    lines = readFileSync(resolve(RAW_DIR, file), 'utf8').split('\n');
    rawCache.set(file, lines);
  }
  return lines;
}

export function rawLine(file: string, line: number): string {
  const lines = rawLines(file);
  if (!Number.isInteger(line) || line < 1 || line > lines.length) throw new Error(`${file}: no line ${line}`);
  return lines[line - 1];
}

export function loadSeed<T>(rel: string): T {
  return JSON.parse(readFileSync(resolve(SEEDS_DIR, rel), 'utf8')) as T;
}

/** Every object in a JSON tree that carries a `source` with a line number, with its path. */
export function collectSources(node: unknown, path = '$'): { path: string; source: Source }[] {
  const out: { path: string; source: Source }[] = [];
  if (Array.isArray(node)) {
    node.forEach((v, i) => out.push(...collectSources(v, `${path}[${i}]`)));
  } else if (node && typeof node === 'object') {
    const obj = node as Record<string, unknown>;
    const src = obj.source as Partial<Source> | undefined;
    if (src && typeof src === 'object' && typeof src.line === 'number') {
      out.push({ path, source: src as Source });
    }
    for (const [k, v] of Object.entries(obj))
      if (k !== 'source') out.push(...collectSources(v, `${path}.${k}`));
  }
  return out;
}

/** Italian number as printed: '1.146.020' -> 1146020, '7,4' -> 7.4, '0,2%' -> 0.2. */
export function itNumber(raw: string): number {
  const t = raw.trim().replace(/%$/, '').trim();
  if (!/^-?(\d{1,3}(\.\d{3})+(,\d+)?|\d+(,\d+)?)$/.test(t)) throw new Error(`not a number: "${raw}"`);
  return Number(t.replace(/\./g, '').replace(',', '.'));
}

/** Counts of each value. */
export function countBy<T>(items: T[], key: (t: T) => string): Record<string, number> {
  const out: Record<string, number> = {};
  for (const it of items) out[key(it)] = (out[key(it)] ?? 0) + 1;
  return out;
}
