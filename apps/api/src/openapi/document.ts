// The OpenAPI document's typed answers: `@ApiAnswer` names a schema generated from
// responses.ts (schemas.json); `completeDocument` adds those schemas, the error body of every 4xx
// and 5xx answer, and the command bodies of every loaded cycle definition.
import { ApiResponse, type OpenAPIObject } from '@nestjs/swagger';
import { commandFields, type FieldDefinition } from '@ciclo/domain';
import type { DefinitionRegistry } from '@ciclo/workflow';
import { linkBody, moveDeadlineBody, switchDeadlineRuleBody, toOpenApi } from '../schemas';
import SCHEMAS from './schemas.json';

export type AnswerSchema = keyof typeof SCHEMAS;

/** A typed answer: `status` with the JSON schema `schema` of responses.ts, and the headers it carries. */
export const ApiAnswer = (
  status: number,
  schema: AnswerSchema,
  description = 'Done',
  headers?: Record<string, { description: string; schema: { type: 'string' | 'integer' } }>,
): MethodDecorator =>
  ApiResponse({ status, description, ...(headers ? { headers } : {}), content: { 'application/json': { schema: { $ref: `#/components/schemas/${schema}` } } } });

/** A non-JSON answer (a file, a calendar, a page): its media type and what it carries. */
export const ApiFileAnswer = (status: number, mediaType: string, description: string): MethodDecorator =>
  ApiResponse({ status, description, content: { [mediaType]: { schema: { type: 'string', format: 'binary' } } } });

type SchemaObject = Record<string, unknown>;

function fieldSchema(f: FieldDefinition): SchemaObject {
  const base: SchemaObject = f.description ? { description: f.description } : {};
  switch (f.type) {
    case 'enum':
      return { ...base, type: 'string', enum: [...(f.values ?? [])] };
    case 'date':
      return { ...base, type: 'string', format: 'date' };
    case 'datetime':
      return { ...base, type: 'string', format: 'date-time' };
    case 'integer':
      return { ...base, type: 'integer' };
    case 'number':
      return { ...base, type: 'number' };
    case 'sha256':
      return { ...base, type: 'string', pattern: '^[0-9a-f]{64}$' };
    case 'boolean':
      return { ...base, type: 'boolean' };
    case 'url':
      return { ...base, type: 'string', format: 'uri' };
    default:
      return { ...base, type: 'string', ...(f.maxLength ? { maxLength: f.maxLength } : {}) };
  }
}

/** One body schema per transition command of the latest definitions (the engine's own commands too). */
export function commandBodies(registry: DefinitionRegistry): SchemaObject[] {
  const out: SchemaObject[] = [
    { title: 'comment', type: 'object', properties: { text: { type: 'string', maxLength: 4000, description: 'The comment' } }, required: ['text'], additionalProperties: false },
    { title: 'cancel', type: 'object', properties: { reason: { type: 'string', maxLength: 4000, description: 'Why the cycle is cancelled' } }, required: ['reason'], additionalProperties: false },
    { title: 'migrate', type: 'object', properties: { toVersion: { type: 'integer', minimum: 1, description: 'Definition version to move the cycle to' } }, required: ['toVersion'], additionalProperties: false },
    { title: 'move_deadline', ...(toOpenApi(moveDeadlineBody) as SchemaObject) },
    { title: 'link', ...(toOpenApi(linkBody) as SchemaObject) },
    { title: 'switch_deadline_rule', ...(toOpenApi(switchDeadlineRuleBody) as SchemaObject) },
  ];
  const seen = new Set(out.map((o) => o.title));
  for (const def of registry.latestAll()) {
    for (const t of def.transitions) {
      const title = `${def.id}.${t.command}`;
      if (seen.has(title)) continue;
      seen.add(title);
      const fields = commandFields(t);
      out.push({
        title,
        description: `${def.title}: ${t.title} (${t.from.join(', ')} → ${t.to}; roles: ${t.roles.join(', ')})`,
        type: 'object',
        properties: Object.fromEntries(fields.map((f) => [f.name, fieldSchema(f)])),
        required: fields.filter((f) => f.required).map((f) => f.name),
        additionalProperties: false,
      });
    }
  }
  return out;
}

const ERROR_REF = { $ref: '#/components/schemas/ErrorBody' };

/** Adds the generated schemas, the error body of every error answer and the command bodies. */
export function completeDocument(document: OpenAPIObject, registry: DefinitionRegistry): OpenAPIObject {
  document.components = document.components ?? {};
  document.components.schemas = { ...(document.components.schemas ?? {}), ...(SCHEMAS as Record<string, SchemaObject>) };
  for (const item of Object.values(document.paths)) {
    for (const op of Object.values(item) as { responses?: Record<string, { content?: unknown }> }[]) {
      if (!op || typeof op !== 'object' || !op.responses) continue;
      for (const [status, response] of Object.entries(op.responses)) {
        if (Number(status) >= 400 && !response.content) response.content = { 'application/json': { schema: ERROR_REF } };
      }
    }
  }
  const command = document.paths['/cycles/{id}/commands/{command}']?.post;
  if (command) {
    command.requestBody = {
      required: true,
      description: 'The fields of the command named in the path: one of these bodies (`title` names the command, as `<cycle type>.<command>` for transitions).',
      content: { 'application/json': { schema: { oneOf: commandBodies(registry) } } },
    };
  }
  return document;
}
