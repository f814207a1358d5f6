/** `convirt export labels`: a label schema's labels as CSV (CheXpert convention), to a file or stdout. */
import { Command } from 'commander';
import { renameSync, writeFileSync } from 'node:fs';
import type { LabelSchema } from '../../../src-shared/contract/labels';
import { openServices, unwrap, withCommonOptions, type CommonOptions } from '../context';
import { CliError, printJson } from '../output';

interface ExportLabelsOptions extends CommonOptions {
  schema: string;
  out?: string;
}

export function exportCommand(): Command {
  return withCommonOptions(new Command('export'))
    .description('export from the library: `labels` writes a schema\'s labels as CSV (study_uid, then one column per label: 1.0 / 0.0 / -1.0 / empty)')
    .argument('<what>', 'what to export: labels')
    .option('--schema <name>', 'label schema', 'CheXpert')
    .option('--out <file>', 'write the CSV here instead of stdout')
    .action(async (what: string, options: ExportLabelsOptions) => {
      if (what !== 'labels') throw new CliError(`convirt export ${what}: only "labels" can be exported.`, 2);
      const services = openServices(options);
      try {
        const schemas = unwrap(await services.dispatch('labels:schemas', {})) as LabelSchema[];
        const schema = schemas.find((s) => s.name.toLowerCase() === options.schema.toLowerCase());
        if (!schema) throw new CliError(`No label schema "${options.schema}"; this library has ${schemas.map((s) => s.name).join(', ')}.`);
        const { csv, rows } = unwrap(await services.dispatch('labels:exportCsv', { schemaId: schema.id })) as { csv: string; rows: number };
        if (options.out) {
          // Write-then-rename: an interrupted export never leaves half a file under the asked name.
          writeFileSync(`${options.out}.partial`, csv);
          renameSync(`${options.out}.partial`, options.out);
        }
        if (options.json) return printJson({ schema: schema.name, rows, out: options.out ?? null, ...(options.out ? {} : { csv }) });
        if (options.out) process.stderr.write(`${rows} studies written to ${options.out}\n`);
        else process.stdout.write(csv);
      } finally {
        services.close();
      }
    });
}
