/**
 * `convirt suggest-labels`: runs the rule-based report labeller over every
 * study with a report and stores its proposals as suggestions (source =
 * suggested) of a schema; labels people set are never touched. A progress
 * bar on stderr unless --json.
 */
import { SingleBar } from 'cli-progress';
import { Command } from 'commander';
import type { JobEvent } from '../../../src-shared/contract/events';
import type { LabelSchema, SuggestAllResult } from '../../../src-shared/contract/labels';
import { openServices, unwrap, withCommonOptions, type CommonOptions } from '../context';
import { CliError, printJson } from '../output';

interface SuggestOptions extends CommonOptions {
  schema: string;
}

export function suggestCommand(): Command {
  return withCommonOptions(new Command('suggest-labels'))
    .description('suggest label values from the reports with the rule-based labeller (stored as suggestions for a person to accept in the viewer)')
    .option('--schema <name>', 'label schema', 'CheXpert')
    .action(async (options: SuggestOptions) => {
      const services = openServices(options);
      const bar = options.json ? null : new SingleBar({ format: 'suggest [{bar}] {value}/{total} studies | ETA {eta_formatted}', stream: process.stderr, etaBuffer: 20 });
      let started = false;
      const stop = services.events.subscribe((event: JobEvent) => {
        if (!bar || event.kind !== 'suggest-labels' || event.type !== 'progress') return;
        if (!started) bar.start(event.total ?? 0, event.done);
        else bar.update(event.done);
        started = true;
      });
      try {
        const schemas = unwrap(await services.dispatch('labels:schemas', {})) as LabelSchema[];
        const schema = schemas.find((s) => s.name.toLowerCase() === options.schema.toLowerCase());
        if (!schema) throw new CliError(`No label schema "${options.schema}"; this library has ${schemas.map((s) => s.name).join(', ')}.`);
        const result = unwrap(await services.dispatch('labels:suggestAll', { schemaId: schema.id })) as SuggestAllResult;
        bar?.stop();
        if (options.json) return printJson({ schema: schema.name, ...result });
        process.stdout.write(`${result.suggestions} suggestions for ${result.studies} studies with a report (${schema.name}, ${(result.tookMs / 1000).toFixed(1)} s); review them in the viewer's label panel.\n`);
      } finally {
        bar?.stop();
        stop();
        services.close();
      }
    });
}
