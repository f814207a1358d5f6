import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { Command } from 'commander';
import type { SearchFilters, SearchResponse } from '../../../src-shared/contract/search';
import { openServices, unwrap, withCommonOptions, type CommonOptions } from '../context';
import { CliError, formatTable, printJson } from '../output';

interface SearchOptions extends CommonOptions {
  text?: string;
  image?: string;
  instance?: string;
  model?: string;
  k: string;
  modality?: string;
  from?: string;
  to?: string;
  report?: boolean;
  label?: string;
}

export function searchCommand(): Command {
  return withCommonOptions(new Command('search'))
    .description('search the archive by text ("small left pleural effusion") or find studies similar to an image')
    .argument('[text]', 'query text (same as --text)')
    .option('--text <text>', 'query text, embedded with the trained text encoder')
    .option('--image <path>', 'find studies similar to this imported DICOM file')
    .option('--instance <id>', 'find studies similar to this image (instance id)')
    .option('--model <id>', 'embeddings to search (default: the most recently embedded model)')
    .option('--k <n>', 'how many studies', '10')
    .option('--modality <m>', 'only studies with a series of this modality')
    .option('--from <date>', 'only studies on or after YYYY-MM-DD')
    .option('--to <date>', 'only studies on or before YYYY-MM-DD')
    .option('--report', 'only studies with a report')
    .option('--no-report', 'only studies without a report')
    .option('--label <name[=value]>', 'only studies with this label (and value); "name=" for studies without it')
    .action(async (positional: string | undefined, options: SearchOptions) => {
      const text = options.text ?? positional;
      const modes = [text, options.image, options.instance].filter((x) => x !== undefined).length;
      if (modes !== 1) throw new CliError('Give exactly one query: text, --image PATH or --instance ID.', 2);
      const services = openServices(options);
      try {
        const common = { k: Number(options.k), filters: filtersOf(options), ...(options.model ? { modelId: options.model } : {}) };
        let response: SearchResponse;
        if (text !== undefined) {
          response = unwrap(await services.dispatch('search:text', { ...common, text })) as SearchResponse;
        } else {
          const instanceId = options.instance !== undefined ? Number(options.instance) : instanceAtPath(services.db, options.image!);
          response = unwrap(await services.dispatch('search:similar', { ...common, instanceId })) as SearchResponse;
        }
        if (options.json) return printJson(response);
        process.stdout.write(
          `${formatTable(
            ['rank', 'study', 'score', 'date', 'modality', 'image', 'best sentence'],
            response.hits.map((h, i) => [i + 1, h.studyId, h.score.toFixed(3), h.studyDate, h.modalities, h.thumbnailInstanceId, h.sentence?.text ?? '']),
            60,
          )}\n${response.hits.length} studies from ${response.searched} images of model ${response.modelId} in ${response.tookMs.toFixed(1)} ms\n`,
        );
      } finally {
        services.close();
      }
    });
}

function filtersOf(options: SearchOptions): SearchFilters {
  const filters: SearchFilters = {};
  if (options.modality) filters.modality = options.modality;
  if (options.from) filters.dateFrom = options.from;
  if (options.to) filters.dateTo = options.to;
  if (options.report !== undefined) filters.hasReport = options.report;
  if (options.label) {
    const eq = options.label.indexOf('=');
    filters.label = eq < 0 ? { name: options.label } : { name: options.label.slice(0, eq), value: options.label.slice(eq + 1) || null };
  }
  return filters;
}

/** The imported image at `path`, or with the same bytes (a copy elsewhere). */
function instanceAtPath(db: { prepare(sql: string): { get(...a: unknown[]): unknown } }, path: string): number {
  if (!existsSync(path)) throw new CliError(`${path} does not exist.`);
  const byPath = db.prepare('SELECT id FROM instances WHERE path = ? ORDER BY id LIMIT 1').get(resolve(path)) as { id: number } | undefined;
  const hash = byPath ? null : createHash('sha256').update(readFileSync(path)).digest('hex');
  const row = byPath ?? (db.prepare('SELECT id FROM instances WHERE content_hash = ? ORDER BY id LIMIT 1').get(hash) as { id: number } | undefined);
  if (!row) {
    throw new CliError(`${path} is not an image of this library: import it first (convirt import), then search for similar studies.`);
  }
  return row.id;
}
