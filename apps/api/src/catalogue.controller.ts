import { Controller, Get, Inject, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiQuery, ApiTags } from '@nestjs/swagger';
import { z } from 'zod';
import { catalogueTree, type CatalogueNode } from '@ciclo/domain';
import type { Actor } from '@ciclo/identity';
import { CatalogueRepository } from '@ciclo/workflow';
import { CurrentActor } from './auth.guard';
import { parseInput } from './validation';
import { ApiAnswer } from './openapi/document';

const catalogueQuery = z
  .object({
    code: z.string().trim().max(40).optional().describe('Codes starting with this, e.g. `A1.1`'),
    q: z.string().trim().max(200).optional().describe('Words that must all appear in the title, the process card or the notes'),
  })
  .strict();

@ApiTags('catalogue')
@ApiBearerAuth()
@Controller('catalogue')
export class CatalogueController {
  constructor(@Inject(CatalogueRepository) private readonly repo: CatalogueRepository) {}

  @Get('processes')
  @ApiOperation({
    summary: "The tenant's process catalogue as a tree",
    description:
      'Macro-funzione → macro-processo → processo → sotto-processo → attività (seed 000), with the process cards (seed 001). With `code` or `q`, only the matching entries and their ancestors; `matches` lists the matching codes. Loaded by `ciclo import seeds/catalogue`.',
  })
  @ApiQuery({ name: 'code', required: false, description: 'A process code: that branch of the tree' })
  @ApiQuery({ name: 'q', required: false, description: 'Words to search in codes and titles' })
  @ApiAnswer(200, 'CatalogueAnswer')
  async processes(@CurrentActor() actor: Actor, @Query() query: unknown): Promise<{ total: number; matches: string[]; tree: CatalogueNode[] }> {
    const q = parseInput(catalogueQuery, query ?? {}, 'query');
    const { state } = await this.repo.load(actor.tenant);
    return catalogueTree(state, { ...(q.code ? { code: q.code } : {}), ...(q.q ? { q: q.q } : {}) });
  }
}
