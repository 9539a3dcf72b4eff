import { Controller, Get, Inject, Param, Query, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiParam, ApiQuery, ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import { commandFields, DomainRefusal, mermaidDiagram, type CycleDefinition, type FieldDefinition } from '@ciclo/domain';
import { DEFINITIONS, DefinitionRegistry } from '@ciclo/workflow';
import { parseInput } from './validation';
import { definitionParams, definitionQuery } from './schemas';
import { ApiAnswer } from './openapi/document';

export interface DefinitionSummary {
  /** Definition id (the cycle type) */
  id: string;
  /** Definition version */
  version: number;
  /** Title, in Italian */
  title: string;
  /** Whether new cycles use this version */
  latest: boolean;
  /** How the period is counted (`annual`, `triennial`...) */
  period: string;
  /** The provisions the cycle follows */
  legalBasis: readonly string[];
  /** Roles that may open a cycle of this type. */
  openRoles: readonly string[];
}

/** Markdown list of every command with its fields, for the OpenAPI description of the command endpoint. */
export function commandsDescription(registry: DefinitionRegistry): string {
  const lines = [
    'The body carries the command\'s fields. Engine commands: `comment` `{text}`, `cancel` `{reason}`, `migrate` `{toVersion}`, `move_deadline` `{deadlineId, newDate, reason, reference}`, `link` `{linkId, targetCycleId, reason}` (link or relink to another cycle, docs/links.md), `switch_deadline_rule` `{deadlineId, active, reason, reference}` (the law postponing a term); documents are attached with `POST /cycles/{id}/documents`.',
    '',
    'Transition commands by cycle type (latest versions):',
  ];
  for (const def of registry.latestAll()) {
    lines.push('', `**${def.id}** — ${def.title}`);
    for (const t of def.transitions) {
      const fields = commandFields(t)
        .map((f) => `\`${f.name}\`${f.required ? '' : '?'}: ${f.type === 'enum' ? (f.values ?? []).join('|') : f.type}`)
        .join(', ');
      lines.push(`- \`${t.command}\` (${t.from.join(', ')} → ${t.to}; roles: ${t.roles.join(', ')})${fields ? ` — ${fields}` : ''}`);
    }
  }
  return lines.join('\n');
}

/** A definition as served: each transition with the full list of its command's fields. */
export type DefinitionView = Omit<CycleDefinition, 'transitions'> & {
  /** The transitions, each with every field of its command (implied fields included) */
  transitions: (CycleDefinition['transitions'][number] & {
    /** Every field of the command */
    inputs: readonly FieldDefinition[];
  })[];
  /** The stages and transitions as a Mermaid state diagram */
  mermaid: string;
};

@ApiTags('definitions')
@ApiBearerAuth()
@Controller('definitions')
export class DefinitionsController {
  constructor(@Inject(DEFINITIONS) private readonly registry: DefinitionRegistry) {}

  @Get()
  @ApiOperation({ summary: 'Every cycle definition version loaded', description: 'A running cycle keeps the version it was opened with; new cycles use the latest.' })
  @ApiAnswer(200, 'DefinitionSummaryList')
  list(): DefinitionSummary[] {
    return this.registry.all().map((d) => ({
      id: d.id,
      version: d.version,
      title: d.title,
      latest: this.registry.latest(d.id)?.version === d.version,
      period: d.period,
      legalBasis: d.legalBasis,
      openRoles: d.openRoles,
    }));
  }

  @Get(':id/:version')
  @ApiOperation({
    summary: 'One definition version, with its state diagram',
    description:
      'JSON with a `mermaid` field, or with `?format=mermaid` the Mermaid state diagram as text. Each transition carries `inputs`: every body field of its command (the fields implied by its kind, e.g. `reason` for a request for changes, followed by its own), from which a form can be generated.',
  })
  @ApiParam({ name: 'id', description: 'Definition id, e.g. piao' })
  @ApiParam({ name: 'version', description: 'Version number' })
  @ApiQuery({ name: 'format', required: false, enum: ['json', 'mermaid'], description: '`json` (default) or `mermaid` (the stages diagram)' })
  @ApiAnswer(200, 'DefinitionView')
  get(@Param() params: unknown, @Query() query: unknown, @Res({ passthrough: true }) res: Response): DefinitionView | string {
    const p = parseInput(definitionParams, params, 'path');
    const q = parseInput(definitionQuery, query ?? {}, 'query');
    const def = this.registry.get(p.id, p.version);
    if (!def) throw new DomainRefusal('UNKNOWN_CYCLE_TYPE', `${p.id} v${p.version}`);
    const mermaid = mermaidDiagram(def);
    if (q.format === 'mermaid') {
      res.type('text/plain; charset=utf-8');
      return mermaid;
    }
    return { ...def, transitions: def.transitions.map((t) => ({ ...t, inputs: commandFields(t) })), mermaid };
  }
}
