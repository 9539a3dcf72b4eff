import { z } from 'zod';

export const uuidParam = z.string().regex(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i, 'must be a UUID');
export const commandParam = z.string().regex(/^[a-z][a-z0-9_]{0,63}$/, 'must be a snake_case command name');
export const idempotencyKey = z
  .string()
  .regex(/^[A-Za-z0-9_.:-]{1,200}$/, 'must be 1-200 characters: letters, digits, _ . : -')
  .optional();

export const openCycleBody = z
  .object({
    type: z.string().regex(/^[a-z][a-z0-9_]{0,63}$/, 'must be a cycle type id such as piao').describe('Cycle type: the id of a definition (see GET /definitions), e.g. `piao`'),
    year: z.number().int().min(2000).max(2100).describe('Year of the cycle; for a three-year plan its first year (2027 = PIAO 2027-2029)'),
    title: z.string().trim().min(1).max(300).optional().describe('Title; default "<definition title> <period>"'),
  })
  .strict();

export const getCycleQuery = z
  .object({
    asOf: z
      .string()
      .refine((v) => !Number.isNaN(Date.parse(v)) && /^\d{4}-\d{2}-\d{2}/.test(v), 'must be an ISO 8601 timestamp')
      .optional()
      .describe('Fold the stream up to this instant: the state as it was then'),
    version: z.coerce.number().int().min(1).optional().describe('Fold the stream up to this version'),
  })
  .strict();

export const historyQuery = z
  .object({
    from: z.coerce.number().int().min(1).optional().describe('Version to compare from'),
    to: z.coerce.number().int().min(1).optional().describe('Version to compare to'),
  })
  .strict();

export const commentBody = z.object({ text: z.string().trim().min(1).max(4000).describe('The comment') }).strict();
export const cancelBody = z.object({ reason: z.string().trim().min(1).max(4000).describe('Why the cycle is cancelled') }).strict();
export const migrateBody = z.object({ toVersion: z.number().int().min(1).describe('Definition version to move the cycle to') }).strict();
export const moveDeadlineBody = z
  .object({
    deadlineId: z.string().max(64).describe('A deadline id of the cycle definition, e.g. `pubblicazione`'),
    newDate: z.string().max(10).describe('The new legal date, YYYY-MM-DD (the effective date rolls off holidays)'),
    reason: z.string().trim().min(1).max(4000).describe('Why the date moves: shown in the audit trail'),
    reference: z.string().trim().min(1).max(500).describe('The act or notice moving it, e.g. "Comunicato ANAC del 5 dicembre 2027"'),
  })
  .strict();
export const linkBody = z
  .object({
    linkId: z.string().max(64).describe('A link id of the cycle definition, e.g. `piao` for the Relazione sulla performance'),
    targetCycleId: uuidParam.describe('The cycle to link to: of the type the link names, its year fitting the link'),
    reason: z.string().trim().min(1).max(4000).describe('Why this cycle is linked (or relinked): shown in the history and the audit trail'),
  })
  .strict();
export const switchDeadlineRuleBody = z
  .object({
    deadlineId: z.string().max(64).describe('A `later_of` deadline with a switch, e.g. `adozione` of the PIAO'),
    active: z.boolean().describe('true: the linked part counts this year (the law postponed the term); false: back to the calendar date'),
    reason: z.string().trim().min(1).max(4000).describe('Why: shown in the audit trail'),
    reference: z.string().trim().min(1).max(500).describe('The act postponing the term, e.g. "DL 202/2026 art. 3"'),
  })
  .strict();
export const transitionBody = z.record(z.string().max(64), z.unknown()).describe("The transition's fields (see the command list above)");

export const definitionParams = z.object({ id: z.string().regex(/^[a-z][a-z0-9_]{0,63}$/, 'must be a definition id'), version: z.coerce.number().int().min(1) });
export const definitionQuery = z.object({ format: z.enum(['json', 'mermaid']).default('json').describe('`mermaid` answers the state diagram as text') }).strict();

export const toOpenApi = (schema: z.ZodType) => z.toJSONSchema(schema, { target: 'openapi-3.0', io: 'input' }) as Record<string, unknown>;
