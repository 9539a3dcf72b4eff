#!/usr/bin/env node
// `npm run openapi:schemas [-- --check]`: the JSON Schemas of the API's answers, from the types
// exported by apps/api/src/openapi/responses.ts, written to apps/api/src/openapi/schemas.json.
// With --check, exits 1 (and writes nothing) when the file is not what the types give.
const fs = require('node:fs');
const path = require('node:path');
const { createGenerator } = require('ts-json-schema-generator');

const root = path.resolve(__dirname, '..');
const source = path.join(root, 'apps/api/src/openapi/responses.ts');
const target = path.join(root, 'apps/api/src/openapi/schemas.json');

/** The names responses.ts exports: declared there (`export interface|type X`) or re-exported (`export type { X, Y }`). */
function exportedNames(text) {
  const names = new Set();
  for (const m of text.matchAll(/^export (?:interface|type) ([A-Za-z0-9_]+)/gm)) names.add(m[1]);
  for (const m of text.matchAll(/^export type \{([^}]+)\}/gm)) for (const n of m[1].split(',')) if (n.trim()) names.add(n.trim());
  return [...names].sort();
}

function generate() {
  const generator = createGenerator({
    path: source,
    tsconfig: path.join(root, 'tsconfig.json'),
    type: '*',
    expose: 'export',
    topRef: true,
    jsDoc: 'extended',
    skipTypeCheck: true,
    additionalProperties: true,
    sortProps: true,
  });
  const definitions = {};
  for (const name of exportedNames(fs.readFileSync(source, 'utf8'))) {
    const schema = generator.createSchema(name);
    Object.assign(definitions, schema.definitions ?? {});
    if (!definitions[name]) throw new Error(`no schema for ${name}`);
  }
  const sorted = Object.fromEntries(Object.keys(definitions).sort().map((k) => [k, definitions[k]]));
  // OpenAPI 3 keeps schemas under components.schemas.
  const text = JSON.stringify(sorted, null, 2).replace(/#\/definitions\//g, '#/components/schemas/');
  return `${text}\n`;
}

const check = process.argv.includes('--check');
const t0 = Date.now();
process.stderr.write(`openapi:schemas: reading ${path.relative(root, source)}...\n`);
const text = generate();
const count = Object.keys(JSON.parse(text)).length;
if (check) {
  const current = fs.existsSync(target) ? fs.readFileSync(target, 'utf8') : '';
  if (current !== text) {
    process.stderr.write(`openapi:schemas: ${path.relative(root, target)} is out of date: run npm run openapi:schemas\n`);
    process.exit(1);
  }
  process.stderr.write(`openapi:schemas: ${count} schemas, up to date (${Date.now() - t0} ms)\n`);
} else {
  fs.writeFileSync(target, text);
  process.stderr.write(`openapi:schemas: ${count} schemas written to ${path.relative(root, target)} (${Date.now() - t0} ms)\n`);
}
