import { Command } from 'commander';
import type { StudyPage } from '../../../src-shared/contract/library';
import { openServices, unwrap, withCommonOptions, type CommonOptions } from '../context';
import { formatTable, printJson } from '../output';

interface StudiesOptions extends CommonOptions {
  offset: string;
  limit: string;
  sort: string;
  desc?: boolean;
  modality?: string;
  text?: string;
}

export function studiesCommand(): Command {
  return withCommonOptions(new Command('studies'))
    .description('list the studies of a library (paged, sorted, filtered)')
    .option('--offset <n>', 'first row', '0')
    .option('--limit <n>', 'rows per page', '50')
    .option('--sort <field>', 'studyDate | patientId | modality | description | imageCount | importedAt', 'studyDate')
    .option('--desc', 'sort descending')
    .option('--modality <m>', 'only studies with a series of this modality')
    .option('--text <s>', 'substring of patient id, description or accession')
    .action(async (options: StudiesOptions) => {
      const services = openServices(options);
      try {
        const page = unwrap(
          await services.dispatch('library:listStudies', {
            offset: Number(options.offset),
            limit: Number(options.limit),
            sort: { field: options.sort, direction: options.desc ? 'desc' : 'asc' },
            filters: { ...(options.modality ? { modality: options.modality } : {}), ...(options.text ? { text: options.text } : {}) },
          }),
        ) as StudyPage;
        if (options.json) return printJson(page);
        process.stdout.write(
          `${formatTable(
            ['id', 'patient', 'date', 'modality', 'description', 'images', 'report'],
            page.items.map((s) => [s.id, s.patientId, s.studyDate, s.modalities, s.description, s.imageCount, s.hasReport ? 'yes' : '']),
          )}\n${page.offset + 1}-${page.offset + page.items.length} of ${page.total}\n`,
        );
      } finally {
        services.close();
      }
    });
}
